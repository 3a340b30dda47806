"""kabar's topic taxonomy (``kabar/core/data/topics.toml``) and the rule that assigns it.

Sites name their categories freely ("Pemerintahan", "Government", "Pemkab",
"Hukrim"), so feeds built from them splinter; kabar maps them onto one taxonomy.
A topic comes first from the site's categories and tags (matched by name,
case-, accent- and language-insensitive through each topic's aliases), then from
keyword rules that weigh the title above the body. A keyword topic must score at
least :data:`MIN_SCORE` and half the best one, so a passing mention ("... melalui
pendidikan dan kesehatan ...") does not tag a report about a meeting.
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Self

TITLE_WEIGHT = 3
MIN_SCORE = 4
"""E.g. one keyword in the title and one in the body, or four in the body."""
MAX_TOPICS = 3
MAX_HITS_PER_KEYWORD = 3
"""A word repeated through a long body counts at most this often."""


def name_key(name: str) -> str:
    """``"Hukum & Kriminal"``, ``"hukum dan kriminal"`` and ``"HUKUM-KRIMINAL"`` as one key."""
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().casefold()
    text = re.sub(r"\s*&\s*", " dan ", text)
    return " ".join(re.sub(r"[\W_]+", " ", text).split())


@dataclass(frozen=True)
class Topic:
    name: str
    aliases: frozenset[str]
    keywords: re.Pattern[str] | None


@dataclass(frozen=True)
class Taxonomy:
    topics: tuple[Topic, ...]

    @classmethod
    def from_toml(cls, text: str) -> Self:
        topics = []
        for entry in tomllib.loads(text)["topic"]:
            name = str(entry["name"])
            aliases = frozenset(name_key(a) for a in [name, *entry.get("aliases", [])])
            words = sorted({k.casefold() for k in entry.get("keywords", [])}, key=len, reverse=True)
            pattern = (
                re.compile(r"\b(?:" + "|".join(re.escape(w) for w in words) + r")\b")
                if words
                else None
            )
            topics.append(Topic(name, aliases, pattern))
        return cls(tuple(topics))

    def assign(self, *, title: str, body: str, labels: list[str]) -> list[str]:
        """Topic names for an article: mapped site labels first, then keyword topics."""
        keys = {name_key(label) for label in labels}
        chosen = [t.name for t in self.topics if t.aliases & keys]
        scores = {t.name: _score(t, title.casefold(), body.casefold()) for t in self.topics}
        best = max(scores.values(), default=0)
        for topic in sorted(self.topics, key=lambda t: -scores[t.name]):
            score = scores[topic.name]
            if score >= MIN_SCORE and score * 2 >= best and topic.name not in chosen:
                chosen.append(topic.name)
        return chosen[:MAX_TOPICS]


def _score(topic: Topic, title: str, body: str) -> int:
    if topic.keywords is None:
        return 0
    counts: dict[str, int] = {}
    for match in topic.keywords.finditer(body):
        counts[match.group()] = counts.get(match.group(), 0) + 1
    in_body = sum(min(n, MAX_HITS_PER_KEYWORD) for n in counts.values())
    return TITLE_WEIGHT * len(set(topic.keywords.findall(title))) + in_body


@cache
def default_taxonomy() -> Taxonomy:
    text = resources.files("kabar.core").joinpath("data", "topics.toml").read_text("utf-8")
    return Taxonomy.from_toml(text)
