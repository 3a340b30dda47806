"""All the archive's SQL: upserts, look-ups and streaming reads.

The mapping between :class:`kabar.core.article.Article` and the ``articles`` table is
written here once: scalar fields map to columns of the same name, ``site`` to
``site_id``, and ``tags``/``categories``/``topics`` to :class:`Term` rows.
"""

from __future__ import annotations

import enum
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, NamedTuple, Protocol, Self
from weakref import WeakKeyDictionary
from zoneinfo import ZoneInfo

from sqlalchemy import event, func, select, text
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError
from sqlalchemy.orm import Session, selectinload

from archive import models
from archive.db import make_engine, make_sessionmaker, resolve_db_url, upgrade
from archive.models import utcnow
from archive.stories import STORY_LOCK_KEY
from kabar.core.article import ARTICLE_FIELDS, DATETIME_FIELDS, Article
from kabar.core.urls import url_key

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine
    from sqlalchemy.orm import sessionmaker

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


class Writer:
    """The archive's one writer in a process: writes share one open transaction,
    committed every ``max_items`` writes or ``max_age_s`` seconds (whichever first; see
    :meth:`due`) and on :meth:`commit`. A commit per article cost more than the
    article's own SQL; now a batch costs one.

    Each write runs in a savepoint, so a failed write (a constraint, a bad value) undoes
    only itself. A kill loses at most the open batch, never a committed one, and a lost
    article is simply fetched again by the next run (it is not known to the archive).
    Every writer of a process must write through here: on SQLite a second transaction
    would wait for this one, on the same thread, until its busy timeout."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        *,
        max_items: int = 50,
        max_age_s: float = 1.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.sessions = sessions
        self.max_items = max_items
        self.max_age_s = max_age_s
        self.clock = clock
        self._session: Session | None = None
        self._opened_at = 0.0
        self.pending = 0
        """Writes in the open batch (lost if the process dies now)."""
        self.commits = 0

    @contextmanager
    def write(self) -> Iterator[Session]:
        """A session for one write (one article, one fetch), inside the open batch.

        An error rolls back this write only and is raised; when the connection itself
        failed, the whole open batch is gone with it (:meth:`discard`)."""
        if self._session is None:
            self._session = self._open()
            self._opened_at = self.clock()
        session = self._session
        saved = pending_terms(session)
        try:
            with session.begin_nested():
                yield session
        except BaseException as exc:
            restore_terms(session, saved)
            if isinstance(exc, OperationalError | DBAPIError) and (
                isinstance(exc, OperationalError) or exc.connection_invalidated
            ):
                self.discard()  # the connection (and so the batch) is gone
            elif not session.is_active:
                self.discard()
            raise
        self.pending += 1

    def _open(self) -> Session:
        """A new batch. On PostgreSQL it takes the story-linking lock first: a batch holds
        that lock (``archive.stories.link_story``) until it commits, so a batch taking it
        late, while holding row locks (a new term, a new site) another process's batch
        waits on, could deadlock with it. Taken first, writers of several processes
        queue for whole batches and hold nothing while they wait. (SQLite's
        ``BEGIN IMMEDIATE`` queues them the same way.)"""
        session = self.sessions()
        if session.get_bind().dialect.name == "postgresql":
            try:
                session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": STORY_LOCK_KEY})
            except BaseException:
                session.rollback()
                session.close()
                raise
        return session

    def due(self) -> bool:
        return self._session is not None and (
            self.pending >= self.max_items or self.clock() - self._opened_at >= self.max_age_s
        )

    def commit_if_due(self) -> None:
        if self.due():
            self.commit()

    def commit(self) -> None:
        """Commit the open batch (nothing open: nothing to do); on failure it is rolled
        back and the error raised."""
        session, self._session = self._session, None
        if session is None:
            return
        try:
            session.commit()
            self.commits += 1
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()
            self.pending = 0

    def discard(self) -> int:
        """Roll back the open batch; returns how many writes it held."""
        session, self._session = self._session, None
        lost, self.pending = self.pending, 0
        if session is not None:
            session.rollback()
            session.close()
        return lost


class Archive:
    """A process's handle on one archive: one engine (so one bounded connection pool,
    whatever the number of sites crawled), its session factory, its one
    :class:`Writer`, and per-process look-up caches. Made by :func:`open_archive`,
    shared by every user in the process."""

    def __init__(self, url: str, engine: Engine) -> None:
        self.url = url
        self.engine = engine
        self.sessions: sessionmaker[Session] = make_sessionmaker(engine)
        writing = engine.execution_options(kabar_begin="BEGIN IMMEDIATE")
        self.writer = Writer(make_sessionmaker(writing))
        self.users = 0

    def dispose(self) -> None:
        self.writer.commit()
        self.engine.dispose()


_archives: dict[str, Archive] = {}
_archives_lock = threading.Lock()


def open_archive(url: str | None = None) -> Archive:
    """The process's archive at ``url`` (see :func:`archive.db.resolve_db_url`); the
    first open in a process applies pending migrations (the crawl's single preflight),
    later ones share its engine. Pair with :func:`close_archive`."""
    resolved = resolve_db_url(url)
    with _archives_lock:
        archive = _archives.get(resolved)
        if archive is None:
            engine = make_engine(resolved)
            if engine.dialect.name == "sqlite":
                _sqlite_transactions(engine)
            try:
                upgrade(engine)
            except BaseException:
                engine.dispose()
                raise
            archive = _archives[resolved] = Archive(resolved, engine)
        archive.users += 1
        return archive


def _sqlite_transactions(engine: Engine) -> None:
    """Real transactions and savepoints on SQLite: the driver's own transaction handling
    begins a transaction only before a data change, so a savepoint opened first became
    the outermost transaction and its release committed it (no batch, no rollback of a
    batch). SQLAlchemy's documented recipe: the driver in autocommit mode, and BEGIN
    emitted by SQLAlchemy; ``BEGIN IMMEDIATE`` for the writer (execution option
    ``kabar_begin``), which takes the write lock at once instead of failing to upgrade
    a read snapshot another process has written past."""

    @event.listens_for(engine, "connect")
    def _autocommit_driver(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None

    @event.listens_for(engine, "begin")
    def _begin(connection: Any) -> None:
        connection.exec_driver_sql(connection.get_execution_options().get("kabar_begin", "BEGIN"))


def close_archive(archive: Archive) -> None:
    """One user fewer; the last one disposes of the engine (its connections close)."""
    with _archives_lock:
        archive.users -= 1
        if archive.users > 0 or _archives.get(archive.url) is not archive:
            return
        del _archives[archive.url]
    archive.dispose()


class ArchiveProvider:
    """Base of the crawl component holding the process's archive (the crawl's archive
    extension), so that any component finds it with ``crawler.get_extension`` knowing
    nothing of the package that defines it. :meth:`of` is that look-up."""

    def archive(self) -> Archive:
        raise NotImplementedError

    @staticmethod
    def of(crawler: Any) -> Archive:
        """The archive of a Scrapy crawler: its archive extension's, or, where the crawler
        has none (a component built outside a running crawl, as in tests), the process's
        archive at the crawler's ``KABAR_DB_URL``, held for the crawler's lifetime."""
        try:
            provider = crawler.get_extension(ArchiveProvider)
        except RuntimeError:  # no extension manager yet: the crawler is not crawling
            provider = None
        if provider is not None:
            return provider.archive()  # type: ignore[no-any-return]
        archive = _fallback.get(crawler)
        if archive is None:
            archive = _fallback[crawler] = open_archive(crawler.settings.get("KABAR_DB_URL"))
        return archive


_fallback: WeakKeyDictionary[Any, Archive] = WeakKeyDictionary()


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


@event.listens_for(Session, "after_commit")
def _remember_terms(session: Session) -> None:
    _term_ids.update(session.info.pop(_PENDING, {}))


@event.listens_for(Session, "after_rollback")
def _forget_terms(session: Session) -> None:
    session.info.pop(_PENDING, None)


def pending_terms(session: Session) -> dict[tuple[str, str, str], int]:
    """A copy of the term ids the open transaction holds: restore it with
    :func:`restore_terms` when a savepoint around some writes is rolled back."""
    return dict(session.info.get(_PENDING, {}))


def restore_terms(session: Session, saved: dict[tuple[str, str, str], int]) -> None:
    session.info[_PENDING] = saved


def _set_terms(session: Session, row: models.Article, article: Article) -> None:
    wanted = [
        (kind, name)
        for field, kind in TERM_FIELDS.items()
        for name in dict.fromkeys(getattr(article, field))  # de-duplicate, keep order
    ]
    row.terms = [
        models.ArticleTerm(term_id=_term_id(session, kind, name), position=position)
        for position, (kind, name) in enumerate(wanted)
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


def upsert_article(
    session: Session, site_id: int, article: Article, *, body_hash: str | None
) -> tuple[int, Outcome]:
    """Insert or update the article keyed by its canonical URL.

    An unchanged re-crawl writes nothing. A concurrent insert of the same URL by
    another process is resolved by updating the row it created.
    """
    if not article.canonical_url:
        raise ValueError("article has no canonical_url")
    row = find_article(session, article.canonical_url)
    if row is None:
        saved = pending_terms(session)
        try:
            with session.begin_nested():
                row = models.Article(
                    site_id=site_id,
                    body_hash=body_hash,
                    url_key=url_key(article.canonical_url),
                )
                for name in COLUMN_FIELDS:
                    setattr(row, name, getattr(article, name))
                session.add(row)
                session.flush()
                row.story_id = row.id  # a story of one until near-duplicates link it
                _set_terms(session, row, article)
                session.flush()
            return row.id, Outcome.NEW
        except IntegrityError:
            restore_terms(session, saved)  # terms made in the savepoint are gone with it
            row = find_article(session, article.canonical_url)
            if row is None:
                raise
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
    zone = ZoneInfo(row.site.timezone)
    for name in DATETIME_FIELDS:
        value: datetime | None = values[name]
        if value is not None:
            values[name] = value.astimezone(zone)
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
