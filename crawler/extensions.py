"""Scrapy extensions of kabar's crawl.

:class:`ArchiveExtension` holds the process's archive (:class:`archive.repository.Archive`:
one engine, one bounded connection pool) from ``engine_started`` to ``engine_stopped``.
The spider's incremental state, the evidence middleware and the store pipeline all use
it, finding it with ``ArchiveProvider.of(crawler)`` (``crawler.get_extension``), so a
crawl of N sites opens one engine and runs the migrations once, not 2N+1 times.
"""

from __future__ import annotations

import logging
import threading
from typing import TYPE_CHECKING, Self

from scrapy import signals
from sqlalchemy.exc import SQLAlchemyError
from twisted.internet import task

from archive.handle import Archive, ArchiveProvider, close_archive, open_archive
from crawler.extraction import PagePool, acquire_pool, default_processes, release_pool

if TYPE_CHECKING:
    from concurrent.futures import Future

    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)


class ArchiveExtension(ArchiveProvider):
    """Opens the archive (``KABAR_DB_URL``) when the engine starts, releases it when the
    engine stops; the last crawler of the process to stop disposes of the engine.

    While the engine runs, the writer's open batch is committed once it is
    ``KABAR_STORE_BATCH_S`` old even when no article comes to fill it (a slow site's
    articles are not held back), and once more when the engine stops.
    ``KABAR_STORE_THREAD`` says whether the writes run on the writer's own thread
    (``archive.handle.Writer.start``): "auto" on PostgreSQL only."""

    def __init__(self, db_url: str | None, batch_s: float = 1.0, *, thread: str = "auto") -> None:
        self.db_url = db_url
        self.batch_s = batch_s
        self.thread = thread
        self._archive: Archive | None = None
        self._lock = threading.Lock()
        self._ticker: task.LoopingCall | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        extension = cls(
            crawler.settings.get("KABAR_DB_URL"),
            crawler.settings.getfloat("KABAR_STORE_BATCH_S", 1.0),
            thread=str(crawler.settings.get("KABAR_STORE_THREAD", "auto")).lower(),
        )
        crawler.signals.connect(extension.engine_started, signal=signals.engine_started)
        crawler.signals.connect(extension.engine_stopped, signal=signals.engine_stopped)
        return extension

    def archive(self) -> Archive:
        """The archive, opened now if a component asks before the engine started."""
        with self._lock:
            if self._archive is None:
                self._archive = open_archive(self.db_url)
            return self._archive

    def engine_started(self) -> None:
        # The writes (articles, evidence) run on the writer's thread from now on, off
        # the reactor (archive.handle.Writer.submit).
        archive = self.archive()
        if self._threaded(archive.engine.dialect.name):
            archive.writer.start()
        self._ticker = task.LoopingCall(self._commit_if_due)
        self._ticker.start(self.batch_s, now=False)

    def _threaded(self, dialect: str) -> bool:
        if self.thread == "auto":
            return dialect == "postgresql"
        return self.thread not in ("0", "false", "off", "no", "")

    def _commit_if_due(self) -> None:
        archive = self._archive
        if archive is None:
            return
        archive.writer.commit_soon().add_done_callback(_log_commit_error)

    def engine_stopped(self) -> None:
        if self._ticker is not None and self._ticker.running:
            self._ticker.stop()
        with self._lock:
            archive, self._archive = self._archive, None
        if archive is None:
            return
        try:
            archive.writer.commit()
        except SQLAlchemyError as exc:
            logger.error("the last batch of writes was not committed: %s", type(exc).__name__)
        close_archive(archive)


def _log_commit_error(future: Future[None]) -> None:
    exc = future.exception()
    if isinstance(exc, SQLAlchemyError):
        logger.error("a batch of writes was not committed: %s", type(exc).__name__)
    elif exc is not None:
        logger.error("a batch of writes was not committed", exc_info=exc)


class PagePoolExtension:
    """Starts the process's extraction workers (:mod:`crawler.extraction`) when the
    engine starts and stops them when the last crawler's engine stops.
    ``KABAR_EXTRACTION_PROCESSES``: how many (unset: one per core; 0: none, pages are
    read in the crawl's own process). ``KABAR_EXTRACTION_AHEAD``: the module whose
    pure pipeline work the workers do too (empty: none)."""

    def __init__(self, processes: int, ahead: str | None = None) -> None:
        self.processes = processes
        self.ahead = ahead
        self.pool: PagePool | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        setting = crawler.settings.get("KABAR_EXTRACTION_PROCESSES")
        processes = default_processes() if setting in (None, "") else int(setting)
        extension = cls(processes, crawler.settings.get("KABAR_EXTRACTION_AHEAD") or None)
        crawler.signals.connect(extension.engine_started, signal=signals.engine_started)
        crawler.signals.connect(extension.engine_stopped, signal=signals.engine_stopped)
        return extension

    def engine_started(self) -> None:
        if self.pool is None:
            self.pool = acquire_pool(self.processes, self.ahead)

    def engine_stopped(self) -> None:
        pool, self.pool = self.pool, None
        if pool is not None:
            release_pool(pool)
