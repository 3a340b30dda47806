"""A process's handle on the archive: one engine, one writer, batched transactions.

A crawl process shares one :class:`Archive` (one engine, so one bounded connection pool
whatever the number of sites) between the spider's state, the evidence recorder and the
pipelines; :class:`Writer` batches their writes into few transactions. The SQL itself is
:mod:`archive.repository`'s.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, TypeVar
from weakref import WeakKeyDictionary

from sqlalchemy import event, text
from sqlalchemy.exc import DBAPIError, OperationalError, SQLAlchemyError
from sqlalchemy.orm import Session

from archive.db import make_engine, make_sessionmaker, resolve_db_url, upgrade
from archive.repository import pending_terms, restore_terms
from archive.stories import STORY_LOCK_HELD, STORY_LOCK_KEY

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine
    from sqlalchemy.orm import sessionmaker


T = TypeVar("T")
MAX_QUEUED = 200
"""Writes submitted and not yet run, at most (each may hold a page's body)."""


class BatchNotCommitted(SQLAlchemyError):
    """A submitted write was made, but the commit that followed it failed: the whole
    batch (``lost`` writes, this one included) is gone. ``result`` is what the write
    returned."""

    def __init__(self, lost: int, result: Any) -> None:
        super().__init__(f"a batch of {lost} writes was not committed")
        self.lost = lost
        self.result = result


class Writer:
    """The archive's one writer in a process: writes share one open transaction,
    committed every ``max_items`` writes or ``max_age_s`` seconds (whichever first; see
    :meth:`due`) and on :meth:`commit`. A commit per article cost more than the
    article's own SQL; now a batch costs one.

    Each write runs in a savepoint, so a failed write (a constraint, a bad value) undoes
    only itself. A kill loses at most the open batch, never a committed one, and a lost
    article is simply fetched again by the next run (it is not known to the archive).
    Every writer of a process must write through here: on SQLite a second transaction
    would wait for this one, on the same thread, until its busy timeout.

    After :meth:`start`, writes handed to :meth:`submit` run on the writer's own thread,
    in order, and the crawl's reactor does not wait for the SQL (nor, on PostgreSQL, for
    its round trips: measured on ``benchmarks/throughput.py``, the store and evidence
    writes were 45% of the reactor thread's time). A write made with :meth:`write` from
    any other thread first waits for the submitted ones, so the order of writes stays
    the order they were asked for; a lock keeps the session to one thread at a time."""

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
        self._lock = threading.RLock()
        self._thread: ThreadPoolExecutor | None = None
        self._thread_id: int | None = None
        self._room = threading.BoundedSemaphore(MAX_QUEUED)
        self._inside = threading.local()

    def start(self) -> None:
        """From now on, :meth:`submit` runs writes on the writer's own thread."""
        with self._lock:
            if self._thread is None:
                self._thread = ThreadPoolExecutor(
                    max_workers=1, thread_name_prefix="kabar-writer", initializer=self._named
                )

    def _named(self) -> None:
        self._thread_id = threading.get_ident()

    def stop(self) -> None:
        """Run the submitted writes, then run writes inline again (the open batch stays
        open: :meth:`commit` it)."""
        executor, self._thread = self._thread, None
        if executor is not None:
            executor.shutdown(wait=True)

    @property
    def threaded(self) -> bool:
        return self._thread is not None

    def drain(self) -> None:
        """Wait until every write submitted so far has run (not committed)."""
        executor = self._thread
        if executor is not None and threading.get_ident() != self._thread_id:
            executor.submit(_nothing).result()

    def submit(self, job: Callable[[Session], T]) -> Future[T]:
        """Run ``job(session)`` as one write (see :meth:`write`), then commit the batch if
        it is due. On the writer's thread once :meth:`start` ed, else now, in this thread
        (the future is then done on return). The future raises what the write raised,
        or :class:`BatchNotCommitted` when the write was made but the commit failed."""
        executor = self._thread
        if executor is not None:
            # Bounded: a writer slower than the crawl holds the caller back here rather
            # than queueing response bodies without limit.
            self._room.acquire()
            queued = executor.submit(self._run, job)
            queued.add_done_callback(lambda _done: self._room.release())
            return queued
        future: Future[T] = Future()
        try:
            future.set_result(self._run(job))
        except Exception as exc:
            future.set_exception(exc)
        return future

    def _run(self, job: Callable[[Session], T]) -> T:
        with self._lock:
            with self.write() as session:
                result = job(session)
            pending = self.pending
            try:
                self.commit_if_due()
            except SQLAlchemyError as exc:
                raise BatchNotCommitted(pending, result) from exc
            return result

    def commit_soon(self) -> Future[None]:
        """Commit the batch if it is due, on the writer's thread (without waiting for it)
        once :meth:`start` ed, else now."""
        executor = self._thread
        if executor is not None:
            return executor.submit(self.commit_if_due)
        future: Future[None] = Future()
        try:
            self.commit_if_due()
            future.set_result(None)
        except Exception as exc:
            future.set_exception(exc)
        return future

    @contextmanager
    def write(self) -> Iterator[Session]:
        """A session for one write (one article, one fetch), inside the open batch.

        An error rolls back this write only and is raised; when the connection itself
        failed, the whole open batch is gone with it (:meth:`discard`)."""
        if not getattr(self._inside, "depth", 0):
            self.drain()  # (a write nested in this thread's own write must not wait)
        with self._lock:
            self._inside.depth = getattr(self._inside, "depth", 0) + 1
            try:
                with self._write() as session:
                    yield session
            finally:
                self._inside.depth -= 1

    @contextmanager
    def _write(self) -> Iterator[Session]:
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
                session.info[STORY_LOCK_HELD] = True  # until the session is closed
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
        with self._lock:
            if self.due():
                self.commit()

    def commit(self) -> None:
        """Commit the open batch (nothing open: nothing to do), after the submitted
        writes; on failure it is rolled back and the error raised."""
        self.drain()
        with self._lock:
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
        with self._lock:
            session, self._session = self._session, None
            lost, self.pending = self.pending, 0
            if session is not None:
                session.rollback()
                session.close()
            return lost


def _nothing() -> None:
    """A no-op job: when it has run, every job submitted before it has."""


class Archive:
    """A process's handle on one archive: one engine (so one bounded connection pool,
    whatever the number of sites crawled), its session factory, its one
    :class:`Writer`, and per-process look-up caches. Made by :func:`open_archive`,
    shared by every user in the process."""

    def __init__(self, url: str, engine: Engine) -> None:
        self.url = url
        self.engine = engine
        self.sessions: sessionmaker[Session] = make_sessionmaker(engine)
        """For reading: on SQLite a plain (deferred) ``BEGIN``, so readers never queue
        behind a writer."""
        self.write_sessions: sessionmaker[Session] = make_sessionmaker(
            engine.execution_options(kabar_begin="BEGIN IMMEDIATE")
        )
        """For a transaction that reads, then writes (a run's row, a site's lock): on
        SQLite ``BEGIN IMMEDIATE``. A deferred transaction that read before another
        process committed cannot take the write lock: SQLite fails it at once with
        "database is locked" (its busy timeout does not apply), as seen in CI when two
        crawls shared a new archive."""
        self.writer = Writer(self.write_sessions)
        self.users = 0

    def dispose(self) -> None:
        try:
            self.writer.stop()
            self.writer.commit()
        finally:
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
