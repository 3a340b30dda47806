"""Read the archive into feeds: which feeds exist and their latest entries.

The only module of ``feeds`` that knows the database; ``feeds.build`` and
``feeds.publish`` work on :class:`feeds.model.FeedEntry` alone. A story republished
by several sites appears once in the ``all``, topic and region feeds (its original,
``archive.stories``), and under each site in that site's feed.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from datetime import UTC

from sqlalchemy import Select, desc, func, select
from sqlalchemy.orm import Session, selectinload

from archive import models
from archive.repository import row_to_article
from feeds.model import FeedEntry, FeedInfo
from pipelines.topics import default_taxonomy

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


def entry_for(row: models.Article) -> FeedEntry:
    """The feed entry of a stored article; its id is the canonical URL, stable for life."""
    article = row_to_article(row)
    published = article.published_at or row.first_seen_at.astimezone(UTC)
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
    )


def _latest(query: Select[models.Article], limit: int) -> Select[models.Article]:
    return (
        query.options(selectinload(models.Article.terms), selectinload(models.Article.site))
        .order_by(
            desc(func.coalesce(models.Article.published_at, models.Article.first_seen_at)),
            desc(models.Article.id),
        )
        .limit(limit)
    )


def collect_feeds(
    session: Session, *, limit: int = DEFAULT_FEED_SIZE
) -> Iterator[tuple[FeedInfo, list[FeedEntry]]]:
    """Every feed kabar publishes, with its latest ``limit`` entries, newest first."""
    base = select(models.Article)
    stories = base.where(models.Article.duplicate_of.is_(None))
    everything = session.scalars(_latest(stories, limit)).all()
    yield (
        FeedInfo(
            slug="all",
            title="kabar: semua berita",
            description="Berita terbaru dari semua situs",
            group="all",
        ),
        [entry_for(r) for r in everything],
    )
    # Topic feeds are the taxonomy's, in its order: labels stored before it are not topics.
    order = {topic.name: n for n, topic in enumerate(default_taxonomy().topics)}
    topics = session.scalars(
        select(models.Term).where(models.Term.kind == "topic", models.Term.name.in_(order))
    ).all()
    topic_slugs: set[str] = set()
    for term in sorted(topics, key=lambda t: order[t.name]):
        query = stories.join(models.ArticleTerm).where(models.ArticleTerm.term_id == term.id)
        rows = session.scalars(_latest(query, limit)).all()
        yield (
            FeedInfo(
                slug=f"topic-{slugify(term.name, topic_slugs)}",
                title=f"kabar: {term.name}",
                description=f"Berita terbaru bertopik {term.name}",
                group="topic",
            ),
            [entry_for(r) for r in rows],
        )
    regions = session.scalars(
        select(models.Term).where(models.Term.kind == "region").order_by(models.Term.name)
    ).all()
    region_slugs: set[str] = set()
    for term in regions:
        query = stories.join(models.ArticleTerm).where(models.ArticleTerm.term_id == term.id)
        rows = session.scalars(_latest(query, limit)).all()
        if not rows:
            continue
        yield (
            FeedInfo(
                slug=f"region-{slugify(term.name, region_slugs)}",
                title=f"kabar: {term.name}",
                description=f"Berita terbaru dari {term.name}",
                group="region",
            ),
            [entry_for(r) for r in rows],
        )
    site_slugs: set[str] = set()
    for site in session.scalars(select(models.Site).order_by(models.Site.name)).all():
        rows = session.scalars(_latest(base.where(models.Article.site_id == site.id), limit)).all()
        if not rows:
            continue
        yield (
            FeedInfo(
                slug=f"site-{slugify(site.name, site_slugs)}",
                title=f"kabar: {site.name}",
                description=f"Berita terbaru dari {site.url}",
                language=site.language or "id",
                group="site",
                home_url=site.url,
            ),
            [entry_for(r) for r in rows],
        )
