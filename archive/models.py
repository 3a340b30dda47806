"""The archive's tables, as SQLAlchemy 2.x typed models.

Columns of ``articles`` map :class:`kabar.core.article.Article` explicitly (see
``archive.repository``); list fields live in their own tables so archivists can
join on them. Instants are stored in UTC: :class:`UTCDateTime` makes that hold on
SQLite too, which has no time zone type.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.types import TypeDecorator

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """An aware datetime, stored as UTC; naive values are refused, not guessed."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(f"naive datetime refused by the archive: {value!r}")
        value = value.astimezone(UTC)
        # SQLite stores text without offset; keep it naive-UTC there.
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if isinstance(value, str):  # raw SQLite text written by another tool
            value = datetime.fromisoformat(value)
        if not isinstance(value, datetime):
            raise TypeError(f"not a datetime from the database: {value!r}")
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def utcnow() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def table(model: type[Base]) -> Table:
    """A model's table, for Core statements run on the session's connection: no ORM
    layer (identity map, unit of work) where no ORM object is read or written."""
    found = model.__table__
    assert isinstance(found, Table)
    return found


class Site(Base):
    """A configured news site, as last seen in a sites file."""

    __tablename__ = "sites"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    url: Mapped[str] = mapped_column(Text)
    region: Mapped[str | None] = mapped_column(String(128))
    language: Mapped[str | None] = mapped_column(String(16))
    timezone: Mapped[str] = mapped_column(String(64), default="Asia/Jakarta")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    articles: Mapped[list[Article]] = relationship(back_populates="site")


class Article(Base):
    """One article, by canonical URL; the row holds its latest extracted state."""

    __tablename__ = "articles"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id", ondelete="CASCADE"), index=True)
    url: Mapped[str] = mapped_column(Text, index=True)
    """As fetched; indexed (since 0002): a fetch's evidence finds its article by it."""
    canonical_url: Mapped[str] = mapped_column(Text, unique=True)
    url_key: Mapped[str] = mapped_column(Text, unique=True)
    """The article's identity: its canonical URL without scheme and ``www.`` (see
    :func:`archive.stories.url_key`), so http/https and www variants are one article."""
    title: Mapped[str | None] = mapped_column(Text)
    authors: Mapped[list[str]] = mapped_column(JSON, default=list)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    modified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    body: Mapped[str | None] = mapped_column(Text)
    body_html: Mapped[str | None] = mapped_column(Text)
    body_hash: Mapped[str | None] = mapped_column(String(64), index=True)
    lead: Mapped[str | None] = mapped_column(Text)
    image_url: Mapped[str | None] = mapped_column(Text)
    language: Mapped[str | None] = mapped_column(String(16))
    location: Mapped[str | None] = mapped_column(String(128))
    fetched_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    first_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    story_id: Mapped[int | None] = mapped_column(Integer, index=True)
    """The story this copy belongs to: the id of its first stored copy, stable for life."""
    duplicate_of: Mapped[int | None] = mapped_column(
        ForeignKey("articles.id", ondelete="SET NULL"), index=True
    )
    """The story's original (earliest published, then lowest id); None for the original."""

    site: Mapped[Site] = relationship(back_populates="articles")
    terms: Mapped[list[ArticleTerm]] = relationship(
        cascade="all, delete-orphan", order_by="ArticleTerm.position"
    )


TERM_KINDS = ("tag", "category", "topic", "region")
"""Kinds of :class:`Term`; each matches the Article list field of that name plus "s"."""


