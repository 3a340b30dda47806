"""Per-site request accounting in the one crawler that crawls every site.

Scrapy's downloader already gives each host its own slot (concurrency, delay), so
politeness is per site for free; what it does not have is a per-site budget: one
spider's ``CLOSESPIDER_PAGECOUNT`` would stop every site at once. This middleware
counts the requests that reach the downloader per site (``kabar/sites/<site>/requests``,
the site's report line) and refuses, with
:class:`~crawler.failures.RequestBudgetExhausted`, those past the site's
``max_requests`` for the run. A request that names no site (Scrapy's own robots.txt
requests) is counted for the site whose host it is on, and never refused.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol, Self

from scrapy.utils.httpobj import urlparse_cached

from crawler.failures import RequestBudgetExhausted
from crawler.requests import SITE_META
from kabar.core.counts import inc

if TYPE_CHECKING:
    from collections.abc import Mapping

    from scrapy import Request, Spider
    from scrapy.crawler import Crawler

    from crawler.sites import SiteConfig


class _SitesSpider(Protocol):
    def site_configs(self) -> Mapping[str, SiteConfig]: ...

    def site_of_host(self, netloc: str) -> str | None: ...


class SiteRequestsMiddleware:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.sent: dict[str, int] = {}

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler)

    def _sites(self, spider: Spider | None) -> Mapping[str, SiteConfig]:
        configs = getattr(spider, "site_configs", None)
        return configs() if callable(configs) else {}

    def _site_of(self, request: Request, spider: Spider | None) -> tuple[str | None, bool]:
        """The request's site, and whether it named it (only those are budgeted)."""
        site = request.meta.get(SITE_META)
        if isinstance(site, str):
            return site, True
        site_of_host = getattr(spider, "site_of_host", None)
        if not callable(site_of_host):
            return None, False
        return site_of_host(urlparse_cached(request).netloc.lower()), False

    def process_request(self, request: Request) -> None:
        spider = self.crawler.spider
        site, named = self._site_of(request, spider)
        if site is None:
            return
        sent = self.sent.get(site, 0)
        config = self._sites(spider).get(site)
        if named and config is not None and sent >= config.max_requests:
            raise RequestBudgetExhausted(f"{site}: request budget of {config.max_requests} spent")
        self.sent[site] = sent + 1
        inc(self.crawler.stats, "requests", site=site)
