"""Extraction in worker processes (:mod:`crawler.extraction`): the same result as in the
crawl's own process, read in another process, errors carried back as they are."""

from __future__ import annotations

import asyncio
import os
import tomllib
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest

from crawler import settings as kabar_settings
from crawler.extraction import PagePool, PageResult, acquire_pool, read_article, release_pool
from crawler.pages import ExtractionError
from crawler.pages.article import ArticlePage
from crawler.sites import SiteConfig

PAGES = Path(__file__).parent / "fixtures" / "pages"
FETCHED = datetime(2024, 1, 5, 3, 0, tzinfo=UTC)
CASES = sorted(p.name for p in PAGES.iterdir() if (p / "page.html").is_file())


class ProcessIdPage(ArticlePage):
    """Says which process read it (its title is the reader's process id)."""

    @property
    def is_article(self) -> bool:
        return True

    @property
    def title(self) -> str | None:
        return str(os.getpid())


def _case(name: str) -> tuple[SiteConfig, str, bytes]:
    folder = PAGES / name
    url = (folder / "url.txt").read_text(encoding="utf-8").strip()
    entry = folder / "site.toml"
    extra = tomllib.loads(entry.read_text(encoding="utf-8")) if entry.is_file() else {}
    site = SiteConfig(name=name.replace(".", "-"), url=url, **extra)
    return site, url, (folder / "page.html").read_bytes()


def _read(pool: PagePool, site: SiteConfig, url: str, body: bytes) -> PageResult:
    async def go() -> PageResult:
        return await pool.read(site, url, body, fetched_at=FETCHED, encoding=None)

    return asyncio.run(go())


@pytest.fixture(scope="module")
def pool() -> Iterator[PagePool]:
    # As a crawl makes it: the workers do the pipelines' work ahead too.
    workers = PagePool(1, kabar_settings.KABAR_EXTRACTION_AHEAD)
    workers.start()
    yield workers
    workers.shutdown()


def test_workers_read_every_recorded_page_as_the_crawl_process_does(pool: PagePool) -> None:
    assert len(CASES) >= 10
    for name in CASES:
        site, url, body = _case(name)
        # The page read alike (the worker also did the pipelines' work, tests/test_speed_ahead.py).
        read = replace(_read(pool, site, url, body), ahead=())
        assert read == read_article(site, url, body, FETCHED, None), name


def test_pages_are_read_in_another_process(pool: PagePool) -> None:
    site = SiteConfig(
        name="pid",
        url="https://contoh.id/",
        page="tests.test_engine_extraction:ProcessIdPage",
    )
    result = _read(pool, site, "https://contoh.id/2024/01/05/berita/", b"<html></html>")
    assert result.is_article
    worker = int(result.fields["title"])
    assert worker != os.getpid()


def test_an_extraction_error_comes_back_as_one(pool: PagePool) -> None:
    site = SiteConfig(name="contoh", url="https://contoh.id/")
    with pytest.raises(ExtractionError):
        _read(pool, site, "https://contoh.id/kosong/", b"")


def test_one_pool_per_process_stopped_by_its_last_user() -> None:
    first = acquire_pool(0)
    assert acquire_pool(0) is first
    release_pool(first)
    assert first.users == 1
    release_pool(first)
    assert acquire_pool(0) is not first


def test_workers_exit_when_the_crawl_process_is_killed() -> None:
    """A SIGKILLed crawl cannot shut its pool down: its workers notice and exit, instead of
    living on as orphans holding the crawl's pipes open."""
    import os
    import signal
    import subprocess
    import sys
    import time

    code = (
        "import os, time\n"
        "from crawler.extraction import PagePool\n"
        "pool = PagePool(2)\n"
        "pool.start()\n"
        "assert pool._executor is not None\n"
        "print(pool._executor.submit(os.getpid).result(), flush=True)\n"
        "time.sleep(120)\n"
    )
    crawl = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    assert crawl.stdout is not None
    worker = int(crawl.stdout.readline())
    os.kill(crawl.pid, signal.SIGKILL)
    crawl.wait()
    for _ in range(300):  # the worker checks every PARENT_CHECK_S; bounded by the test timeout
        try:
            os.kill(worker, 0)
        except ProcessLookupError:
            return
        time.sleep(0.1)
    raise AssertionError(f"worker {worker} outlived the killed crawl process")
