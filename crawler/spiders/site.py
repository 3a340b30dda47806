"""The spider: one crawler for many sites; it routes, the site crawls and page objects work.

A run of N sites is one Scrapy crawler, not N: each site is a unit of work
(:class:`crawler.sitecrawl.SiteCrawl`) with its own politeness slot (Scrapy's downloader
keys slots by host), request budget (``crawler.middlewares.sites``), discovery plan and
incremental state. The spider only routes: every request names its site
(``cb_kwargs["site"]``), and each callback hands the response to that site.

``scrapy crawl kabar`` crawls every site of the sites file; ``scrapy crawl <site>``
(and scrapyd scheduling one site) crawls one, through the subclass
:meth:`SiteSpider.for_site` makes for it (``crawler.spiderloader``); ``kabar crawl``
passes the sites it was given (``sites=``).

A site's crawl ends when nothing of it is left in flight (tickets, see
``crawler.sitecrawl``): its state is saved then, and :data:`site_closed` is sent (the
CLI's per-site progress lines), not when the whole crawl ends.
"""

from __future__ import annotations

import functools
import inspect
import logging
import re
from collections.abc import AsyncIterator, Callable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any, ClassVar
from urllib.parse import urlsplit

import scrapy
from scrapy import signals
from scrapy.http import Request, Response
from sqlalchemy.exc import SQLAlchemyError

from archive.handle import ArchiveProvider
from archive.repository import finish_run, start_run
from crawler.distributed import discovery_lease
from crawler.extensions import PagePoolExtension
from crawler.extraction import PagePool
from crawler.failures import BUDGET
from crawler.faults import parse_boundary
from crawler.requests import ARTICLE_KIND, KIND_META, SITE_META, TICKET_META
from crawler.sitecrawl import SiteCrawl
from crawler.sites import load_sites
from kabar.core.article import Article
from kabar.core.counts import inc

if TYPE_CHECKING:
    from sqlalchemy.orm import Session
    from twisted.python.failure import Failure

    from crawler.discovery import Candidate
    from crawler.sites import SiteConfig

logger = logging.getLogger(__name__)

site_closed = object()
"""Signal sent when one site's crawl is over (``site``: its :class:`SiteCrawl`), with
its counts final: the CLI prints the site's line then, while others still crawl."""


def _class_name(site_name: str) -> str:
    return "".join(part.capitalize() for part in re.split(r"[-_]", site_name)) + "Spider"


def _routed(callback: Callable[..., Any]) -> Callable[..., Any]:
    """Give the response's ticket back once the callback's output is all out (its
    requests scheduled, its items counted in flight), whatever the callback met."""
    if inspect.isasyncgenfunction(callback):

        @functools.wraps(callback)
        async def routed_async(
            spider: SiteSpider, response: Response, *args: Any, **kwargs: Any
        ) -> AsyncIterator[Any]:
            try:
                async for value in callback(spider, response, *args, **kwargs):
                    spider.yielded(value)
                    yield value
            finally:
                spider.settle(response.request)

        return routed_async

    @functools.wraps(callback)
    def routed(spider: SiteSpider, response: Response, *args: Any, **kwargs: Any) -> Iterator[Any]:
        try:
            for value in callback(spider, response, *args, **kwargs):
                spider.yielded(value)
                yield value
        finally:
            spider.settle(response.request)

    return routed