class Term(Base):
    """A tag, category, topic or region name, shared by the articles that carry it."""

    __tablename__ = "terms"
    __table_args__ = (UniqueConstraint("kind", "name", name="uq_terms_kind_name"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    name: Mapped[str] = mapped_column(String(255))


class ArticleTerm(Base):
    """Links an article to a term, keeping the order the page gave."""

    __tablename__ = "article_terms"

    article_id: Mapped[int] = mapped_column(
        ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True
    )
    term_id: Mapped[int] = mapped_column(
        ForeignKey("terms.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    position: Mapped[int] = mapped_column(Integer, default=0)

    term: Mapped[Term] = relationship(lazy="joined")


class CrawlRun(Base):
    """One ``kabar crawl`` process."""

    __tablename__ = "crawl_runs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    sites: Mapped[list[CrawlRunSite]] = relationship(cascade="all, delete-orphan")


class CrawlRunSite(Base):
    """What one run did on one site: counts for health checks and reports."""

    __tablename__ = "crawl_run_sites"
    __table_args__ = (Index("ix_crawl_run_sites_site_run", "site_id", "run_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("crawl_runs.id", ondelete="CASCADE"))
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id", ondelete="CASCADE"))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finish_reason: Mapped[str | None] = mapped_column(String(64))
    requests: Mapped[int] = mapped_column(Integer, default=0)
    new_articles: Mapped[int] = mapped_column(Integer, default=0)
    updated_articles: Mapped[int] = mapped_column(Integer, default=0)
    unchanged_articles: Mapped[int] = mapped_column(Integer, default=0)
    dropped_items: Mapped[int] = mapped_column(Integer, default=0)
    errors: Mapped[int] = mapped_column(Integer, default=0)
    stats: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class SiteDiscovery(Base):
    """What discovery learned of a site, so later runs go straight to what works."""

    __tablename__ = "site_discovery"

    site_id: Mapped[int] = mapped_column(
        ForeignKey("sites.id", ondelete="CASCADE"), primary_key=True
    )
    strategy: Mapped[str | None] = mapped_column(String(16))
    """wp_rest, feed, sitemap or listing: the strategy that listed the site last time."""
    api_root: Mapped[str | None] = mapped_column(Text)
    feeds: Mapped[list[str]] = mapped_column(JSON, default=list)
    sitemaps: Mapped[list[str]] = mapped_column(JSON, default=list)
    last_success_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    """Start of the last run that listed the site completely (incremental runs list
    only what changed after it)."""
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class HttpValidator(Base):
    """ETag / Last-Modified of a listing URL (feed, sitemap, API page) for conditional GETs."""

    __tablename__ = "http_validators"

    url: Mapped[str] = mapped_column(Text, primary_key=True)
    etag: Mapped[str | None] = mapped_column(Text)
    last_modified: Mapped[str | None] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ZoneOffset(Base):
    """A site zone's UTC offset from ``starts_at`` on (see :func:`kabar.core.times.offset_changes`):
    the SQL views show times in the site's zone from it, SQLite having no zone database."""

    __tablename__ = "zone_offsets"

    timezone: Mapped[str] = mapped_column(String(64), primary_key=True)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime, primary_key=True)
    utc_offset_s: Mapped[int] = mapped_column(Integer)
    utc_offset: Mapped[str] = mapped_column(String(8))
    """The same offset as ISO 8601 writes it (``+07:00``), for the views' text."""


class Revision(Base):
    """A previous version of an article, kept when a re-crawl changed its title or body."""

    __tablename__ = "revisions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    article_id: Mapped[int] = mapped_column(
        ForeignKey("articles.id", ondelete="CASCADE"), index=True
    )
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    """When the change was seen (the fetch time of the newer version)."""
    changed_fields: Mapped[list[str]] = mapped_column(JSON, default=list)
    title: Mapped[str | None] = mapped_column(Text)
    body: Mapped[str | None] = mapped_column(Text)
    body_html: Mapped[str | None] = mapped_column(Text)
    modified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    fetched_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class ArticleSignature(Base):
    """An article's near-duplicate signature, to confirm candidates found by band."""

    __tablename__ = "article_signatures"

    article_id: Mapped[int] = mapped_column(
        ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True
    )
    minhash: Mapped[bytes] = mapped_column(LargeBinary)
    """The signature's hash values, little-endian uint32 each."""
    shingle_count: Mapped[int] = mapped_column(Integer)
    numbers: Mapped[bytes] = mapped_column(LargeBinary)
    """Hashes of the numbers the body states (see ``archive.stories.Signature``)."""


class ArticleBand(Base):
    """One LSH band hash of an article: articles sharing a band are near-duplicate
    candidates, found by an index look-up on ``band_key`` whatever the archive's size."""

    __tablename__ = "article_bands"
    # Clustered on band_key in SQLite: a look-up reads one B-tree, no row fetch.
    __table_args__ = ({"sqlite_with_rowid": False},)

    band_key: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    article_id: Mapped[int] = mapped_column(
        ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class SiteSentence(Base):
    """How many of a site's articles contain a sentence: a sentence that recurs across
    a newsroom's articles (its boilerplate, a template's fixed text) says nothing about
    which story an article tells, so story linking discounts it."""

    __tablename__ = "site_sentences"
    __table_args__ = ({"sqlite_with_rowid": False},)

    site_id: Mapped[int] = mapped_column(
        ForeignKey("sites.id", ondelete="CASCADE"), primary_key=True
    )
    sentence_key: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    """Signed 64-bit hash of the sentence's case-folded words."""
    articles: Mapped[int] = mapped_column(Integer)


class ArticleFacts(Base):
    """What an article states about its event, beside its text signature: the names
    and dates its distinctive text gives (see ``archive.stories.Signature``)."""

    __tablename__ = "article_facts"

    article_id: Mapped[int] = mapped_column(
        ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True
    )
    names: Mapped[bytes] = mapped_column(LargeBinary)
    dates: Mapped[bytes] = mapped_column(LargeBinary)


class FetchBlob(Base):
    """A raw response body, stored once however many fetches returned it.

    Keyed by the SHA-256 of the uncompressed body, so an unchanged page costs one
    row no matter how often it is re-fetched; ``data`` is ``compression``-compressed.
    """

    __tablename__ = "fetch_blobs"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    size: Mapped[int] = mapped_column(Integer)
    """Bytes of the uncompressed body."""
    compression: Mapped[str] = mapped_column(String(16), default="zlib")
    data: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Fetch(Base):
    """One HTTP response to an article request, as evidence (see ``archive.evidence``)."""

    __tablename__ = "fetches"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    url: Mapped[str] = mapped_column(Text, index=True)
    """The URL that answered (after redirects)."""
    request_url: Mapped[str] = mapped_column(Text)
    method: Mapped[str] = mapped_column(String(16), default="GET")
    request_headers: Mapped[list[list[str]]] = mapped_column(JSON, default=list)
    status: Mapped[int] = mapped_column(Integer)
    protocol: Mapped[str | None] = mapped_column(String(16))
    headers: Mapped[list[list[str]]] = mapped_column(JSON, default=list)
    """Response headers as ``[name, value]`` pairs, in order, repeats kept."""
    blob_sha256: Mapped[str] = mapped_column(ForeignKey("fetch_blobs.sha256"), index=True)
    fetched_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    article_id: Mapped[int | None] = mapped_column(
        ForeignKey("articles.id", ondelete="SET NULL"), index=True
    )
    """Set when the article was already stored at fetch time; else join on URL."""


class SiteLock(Base):
    """A lease on crawling a site, so overlapping runs (on any machine sharing the
    database) skip a busy site; it expires, so a killed holder never blocks for ever."""

    __tablename__ = "site_locks"

    site_name: Mapped[str] = mapped_column(String(64), primary_key=True)
    holder: Mapped[str] = mapped_column(String(255))
    acquired_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)


class DeadUrl(Base):
    """An article-like URL that gave no article (not HTML, not an article, 4xx, or a
    fault that outlasted the retries), so later runs do not fetch it again until
    its re-check is due."""

    __tablename__ = "dead_urls"

    url: Mapped[str] = mapped_column(Text, primary_key=True)
    site_name: Mapped[str] = mapped_column(String(64), index=True)
    reason: Mapped[str] = mapped_column(String(64))
    checked_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class SiteSchedule(Base):
    """When a site is next due, following its observed publishing rate."""

    __tablename__ = "site_schedule"

    site_name: Mapped[str] = mapped_column(String(64), primary_key=True)
    next_crawl_at: Mapped[datetime] = mapped_column(UTCDateTime)
    interval_s: Mapped[int] = mapped_column(Integer)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
