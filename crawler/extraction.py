"""Article extraction off the reactor: the page object runs in a pool of processes.

Reading a page (decoding, the DOM, trafilatura, dates, every field) costs tens of
milliseconds of CPU; on the reactor thread that time is taken from the downloads of
every site, and one process uses one core. :class:`PagePool` runs
:func:`read_article` in a ``concurrent.futures.ProcessPoolExecutor`` sized to the
cores (``KABAR_EXTRACTION_PROCESSES``; 0 reads in the crawl's own process), and the
spider awaits it from its ``async def`` callback (the asyncio reactor's loop wraps the
future). What crosses the process boundary is plain and picklable: the site's config,
the URL, the body's bytes, the fetch time and the encoding there, :class:`PageResult`
back.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from importlib import import_module
from typing import TYPE_CHECKING, Any

from kabar.core.urls import observe_malformed_urls

if TYPE_CHECKING:
    from datetime import datetime

    from crawler.sites import SiteConfig


@dataclass(frozen=True)
class PageResult:
    """What the spider needs of a read page (the page object itself stays in the worker)."""

    is_article: bool
    fields: dict[str, Any] = field(default_factory=dict)
    selector_misses: tuple[str, ...] = ()
    selected_fields: frozenset[str] = frozenset()
    published_guessed: bool = False
    malformed_urls: tuple[str, ...] = ()
    """Malformed addresses the page object met and skipped (counted by the spider: the
    parse boundary's own observer does not reach into a worker process)."""
    ahead: tuple[Any, ...] = ()
    """The pipelines' pure work on the article, done in the worker by the module that
    ``KABAR_EXTRACTION_AHEAD`` names (opaque here: the pipelines read it)."""


MAX_REPORTED_URLS = 20


def read_article(
    site: SiteConfig,
    url: str,
    body: bytes,
    fetched_at: datetime,
    encoding: str | None,
    *,
    ahead: str | None = None,
) -> PageResult:
    """Read one fetched page with the site's page object (``SiteConfig.read_page``);
    ``ahead``: the module (``KABAR_EXTRACTION_AHEAD``) whose ``compute_page`` does the
    pipelines' pure work on the article too (in a worker, where it takes no time from
    the crawl process).

    Raises :class:`crawler.pages.ExtractionError` as the page object does."""
    malformed: list[str] = []
    with observe_malformed_urls(malformed.append):
        page = site.read_page(url, body, fetched_at=fetched_at, encoding=encoding)
        if not page.is_article:
            return PageResult(
                is_article=False,
                selector_misses=tuple(page.selector_misses),
                malformed_urls=tuple(malformed[:MAX_REPORTED_URLS]),
            )
        fields = page.to_fields()
    done = _ahead(ahead, site, url, fields) if ahead else ()
    return PageResult(
        ahead=done,
        malformed_urls=tuple(malformed[:MAX_REPORTED_URLS]),
        is_article=True,
        fields=fields,
        selector_misses=tuple(page.selector_misses),
        # The fields the site's selectors gave are known once the fields are read.
        selected_fields=frozenset(page.selected_fields),
        published_guessed=bool(page.published_guessed),
    )


def _ahead(module: str, site: SiteConfig, url: str, fields: dict[str, Any]) -> tuple[Any, ...]:
    """The pipelines' work on the article the spider will make of ``fields``; nothing
    when it cannot be done here (the pipelines then do it: a miss costs time only).

    The module is named by a setting, as Scrapy names its components: the crawler
    package does not import the pipelines (``tests/test_architecture.py``)."""
    try:
        return tuple(import_module(module).compute_page(site, url, fields))
    except Exception:
        return ()


def _warm(ahead: str | None) -> int:
    # Import the page objects (and build the ahead module's tables) once per worker,
    # before the first page waits on them.
    import crawler.pages.article  # noqa: F401

    if ahead:
        import_module(ahead).warm()
    return os.getpid()


PARENT_CHECK_S = 1.0


def _watch_parent(parent_pid: int) -> None:
    """In each worker: exit when the crawl process is gone. A SIGKILLed crawl cannot shut
    its pool down, and orphaned workers would hold its output pipes (and memory) open."""

    def watch() -> None:
        while os.getppid() == parent_pid:
            time.sleep(PARENT_CHECK_S)
        os._exit(0)

    threading.Thread(target=watch, name="kabar-parent-watch", daemon=True).start()


class PagePool:
    """The process's extraction workers; ``processes`` 0 reads pages inline. ``ahead``
    names the module whose pure pipeline work the workers also do (see
    :func:`read_article`; None: none)."""

    def __init__(self, processes: int, ahead: str | None = None) -> None:
        self.processes = processes
        self.ahead = ahead
        self._executor: ProcessPoolExecutor | None = None
        self._lock = threading.Lock()
        self.users = 0

    def start(self) -> None:
        """Start the workers now (forked early, while the crawl process is still small
        and quiet), each with the page objects imported."""
        with self._lock:
            if self.processes <= 0 or self._executor is not None:
                return
            self._executor = ProcessPoolExecutor(
                max_workers=self.processes,
                mp_context=multiprocessing.get_context("fork"),
                initializer=_watch_parent,
                initargs=(os.getpid(),),
            )
            for _ in range(self.processes):
                self._executor.submit(_warm, self.ahead)

    async def read(
        self,
        site: SiteConfig,
        url: str,
        body: bytes,
        *,
        fetched_at: datetime,
        encoding: str | None,
    ) -> PageResult:
        executor = self._executor
        if executor is None:
            return read_article(site, url, body, fetched_at, encoding)
        future = executor.submit(
            read_article, site, url, body, fetched_at, encoding, ahead=self.ahead
        )
        page = await asyncio.wrap_future(future)
        if page.ahead and self.ahead:
            import_module(self.ahead).receive(page.ahead)
        return page

    def shutdown(self) -> None:
        with self._lock:
            executor, self._executor = self._executor, None
        if executor is not None:
            executor.shutdown(wait=True, cancel_futures=True)


def default_processes() -> int:
    """One worker per core the process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


_pool: PagePool | None = None
_pool_lock = threading.Lock()


def acquire_pool(processes: int, ahead: str | None = None) -> PagePool:
    """The process's one pool (started by the first crawler, shared by the others)."""
    global _pool
    with _pool_lock:
        if _pool is None:
            _pool = PagePool(processes, ahead)
        _pool.users += 1
        pool = _pool
    pool.start()
    return pool


def release_pool(pool: PagePool) -> None:
    """One user fewer; the last one stops the workers."""
    global _pool
    with _pool_lock:
        pool.users -= 1
        if pool.users > 0:
            return
        if _pool is pool:
            _pool = None
    pool.shutdown()
