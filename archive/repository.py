"""All the archive's SQL: upserts, look-ups and streaming reads.

The mapping between :class:`kabar.core.article.Article` and the ``articles`` table is
written here once: scalar fields map to columns of the same name, ``site`` to
``site_id``, and ``tags``/``categories``/``topics`` to :class:`Term` rows.
"""

from __future__ import annotations

import enum
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import TYPE_CHECKING, Any, NamedTuple, Protocol, Self

from sqlalchemy import event, func, insert, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload
from sqlalchemy.sql.dml import ReturningInsert

from archive import models
from archive.models import utcnow
from archive.stories import own_story
from archive.zones import ensure_zone
from kabar.core.article import ARTICLE_FIELDS, DATETIME_FIELDS, Article
from kabar.core.times import local_time
from kabar.core.urls import url_key

if TYPE_CHECKING:
    pass

TERM_FIELDS: dict[str, str] = {
    "tags": "tag",
    "categories": "category",
    "topics": "topic",
    "regions": "region",
}
"""Article list field -> ``terms.kind``."""
COLUMN_FIELDS: tuple[str, ...] = tuple(
    name for name in ARTICLE_FIELDS if name not in TERM_FIELDS and name != "site"
)
"""Article fields stored as ``articles`` columns of the same name."""
CONTENT_FIELDS: tuple[str, ...] = tuple(
    name for name in ARTICLE_FIELDS if name not in ("fetched_at", "url", "site", "canonical_url")
)
"""Fields whose change makes a re-crawled article "updated" (fetch metadata does not,
nor an http/https or www variant of the same URL)."""
REVISED_FIELDS: tuple[str, ...] = ("title", "body")
"""Fields whose change keeps the previous version as a :class:`models.Revision`."""


class Outcome(enum.StrEnum):
    NEW = "new"
    UPDATED = "updated"
    UNCHANGED = "unchanged"


@dataclass(frozen=True)
class SiteInfo:
    """What the archive keeps of a configured site (decoupled from the config model)."""

    name: str
    url: str
    region: str | None = None
    language: str | None = None
    timezone: str = "Asia/Jakarta"

    @classmethod
    def of(cls, config: SiteLike) -> Self:
        """What the archive keeps of a configured site (the one mapping of the two)."""
        return cls(
            name=config.name,
            url=config.url,
            region=config.region,
            language=config.language,
            timezone=config.timezone,
        )


class SiteLike(Protocol):
    """A site's configuration as the archive reads it (``crawler.sites.SiteConfig``)."""

    @property
    def name(self) -> str: ...
    @property
    def url(self) -> str: ...
    @property
    def region(self) -> str | None: ...
    @property
    def language(self) -> str: ...
    @property
    def timezone(self) -> str: ...


def ensure_site(session: Session, info: SiteInfo) -> int:
    """The id of the site named ``info.name``, created or refreshed from ``info``."""
    site = session.scalar(select(models.Site).where(models.Site.name == info.name))
    if site is None:
        try:
            with session.begin_nested():
                site = models.Site(
                    name=info.name,
                    url=info.url,
                    region=info.region,
                    language=info.language,
                    timezone=info.timezone,
                )
                session.add(site)
        except IntegrityError:  # another process created it meanwhile
            site = session.scalars(select(models.Site).where(models.Site.name == info.name)).one()
    for attr in ("url", "region", "language", "timezone"):
        if getattr(site, attr) != getattr(info, attr):
            setattr(site, attr, getattr(info, attr))
    session.flush()
    ensure_zone(session.connection(), site.timezone)  # the views show times in it
    return site.id


_term_ids: dict[tuple[str, str, str], int] = {}
"""``(database, kind, name)`` -> ``terms.id`` of committed rows: a crawl uses a few dozen
terms over and over (one ``SELECT terms`` per term and article before this cache)."""
_PENDING = "kabar_term_ids"
"""``session.info`` key of the term ids the session's open transaction found or made;
they join :data:`_term_ids` when it commits (:func:`_remember_terms`)."""


def _database(session: Session) -> str:
    return session.get_bind().engine.url.render_as_string(hide_password=True)


def _term_id(session: Session, kind: str, name: str) -> int:
    key = (_database(session), kind, name)
    pending: dict[tuple[str, str, str], int] = session.info.setdefault(_PENDING, {})
    known = _term_ids.get(key) or pending.get(key)
    if known is not None:
        return known
    term = session.scalar(
        select(models.Term).where(models.Term.kind == kind, models.Term.name == name)
    )
    if term is None:
        try:
            with session.begin_nested():
                term = models.Term(kind=kind, name=name)
                session.add(term)
        except IntegrityError:
            term = session.scalars(
                select(models.Term).where(models.Term.kind == kind, models.Term.name == name)
            ).one()
    pending[key] = term.id
    return term.id


