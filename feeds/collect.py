"""Read the archive into feeds: which feeds exist and their latest entries.

The only module of ``feeds`` that knows the database; ``feeds.build`` and
``feeds.publish`` work on :class:`feeds.model.FeedEntry` alone. A story republished
by several sites appears once in the ``all``, topic and region feeds (its original,
``archive.stories``), and under each site in that site's feed; each entry lists the
story's other copies (``also_at``).

`plan_feeds` is what publishing uses: per feed, one query for the ids and change stamps of
its latest articles gives a fingerprint, and the articles themselves are read only for the
feeds whose fingerprint changed since the files were last written.
"""

from __future__ import annotations

import functools
import hashlib
import html
import json
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import Select, desc, func, select
from sqlalchemy.orm import Session, selectinload

from archive import models
from archive.repository import row_to_article
from feeds.model import FeedEntry, FeedInfo, PendingFeed
from kabar.core.taxonomy import default_taxonomy
from kabar.core.times import site_zone

DEFAULT_FEED_SIZE = 50
SUMMARY_CHARS = 280


def slugify(name: str, taken: set[str] | None = None) -> str:
    """A file-name-safe slug ("Hukum & Kriminal" -> "hukum-kriminal"), made unique
    against ``taken`` (and added to it) so two names never share a feed file."""
    slug = re.sub(r"[^a-z0-9]+", "-", name.casefold()).strip("-")[:80].strip("-") or "x"
    if taken is not None:
        base, n = slug, 2
        while slug in taken:
            slug, n = f"{base}-{n}", n + 1
        taken.add(slug)
    return slug


def _summary(lead: str | None, body: str | None) -> str | None:
    text = lead or (body.split("\n", 1)[0] if body else None)
    if text and len(text) > SUMMARY_CHARS:
        text = text[: SUMMARY_CHARS - 1].rsplit(" ", 1)[0] + "…"
    return text


def _content_html(body_html: str | None, body: str | None) -> str | None:
    if body_html:
        return body_html
    if body:
        return "".join(f"<p>{html.escape(p)}</p>" for p in body.split("\n"))
    return None


def entry_for(row: models.Article, also_at: tuple[tuple[str, str], ...] = ()) -> FeedEntry:
    """The feed entry of a stored article; its id is the canonical URL, stable for life.

    ``updated`` is the archive's ``modified_at``, which moves only when the page's title or
    body changed (``archive.repository``), so a re-crawl that changed nothing moves nothing.
    """
    article = row_to_article(row)
    # An undated page is dated by when kabar first saw it, shown in the site's zone too.
    published = article.published_at or row.first_seen_at.astimezone(site_zone(row.site.timezone))
    updated = article.modified_at or published
    return FeedEntry(
        id=row.canonical_url,
        link=article.canonical_url or article.url,
        title=article.title or article.url,
        published=published,
        updated=max(updated, published),
        summary=_summary(article.lead, article.body),
        content_html=_content_html(article.body_html, article.body),
        authors=tuple(article.authors),
        image_url=article.image_url,
        categories=tuple(dict.fromkeys([*article.categories, *article.tags])),
        language=article.language,
        source_name=row.site.name,
        also_at=also_at,
    )


_Query = TypeVar("_Query", bound=Select[*tuple[Any, ...]])


@dataclass(frozen=True)
class _Membership:
    """Which articles a feed lists: stories only (copies collapsed) or every copy, narrowed
    to one term (topic, region) or one site."""

    stories_only: bool = True
    term_id: int | None = None
    site_id: int | None = None

    def apply(self, query: _Query) -> _Query:
        if self.stories_only:
            query = query.where(models.Article.duplicate_of.is_(None))
        if self.term_id is not None:
            query = query.join(
                models.ArticleTerm, models.ArticleTerm.article_id == models.Article.id
            ).where(models.ArticleTerm.term_id == self.term_id)
        if self.site_id is not None:
            query = query.where(models.Article.site_id == self.site_id)
        return query


@dataclass(frozen=True)
class _Member:
    id: int
    story_id: int
    updated_at: str
    site: str


def _members(session: Session, membership: _Membership, limit: int) -> list[_Member]:
    """The feed's latest ``limit`` articles, newest first: ids and change stamps only."""
    query = membership.apply(
        select(
            models.Article.id,
            models.Article.story_id,
            models.Article.updated_at,
            models.Site.name,
        ).join(models.Site, models.Site.id == models.Article.site_id)
    )
    rows = session.execute(
        query.order_by(
            desc(func.coalesce(models.Article.published_at, models.Article.first_seen_at)),
            desc(models.Article.id),
        ).limit(limit)
    ).all()
    return [
        _Member(id, story_id if story_id is not None else id, updated_at.isoformat(), site)
        for id, story_id, updated_at, site in rows
    ]


