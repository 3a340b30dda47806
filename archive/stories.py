"""Stories: the copies of one article across sites and runs, linked in the archive.

A near-duplicate is found by SQL index look-ups on LSH band hashes
(``article_bands``), so detection works across runs and across crawl processes
sharing one database, and never loads the index into memory. Candidates are
confirmed with their stored signatures (:class:`MatchRule`). The signature itself
is computed by the crawler (``pipelines.near_duplicates``, which also holds the
tuned rule); this module only stores and compares it, so the archive stays free
of Scrapy and of shingling choices.

Every copy is stored. Copies share ``story_id`` (the id of the story's first stored
copy, stable for life) and point with ``duplicate_of`` to the story's original:
the earliest published copy, ties (and unknown dates, which sort last) broken by
the lowest id, so every process computes the same original.

Shared text alone does not make a copy: a newsroom's articles share its boilerplate
and its templates. Each site's sentences are counted per article
(``site_sentences``); a sentence found in several of a site's articles is
boilerplate, which the crawler leaves out of the signature
(:func:`site_boilerplate`). A candidate must then also agree on the event: the
numbers, dates and names its distinctive text states and a publication time within
a window (:class:`MatchRule`).
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, NamedTuple

import numpy as np
from sqlalchemy import bindparam, delete, func, insert, select, text, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from archive import models

MAX_CANDIDATES = 50
"""Candidates confirmed per new article, those sharing the most bands first: a true
copy shares most of its bands, a chance collision one, so the closest few are
enough to pick a story however large the archive."""


STORY_LOCK_KEY = 0x6B61626172  # "kabar": the advisory lock that serializes story linking
STORY_LOCK_HELD = "kabar_story_lock_held"
"""``session.info`` key set by a session whose transaction took the lock when it began
(the archive's batched writer): taking it again per article was a round trip each."""


@dataclass(frozen=True)
class Signature:
    """What near-duplicate detection keeps of a body."""

    minhash: bytes
    """MinHash of the body's shingles, little-endian uint32 values."""
    band_keys: tuple[int, ...]
    """LSH band hashes of the MinHash: the look-up keys."""
    shingle_count: int
    """Distinct shingles, to turn estimated Jaccard into containment."""
    numbers: bytes
    """Sorted uint32 hashes of the numbers the body states (dates, amounts, counts)."""
    names: bytes = b""
    """Sorted uint32 hashes of the names (people, organisations, places) it states."""
    dates: bytes = b""
    """Sorted uint32 hashes of the calendar days it states ("Senin (17/7/2023)")."""
    sentence_keys: tuple[int, ...] = ()
    """Every sentence of the body, hashed: counted per site to learn its boilerplate."""


def similarity(a: bytes, b: bytes) -> float:
    """The Jaccard similarity two MinHash signatures estimate (share of equal values)."""
    if len(a) != len(b) or not a:
        return 0.0
    return float(np.mean(np.frombuffer(a, "<u4") == np.frombuffer(b, "<u4")))


def containment(a: Signature, b: Signature) -> float:
    """Estimated share of the smaller body's shingles found in the other: a copy trimmed
    to half its paragraphs still scores high, where Jaccard would halve."""
    jaccard = similarity(a.minhash, b.minhash)
    smaller = min(a.shingle_count, b.shingle_count)
    if smaller <= 0:
        return 0.0
    return min(1.0, jaccard * (a.shingle_count + b.shingle_count) / ((1 + jaccard) * smaller))


def _hashes(packed: bytes) -> set[int]:
    return set(np.frombuffer(packed, "<u4").tolist())


def overlap(a: bytes, b: bytes) -> float | None:
    """Share of the smaller set of hashes found in the other (None: a side states none,
    so this evidence cannot tell)."""
    left, right = _hashes(a), _hashes(b)
    if not left or not right:
        return None
    return len(left & right) / min(len(left), len(right))


numbers_overlap = overlap
"""The stated numbers' overlap (kept under its first name)."""


@dataclass(frozen=True)
class MatchRule:
    """When a candidate is the same story.

    The text: its distinctive text (boilerplate left out) contains most of the
    other's (``containment``); another report of the same event fails here. The
    event: the numbers (``numbers``) and names (``names``) it states are mostly the
    same, the calendar days it states are not disjoint (``dates``), and it was
    published within ``window_days``; a template or a newsroom's sentence pool
    reporting other news (another day, other figures, other people) fails here.
    A side that states no numbers, names or dates (or has no publication time)
    gives no evidence on that point.
    """

    containment: float
    numbers: float
    names: float = 0.0
    dates: bool = False
    window_days: float | None = None
    min_names: int = 3
    """Names are compared only when both sides state at least this many."""
    same_site: float | None = None
    """The containment two articles of one site need: a newsroom reposts a story
    nearly whole, while its different stories share its stock sentences, which a
    site crawled for the first time has not yet shown to be its boilerplate."""

    def score(
        self,
        a: Signature,
        b: Signature,
        *,
        days_apart: float | None = None,
        same_site: bool = False,
    ) -> float | None:
        """The containment when ``a`` and ``b`` are one story, else None."""
        if (
            self.window_days is not None
            and days_apart is not None
            and abs(days_apart) > self.window_days
        ):
            return None
        text = containment(a, b)
        if text < self.containment:
            return None
        if same_site and self.same_site is not None and text < self.same_site:
            return None
        numbers = overlap(a.numbers, b.numbers)
        if numbers is not None and numbers < self.numbers:
            return None
        if self.dates and overlap(a.dates, b.dates) == 0.0:
            return None
        if self.names > 0 and min(len(a.names), len(b.names)) // 4 >= self.min_names:
            names = overlap(a.names, b.names)
            if names is not None and names < self.names:
                return None
        return text


class NewArticle(NamedTuple):
    """What story linking reads of an article inserted in this transaction: the writer
    has it at hand, so the row is not read back (``archive.repository.upsert_article``
    with ``story_later``)."""

    id: int
    site_id: int
    published_at: datetime | None


@dataclass(frozen=True)
class StoryLink:
    article_id: int
    story_id: int
    duplicate_of: int | None
    matched: int | None
    """The stored copy this article was found to repeat (None: a new story)."""
    score: float = 0.0


_SIGNATURE_INSERT = insert(models.table(models.ArticleSignature))
_FACTS_INSERT = insert(models.table(models.ArticleFacts))
_BANDS_INSERT = insert(models.table(models.ArticleBand))
"""Built once, values bound at execution (built per article, they cost CPU of their own)."""


def _store_signature(
    session: Session, article_id: int, signature: Signature, *, new: bool = False
) -> bool:
    """Write the article's signature and bands; False when they were already stored
    (``new``: the caller has just found none stored, no need to look again)."""
    signature_row, facts_row = _rows(article_id, signature)
    if new:
        # Core inserts: the session never reads these rows back in this write, and a
        # unit of work for two small rows cost more than their statements.
        core = session.connection()
        core.execute(_SIGNATURE_INSERT, signature_row)
        core.execute(_FACTS_INSERT, facts_row)
        _insert_bands(session, article_id, signature)
        return True
    stored = session.get(models.ArticleSignature, article_id)
    if stored is not None and stored.minhash == signature.minhash:
        return False
    if stored is None:
        stored = models.ArticleSignature(article_id=article_id)
        session.add(stored)
    else:
        session.execute(
            delete(models.ArticleBand).where(models.ArticleBand.article_id == article_id)
        )
    for column, value in signature_row.items():
        setattr(stored, column, value)
    # Facts are written with the signature, and deleted with it.
    facts = session.get(models.ArticleFacts, article_id)
    if facts is None:
        facts = models.ArticleFacts(article_id=article_id)
        session.add(facts)
    for column, value in facts_row.items():
        setattr(facts, column, value)
    session.flush()
    _insert_bands(session, article_id, signature)
    return True


def _rows(article_id: int, signature: Signature) -> tuple[dict[str, Any], dict[str, Any]]:
    """The article's ``article_signatures`` and ``article_facts`` rows."""
    return (
        {
            "article_id": article_id,
            "minhash": signature.minhash,
            "shingle_count": signature.shingle_count,
            "numbers": signature.numbers,
        },
        {"article_id": article_id, "names": signature.names, "dates": signature.dates},
    )


def _insert_bands(session: Session, article_id: int, signature: Signature) -> None:
    if signature.band_keys:
        session.connection().execute(
            _BANDS_INSERT,
            [
                {"band_key": key, "article_id": article_id}
                for key in dict.fromkeys(signature.band_keys)
            ],
        )


_shared = func.count().label("shared")
_CANDIDATES = (
    select(models.ArticleBand.article_id, _shared)
    .where(
        models.ArticleBand.band_key.in_(bindparam("keys", expanding=True)),
        models.ArticleBand.article_id != bindparam("exclude"),  # 0: none (ids start at 1)
    )
    .group_by(models.ArticleBand.article_id)
    .order_by(_shared.desc(), models.ArticleBand.article_id)
    .limit(MAX_CANDIDATES)
)
"""The stored articles sharing the most of a signature's bands. Built once, with bound
parameters, as :data:`_CANDIDATE_SIGNATURES` is: building both per new article cost
about as much CPU as running them."""
_CANDIDATE_SIGNATURES = (
    # Columns, not ORM objects: up to MAX_CANDIDATES rows per new article, read once.
    select(
        models.ArticleSignature.article_id,
        models.ArticleSignature.minhash,
        models.ArticleSignature.shingle_count,
        models.ArticleSignature.numbers,
        models.Article.story_id,
        models.Article.published_at,
        models.Article.site_id,
        models.ArticleFacts.names,
        models.ArticleFacts.dates,
    )
    .join(models.Article, models.Article.id == models.ArticleSignature.article_id)
    .outerjoin(
        models.ArticleFacts,
        models.ArticleFacts.article_id == models.ArticleSignature.article_id,
    )
    .where(models.ArticleSignature.article_id.in_(bindparam("ids", expanding=True)))
)


def find_near_duplicates(
    session: Session,
    signature: Signature,
    *,
    rule: MatchRule,
    exclude_id: int | None = None,
    published_at: datetime | None = None,
    site_id: int | None = None,
) -> list[tuple[int, int | None, float]]:
    """Stored articles that are the same story by ``rule``, as
    ``(article_id, story_id, score)``, best first (ties: lowest id); ``published_at``
    and ``site_id`` are the new article's."""
    if not signature.band_keys:
        return []
    core = session.connection()  # rows, not ORM objects: Core execution (no ORM layer)
    keys = {"keys": list(set(signature.band_keys)), "exclude": exclude_id or 0}
    ids = [article_id for article_id, _ in core.execute(_CANDIDATES, keys)]
    if not ids:
        return []
    rows = core.execute(_CANDIDATE_SIGNATURES, {"ids": ids}).all()
    matches = []
    for (
        other_id,
        minhash,
        shingles,
        numbers,
        story_id,
        other_published,
        other_site,
        names,
        dates,
    ) in rows:
        other = Signature(minhash, (), shingles, numbers, names or b"", dates or b"")
        days_apart = (
            (published_at - other_published).total_seconds() / 86400
            if published_at is not None and other_published is not None
            else None
        )
        score = rule.score(signature, other, days_apart=days_apart, same_site=other_site == site_id)
        if score is not None:
            matches.append((other_id, story_id, score))
    matches.sort(key=lambda match: (-match[2], match[0]))
    return matches


def site_boilerplate(
    session: Session, site_id: int, sentence_keys: Collection[int], *, min_articles: int
) -> frozenset[int]:
    """Which of ``sentence_keys`` the site's stored articles already repeat: those found
    in at least ``min_articles`` of them (one index look-up per batch of keys)."""
    keys = sorted(set(sentence_keys))
    found: set[int] = set()
    for start in range(0, len(keys), 500):
        found.update(
            session.connection()
            .execute(
                select(models.SiteSentence.sentence_key).where(
                    models.SiteSentence.site_id == site_id,
                    models.SiteSentence.sentence_key.in_(keys[start : start + 500]),
                    models.SiteSentence.articles >= min_articles,
                )
            )
            .scalars()
        )
    return frozenset(found)


def count_site_sentences(session: Session, site_id: int, sentence_keys: Collection[int]) -> None:
    """Count one more of the site's articles containing each sentence."""
    keys = sorted(set(sentence_keys))
    if not keys:
        return
    dialect = session.get_bind().dialect.name
    make = postgresql_insert if dialect == "postgresql" else sqlite_insert
    table = models.table(models.SiteSentence)
    statement = make(table).on_conflict_do_update(
        index_elements=[table.c.site_id, table.c.sentence_key],
        set_={"articles": table.c.articles + 1},
    )
    session.connection().execute(
        statement, [{"site_id": site_id, "sentence_key": key, "articles": 1} for key in keys]
    )


_NEVER = datetime.max.replace(tzinfo=UTC)


def _elect_original(session: Session, story_id: int) -> int:
    """Point every copy of the story at its original; returns the original's id.

    Reads three columns of the members and updates only those that point elsewhere: a
    press release copied by hundreds of sites is a story of hundreds, re-elected at each
    new copy, and loading each member as an ORM object made that the crawl's main cost."""
    members = session.execute(
        select(models.Article.id, models.Article.published_at, models.Article.duplicate_of).where(
            models.Article.story_id == story_id
        )
    ).all()
    original = min(members, key=lambda row: (row.published_at or _NEVER, row.id))
    repoint = [
        row.id for row in members if row.id != original.id and row.duplicate_of != original.id
    ]
    if repoint:
        session.execute(
            update(models.Article)
            .where(models.Article.id.in_(repoint))
            .values(duplicate_of=original.id)
        )
    if original.duplicate_of is not None:
        session.execute(
            update(models.Article).where(models.Article.id == original.id).values(duplicate_of=None)
        )
    return int(original.id)


def _join(session: Session, row: models.Article) -> int:
    """:func:`_elect_original` for a new member of a story, in one indexed look-up: the
    story's one original stays so unless the newcomer precedes it (then a full election)."""
    current = session.execute(
        select(models.Article.id, models.Article.published_at).where(
            models.Article.story_id == row.story_id,
            models.Article.duplicate_of.is_(None),
            models.Article.id != row.id,
        )
    ).all()
    if len(current) == 1:
        (original,) = current
        if (original.published_at or _NEVER, original.id) <= (row.published_at or _NEVER, row.id):
            if row.duplicate_of != original.id:
                row.duplicate_of = original.id
                session.flush()
            return int(original.id)
    assert row.story_id is not None
    return _elect_original(session, row.story_id)


def link_story(
    session: Session,
    article_id: int,
    signature: Signature,
    *,
    rule: MatchRule,
    unsigned: bool = False,
    new: NewArticle | None = None,
) -> StoryLink:
    """Index a stored article for near-duplicate detection and put it in its story.

    A newly indexed article joins the story of its closest stored match (one story,
    never a merge of two, so a chain of loose matches cannot glue different news
    together) or starts its own. An article already in a story stays there when its
    body is revised: an edit of a copy is still that copy.

    ``unsigned``: the caller knows the article has no signature yet (it inserted the
    row in this transaction), so none is looked up. ``new``: the same, and the row's
    columns linking reads, given (its ``story_id`` is not written yet: written here).
    """
    if session.get_bind().dialect.name == "postgresql" and not session.info.get(STORY_LOCK_HELD):
        # Crawl processes sharing PostgreSQL link stories one at a time (until commit),
        # so two copies stored at the same instant still see each other. SQLite needs
        # no lock: the article's upsert already holds its single writer lock.
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": STORY_LOCK_KEY})
    if new is not None:
        return _link_new(session, new, signature, rule=rule)
    row = session.get(models.Article, article_id)
    if row is None:
        raise ValueError(f"no article {article_id}")
    first_time = unsigned or session.get(models.ArticleSignature, article_id) is None
    matched: int | None = None
    score = 0.0
    if first_time:
        matches = find_near_duplicates(
            session,
            signature,
            rule=rule,
            exclude_id=article_id,
            published_at=row.published_at,
            site_id=row.site_id,
        )
        count_site_sentences(session, row.site_id, signature.sentence_keys)
        if matches:
            matched, story_id, score = matches[0]
            row.story_id = story_id if story_id is not None else matched
    _store_signature(session, article_id, signature, new=first_time)
    if row.story_id is None:
        row.story_id = row.id
    session.flush()
    if first_time and matched is None and row.story_id == row.id and row.duplicate_of is None:
        # A new story of one: no other copy can point at it yet (a copy finds its story
        # through stored signatures, and this one has just been stored).
        original = row.id
    elif first_time and row.story_id != row.id:
        original = _join(session, row)
    else:
        original = _elect_original(session, row.story_id)
    return StoryLink(
        article_id=article_id,
        story_id=row.story_id,
        duplicate_of=None if original == article_id else original,
        matched=matched,
        score=score,
    )


def _link_new(
    session: Session, new: NewArticle, signature: Signature, *, rule: MatchRule
) -> StoryLink:
    """:func:`link_story` for an article inserted in this transaction, in Core statements
    (no ORM row is loaded or flushed): its story and original are written in one
    ``UPDATE`` unless it precedes its story's original (then a full election)."""
    matches = find_near_duplicates(
        session,
        signature,
        rule=rule,
        exclude_id=new.id,
        published_at=new.published_at,
        site_id=new.site_id,
    )
    count_site_sentences(session, new.site_id, signature.sentence_keys)
    _store_signature(session, new.id, signature, new=True)
    if not matches:
        own_story(session, new.id)
        return StoryLink(article_id=new.id, story_id=new.id, duplicate_of=None, matched=None)
    matched, found_story, score = matches[0]
    story_id = found_story if found_story is not None else matched
    articles = models.table(models.Article)
    core = session.connection()
    current = core.execute(
        select(articles.c.id, articles.c.published_at).where(
            articles.c.story_id == story_id,
            articles.c.duplicate_of.is_(None),
            articles.c.id != new.id,
        )
    ).all()
    joined = update(articles).where(articles.c.id == new.id)
    if len(current) == 1:
        (original,) = current
        if (original.published_at or _NEVER, original.id) <= (new.published_at or _NEVER, new.id):
            core.execute(joined.values(story_id=story_id, duplicate_of=original.id))
            return StoryLink(new.id, story_id, int(original.id), matched, score)
    core.execute(joined.values(story_id=story_id))
    elected = _elect_original(session, story_id)
    return StoryLink(new.id, story_id, None if elected == new.id else elected, matched, score)


def own_story(session: Session, article_id: int) -> None:
    """Make an article inserted in this transaction a story of one (it had no signature
    to link it by)."""
    session.connection().execute(_OWN_STORY, {"article": article_id})


_articles = models.table(models.Article)
_OWN_STORY = (
    update(_articles)
    .where(_articles.c.id == bindparam("article"))
    .values(story_id=bindparam("article"))
)


def story_copies(session: Session, article_id: int) -> Sequence[models.Article]:
    """Every stored copy of the article's story (itself included), original first."""
    row = session.get(models.Article, article_id)
    if row is None:
        return []
    story_id = row.story_id if row.story_id is not None else row.id
    members = session.scalars(
        select(models.Article).where(models.Article.story_id == story_id)
    ).all()
    return sorted(
        members, key=lambda m: (m.duplicate_of is not None, m.published_at or _NEVER, m.id)
    )


def revisions_of(session: Session, article_id: int) -> Sequence[models.Revision]:
    """The article's previous versions, oldest first."""
    return session.scalars(
        select(models.Revision)
        .where(models.Revision.article_id == article_id)
        .order_by(models.Revision.recorded_at, models.Revision.id)
    ).all()
