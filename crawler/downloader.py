"""The HTTP download handler of a crawl over many sites: idle connections closed soon.

Scrapy's handler keeps a persistent connection pool (Twisted's ``HTTPConnectionPool``)
whose idle connections live four minutes. One crawler over a thousand small sites
visits each host for a few seconds and moves on, so the idle connections of every
site met in the last four minutes stay open: a file descriptor each, thousands of
them. Here an idle connection is closed after ``KABAR_IDLE_CONNECTION_S`` seconds;
a site being crawled keeps reusing its connections well within that.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from scrapy.core.downloader.handlers.http11 import HTTP11DownloadHandler

if TYPE_CHECKING:
    from scrapy.crawler import Crawler


class ShortIdleDownloadHandler(HTTP11DownloadHandler):
    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler)
        self._pool.cachedConnectionTimeout = crawler.settings.getint("KABAR_IDLE_CONNECTION_S", 10)
