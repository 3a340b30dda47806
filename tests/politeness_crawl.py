"""A real Scrapy crawl that records what ``PolitenessMiddleware`` did, on a clock of its own.

Run as ``python -m tests.politeness_crawl CONFIG.json`` (the reactor runs once per
process, so each crawl is a child process of the test). The crawl uses kabar's own
settings (the middleware at its place after RetryMiddleware, the retried statuses) and
visits the given URLs strictly one after another, so what it records is a function of
the URLs and the server's answers only.

The middleware's clock is replaced by :class:`VirtualClock`: time moves only when the
middleware sleeps, and a sleep returns at once. Waits are then exact numbers (a
Crawl-delay of 5 s is 5.0, not "about 5 on a quiet machine"), cost no real time, and
the middleware itself runs unchanged. Two probe middlewares around it (priorities 559
and 561) note, for every download attempt, the virtual instant it reached the
middleware and the instant the middleware let it go.

CONFIG: ``{"urls": [...], "settings": {...}, "out": "result.json"}``. The result:
``{"visits": [{"url", "host", "arrived", "departed", "status"}],
"sleeps": [seconds, ...], "stats": {...}, "enabled": bool, "crawl_delay": {host: s},
"not_before": {host: s}}``.
"""

from __future__ import annotations

import asyncio
import json
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from scrapy import Request, Spider, signals
from scrapy.crawler import Crawler, CrawlerProcess
from scrapy.http import Response
from scrapy.settings import Settings
from scrapy.utils.httpobj import urlparse_cached
from twisted.python.failure import Failure

from crawler.middlewares import politeness
from crawler.middlewares.politeness import PolitenessMiddleware

EPOCH = 1_700_000_000.0
"""The virtual clock's wall time at its start (for Retry-After given as an HTTP date)."""


class VirtualClock:
    """``time.monotonic``/``time.time`` and ``asyncio.sleep`` for the middleware: a sleep
    moves the clock on by what it asked for and returns at once."""

    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []

    def monotonic(self) -> float:
        return self.now

    def time(self) -> float:
        return EPOCH + self.now

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += max(0.0, seconds)
        await asyncio.sleep(0)


CLOCK = VirtualClock()
VISITS: list[dict[str, Any]] = []


class ArrivalProbe:
    """Runs just before the politeness middleware: when the attempt reached it."""

    def process_request(self, request: Request) -> None:
        request.meta["probe_arrived"] = CLOCK.now


class DepartureProbe:
    """Runs just after it: when the attempt went on to the downloader, and its status."""

    def process_request(self, request: Request) -> None:
        visit = {
            "url": request.url,
            "host": urlparse_cached(request).netloc,
            "arrived": request.meta["probe_arrived"],
            "departed": CLOCK.now,
            "status": None,
        }
        VISITS.append(visit)
        request.meta["probe_visit"] = len(VISITS) - 1

    def process_response(self, request: Request, response: Response) -> Response:
        VISITS[request.meta["probe_visit"]]["status"] = response.status
        return response


class InOrderSpider(Spider):
    """Visits ``urls`` one after another: the next request leaves only once the
    previous one has its final answer (after every retry) or has failed."""

    name = "politeness_probe"

    def __init__(self, urls: list[str], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.pending = list(urls)

    async def start(self) -> AsyncIterator[Request]:
        for request in self._next():
            yield request

    def _next(self) -> list[Request]:
        if not self.pending:
            return []
        url = self.pending.pop(0)
        return [Request(url, callback=self.visited, errback=self.failed, dont_filter=True)]

    def visited(self, response: Response) -> list[Request]:
        return self._next()

    def failed(self, failure: Failure) -> list[Request]:
        return self._next()


def crawl_settings(overrides: dict[str, Any]) -> Settings:
    """kabar's settings, with the probes around the politeness middleware and nothing
    that needs an archive; Scrapy's own delays off, so every wait is the middleware's."""
    settings = Settings()
    settings.setmodule("crawler.settings", priority="project")
    middlewares = dict(settings.getdict("DOWNLOADER_MIDDLEWARES"))
    middlewares["crawler.middlewares.evidence.EvidenceMiddleware"] = None
    middlewares[f"{__name__}.ArrivalProbe"] = 559
    middlewares[f"{__name__}.DepartureProbe"] = 561
    settings.setdict(
        {
            "DOWNLOADER_MIDDLEWARES": middlewares,
            "SPIDER_LOADER_CLASS": "scrapy.spiderloader.SpiderLoader",
            "SPIDER_MODULES": [],
            "ITEM_PIPELINES": {},
            "AUTOTHROTTLE_ENABLED": False,
            "DOWNLOAD_DELAY": 0,
            "LOG_LEVEL": "WARNING",
            **overrides,
        },
        priority="cmdline",
    )
    return settings


def politeness_of(crawler: Crawler) -> PolitenessMiddleware | None:
    """The crawl's politeness middleware, None when it is switched off."""
    assert crawler.engine is not None
    found = [
        m
        for m in crawler.engine.downloader.middleware.middlewares
        if isinstance(m, PolitenessMiddleware)
    ]
    return found[0] if found else None


def main(config_path: str) -> None:
    config = json.loads(Path(config_path).read_text(encoding="utf-8"))
    # The middleware's module reads its clock and sleeps through these two names.
    setattr(politeness, "time", CLOCK)  # noqa: B010
    setattr(politeness, "asyncio", SimpleNamespace(Lock=asyncio.Lock, sleep=CLOCK.sleep))  # noqa: B010
    process = CrawlerProcess(crawl_settings(config["settings"]), install_root_handler=True)
    crawler = process.create_crawler(InOrderSpider)
    result: dict[str, Any] = {}

    def closed(spider: Spider) -> None:
        middleware = politeness_of(crawler)
        assert crawler.stats is not None
        result.update(
            visits=VISITS,
            sleeps=CLOCK.sleeps,
            stats={k: v for k, v in crawler.stats.get_stats().items() if isinstance(v, int)},
            enabled=middleware is not None,
            crawl_delay=middleware.crawl_delay if middleware else {},
            not_before=middleware.not_before if middleware else {},
        )

    crawler.signals.connect(closed, signal=signals.spider_closed)
    process.crawl(crawler, urls=config["urls"])
    process.start()
    Path(config["out"]).write_text(json.dumps(result), encoding="utf-8")


if __name__ == "__main__":
    main(sys.argv[1])
