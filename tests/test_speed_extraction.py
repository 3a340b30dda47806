"""What the extraction workers hand back so the reactor need not parse a page again."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from crawler.extraction import PagePool, PageResult
from crawler.sites import SiteConfig

FETCHED = datetime(2024, 1, 5, 3, 0, tzinfo=UTC)
SITE = SiteConfig(name="contoh", url="https://contoh.id/")


def _read(pool: PagePool, body: bytes) -> PageResult:
    async def go() -> PageResult:
        return await pool.read(
            SITE, "https://contoh.id/redaksi/", body, fetched_at=FETCHED, encoding=None
        )

    return asyncio.run(go())


def test_the_body_class_comes_back_from_the_worker_for_articles_and_other_pages() -> None:
    page = b'<html><body class="page-template page page-id-7"><p>Redaksi</p></body></html>'
    pool = PagePool(1)
    pool.start()
    try:
        result = _read(pool, page)
        assert result.body_class == "page-template page page-id-7"
        assert _read(pool, b"<html><body><p>x</p></body></html>").body_class == ""
    finally:
        pool.shutdown()
    inline = PagePool(0)  # read in this process: the same answer
    assert _read(inline, page).body_class == "page-template page page-id-7"
