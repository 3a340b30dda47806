"""Politeness that Scrapy leaves out: robots.txt ``Crawl-delay``, ``Retry-After`` on
429/503, and exponential backoff after 5xx, all per host.

Each host gets a "not before" instant; a request waits (without blocking the reactor)
until its host's instant has passed. Retries of 429/503 are ours; other 5xx retries
stay with Scrapy's RetryMiddleware, which runs after this middleware on responses.
"""

from __future__ import annotations

import asyncio
import logging
import time
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING, Any, Self

from scrapy import signals
from scrapy.exceptions import NotConfigured
from scrapy.utils.httpobj import urlparse_cached

if TYPE_CHECKING:
    from scrapy import Request
    from scrapy.crawler import Crawler
    from scrapy.http import Response

logger = logging.getLogger(__name__)

RETRY_AFTER_STATUSES = frozenset({429, 503})


def retry_after_seconds(value: str | None, now: float | None = None) -> float | None:
    """Seconds a ``Retry-After`` header asks for (delta-seconds or an HTTP date)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        return None
    return max(0.0, when.timestamp() - (time.time() if now is None else now))


def backoff_seconds(attempt: int, base_s: float, max_s: float) -> float:
    """``base * 2**(attempt-1)``, capped: 1, 2, 4, 8 … seconds with base 1."""
    return float(min(max_s, base_s * 2 ** max(0, attempt - 1)))


class PolitenessMiddleware:
    def __init__(self, crawler: Crawler) -> None:
        settings = crawler.settings
        if not settings.getbool("KABAR_POLITENESS_ENABLED", True):
            raise NotConfigured
        self.crawler = crawler
        self.user_agent: str = settings.get("ROBOTSTXT_USER_AGENT") or settings.get("USER_AGENT")
        self.max_retry_after_s = settings.getfloat("KABAR_MAX_RETRY_AFTER_S", 120.0)
        self.max_crawl_delay_s = settings.getfloat("KABAR_MAX_CRAWL_DELAY_S", 30.0)
        self.retry_after_times = settings.getint("KABAR_RETRY_AFTER_TIMES", 3)
        self.backoff_base_s = settings.getfloat("KABAR_BACKOFF_BASE_S", 1.0)
        self.backoff_max_s = settings.getfloat("KABAR_BACKOFF_MAX_S", 60.0)
        self.crawl_delay: dict[str, float] = {}
        self.not_before: dict[str, float] = {}
        self.last_request: dict[str, float] = {}
        self.locks: dict[str, asyncio.Lock] = {}
        crawler.signals.connect(self.robots_parsed, signal=signals.robots_parsed)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler)

    def _count(self, key: str) -> None:
        if self.crawler.stats is not None:
            self.crawler.stats.inc_value(f"kabar/politeness/{key}")

    def robots_parsed(self, robotparser: Any, request: Request) -> None:
        delay = robotparser.crawl_delay(self.user_agent)
        if delay:
            host = urlparse_cached(request).netloc
            self.crawl_delay[host] = min(float(delay), self.max_crawl_delay_s)
            logger.info("%s asks for Crawl-delay %s s", host, delay)

    async def process_request(self, request: Request) -> None:
        host = urlparse_cached(request).netloc
        lock = self.locks.setdefault(host, asyncio.Lock())
        async with lock:
            now = time.monotonic()
            ready = max(
                self.not_before.get(host, 0.0),
                self.last_request.get(host, -1e9) + self.crawl_delay.get(host, 0.0),
            )
            if ready > now:
                self._count("waits")
                await asyncio.sleep(ready - now)
            self.last_request[host] = time.monotonic()

    def process_response(self, request: Request, response: Response) -> Request | Response:
        host = urlparse_cached(request).netloc
        status = response.status
        if status in RETRY_AFTER_STATUSES:
            wait = retry_after_seconds(
                (response.headers.get("Retry-After") or b"").decode("latin-1")
            )
            attempt = int(request.meta.get("kabar_retry_after", 0)) + 1
            if wait is not None:
                if wait > self.max_retry_after_s or attempt > self.retry_after_times:
                    # Given up for this run: RetryMiddleware (after us on responses) must not
                    # retry it at once behind the host's back.
                    self._count("retry_after_gave_up")
                    request.meta["dont_retry"] = True
                    return response
                self._count(f"retry_after_{status}")
                self.not_before[host] = max(self.not_before.get(host, 0.0), time.monotonic() + wait)
                retry = request.replace(dont_filter=True)
                retry.meta["kabar_retry_after"] = attempt
                return retry
        if status >= 500:
            attempt = int(request.meta.get("retry_times", 0)) + 1
            pause = backoff_seconds(attempt, self.backoff_base_s, self.backoff_max_s)
            self.not_before[host] = max(self.not_before.get(host, 0.0), time.monotonic() + pause)
            self._count("backoff")
        return response
