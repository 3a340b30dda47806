"""Topics found in one pass (:class:`kabar.core.taxonomy.KeywordIndex`) score exactly as
each topic's own keyword pattern does: checked against that per-topic rule on texts
made of the taxonomy's own keywords, their prefixes and overlaps."""

from __future__ import annotations

import random

from kabar.core.taxonomy import (
    MAX_HITS_PER_KEYWORD,
    TITLE_WEIGHT,
    Taxonomy,
    Topic,
    default_taxonomy,
)


def reference_score(topic: Topic, title: str, body: str) -> int:
    """The rule as each topic's alternation defines it (the former per-topic scan)."""
    if topic.keywords is None:
        return 0
    counts: dict[str, int] = {}
    for match in topic.keywords.finditer(body):
        counts[match.group()] = counts.get(match.group(), 0) + 1
    in_body = sum(min(n, MAX_HITS_PER_KEYWORD) for n in counts.values())
    return TITLE_WEIGHT * len(set(topic.keywords.findall(title))) + in_body


def one_pass_scores(taxonomy: Taxonomy, title: str, body: str) -> dict[str, int]:
    in_title = taxonomy.index.hits(title)
    in_body = taxonomy.index.hits(body)
    return {
        t.name: TITLE_WEIGHT * len(in_title.get(t.name, ()))
        + sum(min(n, MAX_HITS_PER_KEYWORD) for n in in_body.get(t.name, {}).values())
        for t in taxonomy.topics
    }


def texts(words: list[str], count: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    glue = [" ", " ", ", ", "-", "", "x", " dan ", ". "]
    made = []
    for _ in range(count):
        parts = []
        for _ in range(rng.randint(1, 40)):
            word = rng.choice(words)
            cut = rng.random()
            if cut < 0.15:
                word = word[: rng.randint(1, len(word))]  # a prefix: near misses
            elif cut < 0.25:
                word = word + rng.choice(words)  # glued: no word boundary
            parts.append(word + rng.choice(glue))
        made.append("".join(parts).casefold())
    return made


def test_one_pass_matches_the_per_topic_rule_on_the_shipped_taxonomy() -> None:
    taxonomy = default_taxonomy()
    words = [w for t in taxonomy.topics for w in t.words]
    assert len(words) > 50
    for text in texts(words, 400, seed=18):
        expected = {t.name: reference_score(t, text[:80], text) for t in taxonomy.topics}
        assert one_pass_scores(taxonomy, text[:80], text) == expected, text


def test_overlapping_keywords_of_different_topics_each_count() -> None:
    taxonomy = Taxonomy.from_toml(
        """
[[topic]]
name = "Ekonomi"
keywords = ["bank", "bank sentral"]
[[topic]]
name = "Moneter"
keywords = ["bank sentral indonesia", "sentral"]
[[topic]]
name = "Hukum"
keywords = ["bank"]
"""
    )
    body = "bank sentral indonesia dan bank sentralnya bank"
    expected = {t.name: reference_score(t, "", body) for t in taxonomy.topics}
    assert expected == {"Ekonomi": 3, "Moneter": 1, "Hukum": 3}
    assert one_pass_scores(taxonomy, "", body) == expected