_HELD = "kabar_held_rows"
"""``session.info`` key of the articles written in the open transaction, held there
until it ends: the session's identity map holds rows weakly, so a row written and
let go was read back whole (body included) by the next step (story linking, which
loads it by id), one ``SELECT articles`` per stored article."""


def _hold(session: Session, row: models.Article) -> None:
    session.info.setdefault(_HELD, []).append(row)


@event.listens_for(Session, "after_commit")
def _remember_terms(session: Session) -> None:
    _term_ids.update(session.info.pop(_PENDING, {}))
    session.info.pop(_HELD, None)


@event.listens_for(Session, "after_rollback")
def _forget_terms(session: Session) -> None:
    session.info.pop(_PENDING, None)
    session.info.pop(_HELD, None)


def pending_terms(session: Session) -> dict[tuple[str, str, str], int]:
    """A copy of the term ids the open transaction holds: restore it with
    :func:`restore_terms` when a savepoint around some writes is rolled back."""
    return dict(session.info.get(_PENDING, {}))


def restore_terms(session: Session, saved: dict[tuple[str, str, str], int]) -> None:
    session.info[_PENDING] = saved


def _wanted_terms(article: Article) -> list[tuple[str, str]]:
    """The article's ``(kind, name)`` terms in order, each once."""
    return [
        (kind, name)
        for field, kind in TERM_FIELDS.items()
        for name in dict.fromkeys(getattr(article, field))  # de-duplicate, keep order
    ]


def _set_terms(session: Session, row: models.Article, article: Article) -> None:
    row.terms = [
        models.ArticleTerm(term_id=_term_id(session, kind, name), position=position)
        for position, (kind, name) in enumerate(_wanted_terms(article))
    ]


def _row_values(row: models.Article) -> dict[str, Any]:
    values = {name: getattr(row, name) for name in COLUMN_FIELDS}
    for field, kind in TERM_FIELDS.items():
        values[field] = [link.term.name for link in row.terms if link.term.kind == kind]
    return values


def _same_content(row: models.Article, article: Article) -> bool:
    current = _row_values(row)
    for name in CONTENT_FIELDS:
        new = getattr(article, name)
        old = current[name]
        if name == "modified_at" and new is None:
            continue  # a page without a date keeps the one kabar recorded
        if name in DATETIME_FIELDS and old is not None and new is not None:
            if old != new:  # aware datetimes compare as instants
                return False
        elif name in TERM_FIELDS:
            if list(dict.fromkeys(new)) != old:
                return False
        elif (old or None) != (new or None):
            return False
    return True


def find_article(session: Session, canonical_url: str) -> models.Article | None:
    """The stored article at this URL or at its http/https or ``www.`` variant."""
    return session.scalar(
        select(models.Article).where(models.Article.url_key == url_key(canonical_url))
    )


@cache
def _article_insert(dialect: str) -> ReturningInsert[Any]:
    """``INSERT INTO articles ... ON CONFLICT DO NOTHING RETURNING id``, built once per
    dialect, its values bound at execution: building it per article cost more CPU than
    the rest of the article's insert."""
    make = postgresql_insert if dialect == "postgresql" else sqlite_insert
    articles = models.table(models.Article)
    return make(articles).on_conflict_do_nothing().returning(articles.c.id)


_TERM_LINKS = insert(models.table(models.ArticleTerm))


def _insert_new(
    session: Session, site_id: int, article: Article, *, body_hash: str | None, story: bool
) -> int | None:
    """Insert the article and its term links with Core statements (no ORM object: nothing
    in the write reads one back); None when its URL is stored already. ``ON CONFLICT DO
    NOTHING`` makes the insert its own look-up, and a concurrent insert of the URL by
    another process no error to recover from (no savepoint). ``story``: the article
    starts its own story now (else the caller's story linking writes ``story_id``)."""
    now = utcnow()
    values: dict[str, Any] = {name: getattr(article, name) for name in COLUMN_FIELDS}
    values.update(
        site_id=site_id,
        body_hash=body_hash,
        url_key=url_key(article.canonical_url or ""),
        first_seen_at=now,
        updated_at=now,
    )
    core = session.connection()
    found = core.execute(_article_insert(core.dialect.name), values).scalar()
    if found is None:
        return None
    article_id = int(found)
    links = [
        {"article_id": article_id, "term_id": _term_id(session, kind, name), "position": position}
        for position, (kind, name) in enumerate(_wanted_terms(article))
    ]
    if links:
        core.execute(_TERM_LINKS, links)
    if story:
        own_story(session, article_id)
    return article_id


