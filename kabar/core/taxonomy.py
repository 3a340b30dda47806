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
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache, cached_property
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
    """The topic's keywords, longest first, as one alternation: the rule's definition
    (what :class:`KeywordIndex` finds for every topic at once)."""
    words: tuple[str, ...] = ()
    """The casefolded keywords, longest first."""


class KeywordIndex:
    """Every topic's keyword hits in one pass over a text, counted exactly as each topic's
    own ``keywords`` pattern would (leftmost, longest alternative, no overlaps).

    One lookahead pattern over all keywords finds, at each word-boundary position, the
    longest keyword there; the shorter keywords matching at the same position are its
    prefixes that end on a word boundary inside it, known in advance. Each topic then
    takes, at each position past its previous hit, its own longest keyword there."""

    def __init__(self, topics: tuple[Topic, ...]) -> None:
        words = sorted({w for t in topics for w in t.words}, key=len, reverse=True)
        alternation = "|".join(re.escape(w) for w in words)
        self.pattern = re.compile(rf"\b(?=({alternation})\b)") if words else None
        owners: dict[str, list[str]] = {}
        for topic in topics:
            for word in topic.words:
                owners.setdefault(word, []).append(topic.name)
        boundary = re.compile(r"\b")
        self.at: dict[str, tuple[tuple[str, str], ...]] = {}
        """Longest keyword found at a position -> (topic, that topic's keyword there)."""
        for word in words:
            chosen: dict[str, str] = {}
            for size in range(len(word), 0, -1):  # longest first: a topic keeps its longest
                prefix = word[:size]
                if prefix in owners and (size == len(word) or boundary.match(word, size)):
                    for name in owners[prefix]:
                        chosen.setdefault(name, prefix)
            self.at[word] = tuple(chosen.items())

    def hits(self, text: str) -> Mapping[str, dict[str, int]]:
        """``{topic: {keyword: hits}}`` in ``text`` (casefolded by the caller)."""
        found: dict[str, dict[str, int]] = {}
        if self.pattern is None:
            return found
        free_from: dict[str, int] = {}
        for match in self.pattern.finditer(text):
            start = match.start()
            for name, word in self.at[match.group(1)]:
                if start >= free_from.get(name, 0):
                    counts = found.setdefault(name, {})
                    counts[word] = counts.get(word, 0) + 1
                    free_from[name] = start + len(word)
        return found


@dataclass(frozen=True)
class Taxonomy:
    topics: tuple[Topic, ...]

    @cached_property
    def index(self) -> KeywordIndex:
        return KeywordIndex(self.topics)

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
            topics.append(Topic(name, aliases, pattern, tuple(words)))
        return cls(tuple(topics))

    def assign(self, *, title: str, body: str, labels: list[str]) -> list[str]:
        """Topic names for an article: mapped site labels first, then keyword topics."""
        keys = {name_key(label) for label in labels}
        chosen = [t.name for t in self.topics if t.aliases & keys]
        in_title = self.index.hits(title.casefold())
        in_body = self.index.hits(body.casefold())
        scores = {
            t.name: TITLE_WEIGHT * len(in_title.get(t.name, ()))
            + sum(min(n, MAX_HITS_PER_KEYWORD) for n in in_body.get(t.name, {}).values())
            for t in self.topics
        }
        best = max(scores.values(), default=0)
        for topic in sorted(self.topics, key=lambda t: -scores[t.name]):
            score = scores[topic.name]
            if score >= MIN_SCORE and score * 2 >= best and topic.name not in chosen:
                chosen.append(topic.name)
        return chosen[:MAX_TOPICS]


@cache
def default_taxonomy() -> Taxonomy:
    text = resources.files("kabar.core").joinpath("data", "topics.toml").read_text("utf-8")
    return Taxonomy.from_toml(text)