class _Archive:
    """Reads what feeds need, remembering entries and story copies across the feeds of one
    publication: an article is in several feeds (all, topics, region, site) but is read once."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.entries: dict[int, FeedEntry] = {}
        self.copies: dict[int, list[tuple[int, str, str]]] = {}  # story -> (id, site, url)

    def story_copies(self, members: Sequence[_Member]) -> dict[int, list[tuple[int, str, str]]]:
        """Every copy of the members' stories: original first, then by publication, id."""
        wanted = {m.story_id for m in members if m.story_id not in self.copies}
        for story in wanted:
            self.copies[story] = []
        for chunk in _chunks(sorted(wanted)):
            rows = self.session.execute(
                select(
                    models.Article.story_id,
                    models.Article.id,
                    models.Site.name,
                    models.Article.canonical_url,
                )
                .join(models.Site, models.Site.id == models.Article.site_id)
                .where(models.Article.story_id.in_(chunk))
                .order_by(
                    models.Article.duplicate_of.is_not(None),
                    func.coalesce(models.Article.published_at, models.Article.first_seen_at),
                    models.Article.id,
                )
            ).all()
            for story_id, id, site, url in rows:
                self.copies[story_id if story_id is not None else id].append((id, site, url))
        return {m.story_id: self.copies[m.story_id] for m in members}

    def fingerprint(self, members: Sequence[_Member]) -> str:
        """Changes whenever an entry would: membership, order, an edit (``updated_at``), the
        site's name, a copy of the story found elsewhere (the code that renders an entry is in
        :mod:`feeds.publish`'s fingerprint, which includes this module)."""
        copies = self.story_copies(members)
        data = [
            [m.id, m.updated_at, m.site, [c[:2] for c in copies[m.story_id] if c[0] != m.id]]
            for m in members
        ]
        return hashlib.sha256(json.dumps(data, ensure_ascii=False).encode("utf-8")).hexdigest()

    def load(self, members: Sequence[_Member]) -> list[FeedEntry]:
        copies = self.story_copies(members)
        missing = [m.id for m in members if m.id not in self.entries]
        for chunk in _chunks(missing):
            rows = self.session.scalars(
                select(models.Article)
                .where(models.Article.id.in_(chunk))
                .options(selectinload(models.Article.terms), selectinload(models.Article.site))
            ).all()
            by_id = {m.id: m for m in members}
            for row in rows:
                others = tuple(
                    (site, url) for id, site, url in copies[by_id[row.id].story_id] if id != row.id
                )
                self.entries[row.id] = entry_for(row, others)
        # An article deleted since the members were read is simply left out.
        return [self.entries[m.id] for m in members if m.id in self.entries]


def _chunks(ids: Sequence[int], size: int = 500) -> Iterator[Sequence[int]]:
    """Keeps ``IN (...)`` lists under SQLite's bound-parameter limit."""
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def plan_feeds(
    session: Session, *, limit: int = DEFAULT_FEED_SIZE, topics: Sequence[str] | None = None
) -> Iterator[PendingFeed]:
    """Every feed kabar publishes, each with a fingerprint of its latest ``limit`` entries and
    a loader called only if the feed must be rendered (`feeds.publish.publish`).

    Finding a feed's members costs one small query; reading and rendering its entries happens
    only for the feeds whose fingerprint changed since the last publication. ``topics`` names
    the topic feeds, in order (default: kabar's taxonomy).
    """
    archive = _Archive(session)
    for info, membership, keep_empty in _feed_memberships(session, topics):
        members = _members(session, membership, limit)
        if not members and not keep_empty:
            continue
        yield PendingFeed(
            info,
            functools.partial(archive.load, members),
            fingerprint=archive.fingerprint(members),
        )


def collect_feeds(
    session: Session, *, limit: int = DEFAULT_FEED_SIZE, topics: Sequence[str] | None = None
) -> Iterator[tuple[FeedInfo, list[FeedEntry]]]:
    """Every feed kabar publishes, with its latest ``limit`` entries, newest first."""
    for feed in plan_feeds(session, limit=limit, topics=topics):
        yield feed.info, list(feed.load())


def _feed_memberships(
    session: Session, topic_names: Sequence[str] | None
) -> Iterator[tuple[FeedInfo, _Membership, bool]]:
    """Each feed, which articles it lists, and whether it is published while empty."""
    yield (
        FeedInfo(
            slug="all",
            title="kabar: semua berita",
            description="Berita terbaru dari semua situs",
            group="all",
        ),
        _Membership(),
        True,
    )
    # Topic feeds are the taxonomy's, in its order: labels stored before it are not topics.
    if topic_names is None:
        topic_names = [topic.name for topic in default_taxonomy().topics]
    order = {name: n for n, name in enumerate(topic_names)}
    topics = session.scalars(
        select(models.Term).where(models.Term.kind == "topic", models.Term.name.in_(order))
    ).all()
    topic_slugs: set[str] = set()
    for term in sorted(topics, key=lambda t: order[t.name]):
        yield (
            FeedInfo(
                slug=f"topic-{slugify(term.name, topic_slugs)}",
                title=f"kabar: {term.name}",
                description=f"Berita terbaru bertopik {term.name}",
                group="topic",
            ),
            _Membership(term_id=term.id),
            True,
        )
    regions = session.scalars(
        select(models.Term).where(models.Term.kind == "region").order_by(models.Term.name)
    ).all()
    region_slugs: set[str] = set()
    for term in regions:
        yield (
            FeedInfo(
                slug=f"region-{slugify(term.name, region_slugs)}",
                title=f"kabar: {term.name}",
                description=f"Berita terbaru dari {term.name}",
                group="region",
            ),
            _Membership(term_id=term.id),
            False,
        )
    site_slugs: set[str] = set()
    for site in session.scalars(select(models.Site).order_by(models.Site.name)).all():
        yield (
            FeedInfo(
                slug=f"site-{slugify(site.name, site_slugs)}",
                title=f"kabar: {site.name}",
                description=f"Berita terbaru dari {site.url}",
                language=site.language or "id",
                group="site",
                home_url=site.url,
            ),
            _Membership(stories_only=False, site_id=site.id),
            False,
        )