class SiteSpider(scrapy.Spider):
    """Crawls the configured sites: every site of the sites file, the ``sites`` given,
    or the one site a subclass binds (:meth:`for_site`)."""

    name = "kabar"
    allowed_domains: list[str]
    bound: ClassVar[tuple[SiteConfig, ...]] = ()

    @classmethod
    def for_site(cls, site: SiteConfig) -> type[SiteSpider]:
        """The spider of one site (``scrapy crawl <site>``, scrapyd)."""
        attrs: dict[str, Any] = {
            "name": site.name,
            "bound": (site,),
            "__module__": cls.__module__,
            "__doc__": f"Crawls {site.url}",
        }
        return type(_class_name(site.name), (cls,), attrs)

    def __init__(self, *args: Any, sites: Sequence[SiteConfig] | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.crawls: dict[str, SiteCrawl] = {}
        self._by_name: dict[str, SiteConfig] = {}
        self._by_host: dict[str, str] = {}
        self._run_id: int | None = None
        self._own_run = False
        self._configs: tuple[SiteConfig, ...] | None = (
            tuple(sites) if sites is not None else (self.bound or None)
        )

    @property
    def site(self) -> SiteConfig:
        """The one site of a single-site spider."""
        configs = self._configs or ()
        if len(configs) != 1:
            raise AttributeError(f"spider {self.name!r} crawls {len(configs)} sites, not one")
        return configs[0]

    @classmethod
    def from_crawler(cls, crawler: Any, *args: Any, **kwargs: Any) -> SiteSpider:
        spider: SiteSpider = super().from_crawler(crawler, *args, **kwargs)
        if spider._configs is None:
            spider._configs = tuple(load_sites(crawler.settings.get("KABAR_SITES_FILE")))
        spider.crawls = {site.name: SiteCrawl(spider, site) for site in spider._configs}
        spider._by_name = {site.name: site for site in spider._configs}
        spider._by_host = {site.netloc: site.name for site in spider._configs}
        spider.allowed_domains = sorted(
            {urlsplit(site.url).hostname or "" for site in spider._configs} - {""}
        )
        crawler.signals.connect(spider._robots_parsed, signal=signals.robots_parsed)
        crawler.signals.connect(spider._request_dropped, signal=signals.request_dropped)
        for signal in (signals.item_scraped, signals.item_dropped, signals.item_error):
            crawler.signals.connect(spider._item_done, signal=signal)
        return spider

    def run_id(self, session: Session) -> int:
        """The run the sites record themselves in: ``KABAR_RUN_ID`` (``kabar crawl`` made
        it), else one this spider starts (``scrapy crawl``, scrapyd) and finishes."""
        if self._run_id is None:
            self._run_id = self.settings.getint("KABAR_RUN_ID") or None
            if self._run_id is None:
                self._run_id = start_run(session)
                self._own_run = True
        return self._run_id

    def site_configs(self) -> Mapping[str, SiteConfig]:
        """The sites of this crawl by name (the per-site middlewares read it)."""
        return self._by_name

    def site_of_host(self, netloc: str) -> str | None:
        """The crawl's site at ``netloc`` (host[:port], lower case), if any."""
        return self._by_host.get(netloc)

    # -- a site's end ---------------------------------------------------------------------

    def _crawl_of(self, request: Request | None) -> SiteCrawl | None:
        site = request.meta.get(SITE_META) if request is not None else None
        return self.crawls.get(site) if isinstance(site, str) else None

    def settle(self, request: Request | None) -> None:
        """A request's callback or errback has run (or it was dropped): its ticket back."""
        crawl = self._crawl_of(request)
        if crawl is None or request is None:
            return
        crawl.tickets.discard(request.meta.get(TICKET_META, ""))
        self._maybe_done(crawl)

    def yielded(self, value: Any) -> None:
        """An item on its way to the pipelines keeps its site open until it is through."""
        if isinstance(value, Article):
            crawl = self.crawls.get(value.site)
            if crawl is not None:
                crawl.items_pending += 1

    def _item_done(self, item: Any, **kwargs: Any) -> None:
        crawl = self.crawls.get(getattr(item, "site", ""))
        if crawl is None:
            return
        if "exception" in kwargs or "failure" in kwargs:
            # item_dropped (DropItem) and item_error
            inc(self.crawler.stats, "items/dropped", site=crawl.name)
        crawl.items_pending = max(0, crawl.items_pending - 1)
        self._maybe_done(crawl)

    def _maybe_done(self, crawl: SiteCrawl) -> None:
        # A site another worker discovers gets its articles from the shared frontier
        # until the crawl ends: it ends with the crawl.
        if crawl.closed or not crawl.idle or not crawl.discovering:
            return
        crawl.close(BUDGET if crawl.budget_spent else "finished")
        self.crawler.signals.send_catch_log(site_closed, site=crawl, spider=self)

    def closed(self, reason: str) -> None:
        """Sites still open when the crawl stops (a shutdown, a leak) end with it."""
        for crawl in self.crawls.values():
            if not crawl.closed:
                crawl.close(reason)
                self.crawler.signals.send_catch_log(site_closed, site=crawl, spider=self)
        if self._own_run and self._run_id is not None:
            try:
                with ArchiveProvider.of(self.crawler).writer.write() as session:
                    finish_run(session, self._run_id)
            except SQLAlchemyError as exc:
                logger.error("the run's end not recorded (%s)", type(exc).__name__)

    # -- start ---------------------------------------------------------------------------

    async def start(self) -> AsyncIterator[Request]:
        """Each site's first requests, site after site as the downloader has room (Scrapy
        pulls start requests lazily): a thousand sites do not all open at once."""
        lease = discovery_lease(self.crawler.settings, self.name)
        try:
            names = list(self.crawls) if lease is None else lease.order(list(self.crawls))
            for crawl in (self.crawls[name] for name in names):
                discover = lease is None or lease.claim(crawl.name)
                for request in crawl.start(discover=discover):
                    yield request
                crawl.starting = False
                self._maybe_done(crawl)
        finally:
            if lease is not None:
                lease.close()

    # -- routing ---------------------------------------------------------------------------

    def _robots_parsed(self, robotparser: Any, request: Request) -> None:
        site = self.site_of_host(urlsplit(request.url).netloc.lower())
        if site is not None:
            self.crawls[site].robots_parsed(robotparser)

    def _request_dropped(self, request: Request, spider: scrapy.Spider) -> None:
        """An article URL whose redirects lead back to a URL already fetched (a loop):
        Scrapy drops it silently; remember it, or every run would take it for new."""
        crawl = self._crawl_of(request)
        if crawl is None:
            return
        if request.meta.get(KIND_META) == ARTICLE_KIND and request.meta.get("redirect_urls"):
            crawl.mark_dead(request, "redirect_loop")
        self.settle(request)

    def on_error(self, failure: Failure) -> list[Request]:
        request = failure.request  # type: ignore[attr-defined]
        crawl = self._crawl_of(request)
        if crawl is None:
            return []
        try:
            return list(crawl.on_error(failure))
        finally:
            self.settle(request)

    def on_home_error(self, failure: Failure) -> list[Request]:
        request = failure.request  # type: ignore[attr-defined]
        crawl = self._crawl_of(request)
        if crawl is not None:
            try:
                crawl.on_home_error(failure)
            finally:
                self.settle(request)
        return []

    def parse_fault(self, response: Response, where: str) -> Iterator[Request]:
        """``crawler.faults``' hook: what a response whose callback raised means."""
        crawl = self._crawl_of(response.request)
        if crawl is not None:
            yield from crawl.parse_fault(response, where)

    @_routed
    @parse_boundary("home")
    def parse_homepage(self, response: Response, site: str) -> Iterator[Request]:
        yield from self.crawls[site].parse_homepage(response)

    @_routed
    @parse_boundary("listing")
    def parse_listing(
        self, response: Response, site: str, chain: frozenset[str] = frozenset()
    ) -> Iterator[Request]:
        yield from self.crawls[site].parse_listing(response, chain)

    @_routed
    @parse_boundary("api")
    def parse_api(
        self, response: Response, site: str, root: str, page: int = 1, first: bool = False
    ) -> Iterator[Request]:
        yield from self.crawls[site].parse_api(response, root=root, page=page, first=first)

    @_routed
    @parse_boundary("feed")
    def parse_feed(
        self,
        response: Response,
        site: str,
        page: int = 1,
        feed: str | None = None,
        first: bool = False,
    ) -> Iterator[Request]:
        yield from self.crawls[site].parse_feed(response, page=page, feed_url=feed, first=first)

    @_routed
    @parse_boundary("sitemap")
    def parse_sitemap(
        self, response: Response, site: str, first: bool = False
    ) -> Iterator[Request]:
        yield from self.crawls[site].parse_sitemap(response, first=first)

    @_routed
    @parse_boundary("article")
    async def parse_article(
        self,
        response: Response,
        site: str,
        hint: Candidate | None = None,
        revisit: bool = False,
    ) -> AsyncIterator[Article]:
        crawl = self.crawls.get(site)
        if crawl is None:  # from another worker's frontier, for a site this one lacks
            logger.warning("%s: no such site in this crawl, %s skipped", site, response.url)
            return
        article = await crawl.parse_article(response, self._page_pool(), hint)
        if article is not None:
            yield article

    def _page_pool(self) -> PagePool | None:
        try:
            extension = self.crawler.get_extension(PagePoolExtension)
        except RuntimeError:  # not crawling (a spider built by a test)
            return None
        return extension.pool if extension is not None else None