def _stored_row(session: Session, canonical_url: str) -> models.Article | None:
    """The stored article at this URL, whose row the write compares and may update."""
    row = find_article(session, canonical_url)
    if row is not None:
        _hold(session, row)
    return row


def upsert_article(
    session: Session,
    site_id: int,
    article: Article,
    *,
    body_hash: str | None,
    story_later: bool = False,
) -> tuple[int, Outcome]:
    """Insert or update the article keyed by its canonical URL.

    An unchanged re-crawl writes nothing. A concurrent insert of the same URL by
    another process is resolved by updating the row it created. ``story_later``: the
    caller links a new article into its story in this transaction (``story_id`` is
    written then, one statement, not two).
    """
    if not article.canonical_url:
        raise ValueError("article has no canonical_url")
    new_id = _insert_new(session, site_id, article, body_hash=body_hash, story=not story_later)
    if new_id is not None:
        return new_id, Outcome.NEW
    row = _stored_row(session, article.canonical_url)
    if row is None:  # deleted since the insert found it: not a state a write can reach
        raise LookupError(f"article {article.canonical_url} vanished during its write")
    if _same_content(row, article):
        return row.id, Outcome.UNCHANGED
    modified_at = _record_revision(session, row, article) or article.modified_at or row.modified_at
    for name in COLUMN_FIELDS:
        if name != "canonical_url":  # the first URL seen stays the article's (feed ids)
            setattr(row, name, getattr(article, name))
    row.modified_at = modified_at
    row.site_id = site_id
    row.body_hash = body_hash
    row.updated_at = utcnow()
    _set_terms(session, row, article)
    session.flush()
    return row.id, Outcome.UPDATED


def _record_revision(session: Session, row: models.Article, article: Article) -> datetime | None:
    """Keep the stored version when the title or body changed; returns the new
    ``modified_at``: the page's, if later than the stored one, else the fetch time."""
    changed = [
        name
        for name in REVISED_FIELDS
        if (getattr(row, name) or None) != (getattr(article, name) or None)
    ]
    if not changed:
        return None
    seen_at = article.fetched_at or utcnow()
    session.add(
        models.Revision(
            article_id=row.id,
            recorded_at=seen_at,
            changed_fields=changed,
            title=row.title,
            body=row.body,
            body_html=row.body_html,
            modified_at=row.modified_at,
            fetched_at=row.fetched_at,
        )
    )
    if article.modified_at is not None and (
        row.modified_at is None or article.modified_at > row.modified_at
    ):
        return article.modified_at
    return seen_at


def count_articles(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(models.Article)) or 0


def row_to_article(row: models.Article) -> Article:
    """The stored article as an :class:`Article`, times in its site's zone."""
    values = _row_values(row)
    for name in DATETIME_FIELDS:
        values[name] = local_time(values[name], row.site.timezone)
    return Article(site=row.site.name, **values)


class StoredArticle(NamedTuple):
    """An article with what the archive adds to it (see ``archive.export.STORED_FIELDS``)."""

    id: int
    article: Article
    story_id: int
    duplicate_of: int | None


def iter_stored(
    session: Session,
    *,
    site_names: Sequence[str] = (),
    batch_size: int = 500,
) -> Iterator[StoredArticle]:
    """Stream stored articles by id, with their story links, in batches (memory stays flat
    for any archive size)."""
    last_id = 0
    while True:
        query = (
            select(models.Article)
            .where(models.Article.id > last_id)
            .options(selectinload(models.Article.terms), selectinload(models.Article.site))
            .order_by(models.Article.id)
            .limit(batch_size)
        )
        if site_names:
            query = query.join(models.Site).where(models.Site.name.in_(site_names))
        rows = session.scalars(query).all()
        if not rows:
            return
        for row in rows:
            story_id = row.story_id if row.story_id is not None else row.id
            yield StoredArticle(row.id, row_to_article(row), story_id, row.duplicate_of)
        last_id = rows[-1].id
        session.expunge_all()


def start_run(session: Session) -> int:
    run = models.CrawlRun()
    session.add(run)
    session.flush()
    return run.id


def record_run_site(session: Session, run_id: int, site_id: int, **counts: Any) -> None:
    """Store one site's counts for a run (``counts`` are CrawlRunSite columns)."""
    session.add(models.CrawlRunSite(run_id=run_id, site_id=site_id, **counts))
    session.flush()


def finish_run(session: Session, run_id: int) -> None:
    run = session.get(models.CrawlRun, run_id)
    if run is not None:
        run.finished_at = utcnow()
