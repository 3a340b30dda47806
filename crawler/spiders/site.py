"""The spider for one configured site: it routes requests, the page objects extract.

One subclass per site is made by :meth:`SiteSpider.for_site` (see
``crawler.spiderloader``). Discovery here is the foundation's: advertised or
configured feeds, the homepage and the listing pages it links to.
"""

from __future__ import annotations

import logging
import re
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, ClassVar
from urllib.parse import urljoin, urlsplit

import scrapy
from scrapy.exceptions import (
    CannotResolveHostError,
    DownloadConnectionRefusedError,
    DownloadTimeoutError,
)
from scrapy.http import HtmlResponse, Request, Response, TextResponse
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.internet.error import (
    ConnectionRefusedError,
    DNSLookupError,
    TCPTimedOutError,
    TimeoutError,
)

from crawler.discovery import (
    COMMON_FEED_PATHS,
    Candidate,
    FeedError,
    UrlKind,
    classify_url,
    feed_links,
    page_links,
    parse_feed,
    same_site,
)
from crawler.items import Article
from crawler.pages import ExtractionError
from crawler.pages.article import ArticlePage

if TYPE_CHECKING:
    from twisted.python.failure import Failure

    from crawler.sites import SiteConfig

logger = logging.getLogger(__name__)

STATS_PREFIX = "kabar"
KIND_META = "kabar_kind"
"""Request meta key naming what a request fetches: home, feed, listing or article
(downloader middlewares such as the evidence recorder act on it)."""


def _class_name(site_name: str) -> str:
    return "".join(part.capitalize() for part in re.split(r"[-_]", site_name)) + "Spider"


def failure_kind(failure: Failure) -> str:
    """A short, stable name for why a request failed (a stats key and log word)."""
    error = failure.value
    if isinstance(error, HttpError):
        return f"http_{error.response.status}"
    if isinstance(error, DNSLookupError | CannotResolveHostError):
        return "dns"
    if isinstance(error, TimeoutError | TCPTimedOutError | DownloadTimeoutError):
        return "timeout"
    if isinstance(error, ConnectionRefusedError | DownloadConnectionRefusedError):
        return "connection_refused"
    return type(error).__name__.lower()


class SiteSpider(scrapy.Spider):
    """Crawls one news site; subclasses bind :attr:`site`."""

    site: ClassVar[SiteConfig]

    @classmethod
    def for_site(cls, site: SiteConfig) -> type[SiteSpider]:
        host = urlsplit(site.url).hostname or ""
        attrs: dict[str, Any] = {
            "name": site.name,
            "site": site,
            "allowed_domains": [host],
            "__module__": cls.__module__,
            "__doc__": f"Crawls {site.url}",
        }
        return type(_class_name(site.name), (cls,), attrs)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.article_requests = 0
        self.listing_requests = 0
        self.site_unreachable: str | None = None

    # -- bookkeeping ---------------------------------------------------------

    def _inc(self, key: str, count: int = 1) -> None:
        if self.crawler is not None and self.crawler.stats is not None:
            self.crawler.stats.inc_value(f"{STATS_PREFIX}/{key}", count)

    def _max_listing_pages(self) -> int:
        return self.settings.getint("KABAR_MAX_LISTING_PAGES", 3)

    def on_error(self, failure: Failure) -> None:
        request = failure.request  # type: ignore[attr-defined]
        kind = failure_kind(failure)
        self._inc(f"errors/{kind}")
        logger.warning("%s: %s failed: %s", self.name, request.url, kind)

    def on_home_error(self, failure: Failure) -> None:
        kind = failure_kind(failure)
        self._inc(f"errors/{kind}")
        self.site_unreachable = kind
        logger.error("%s: site unreachable (%s): %s", self.name, kind, self.site.url)

    # -- requests --------------------------------------------------------------

    async def start(self) -> AsyncIterator[Request]:
        yield Request(
            self.site.url,
            callback=self.parse_homepage,
            errback=self.on_home_error,
            meta={KIND_META: "home"},
        )
        for url in self.site.feeds:
            yield self._feed_request(url)

    def _feed_request(self, url: str) -> Request:
        return Request(
            url,
            callback=self.parse_feed,
            errback=self.on_error,
            priority=20,
            meta={KIND_META: "feed"},
        )

    def _article_request(self, url: str, hint: Candidate | None = None) -> Request | None:
        if self.article_requests >= self.site.max_articles:
            self._inc("skipped/budget")
            return None
        self.article_requests += 1
        return Request(
            url,
            callback=self.parse_article,
            errback=self.on_error,
            cb_kwargs={"hint": hint},
            priority=10,
            meta={KIND_META: "article"},
        )

    def _links(self, response: HtmlResponse) -> Iterator[Request]:
        for url in page_links(response.selector, response.url):
            if not same_site(url, self.site.netloc):
                continue
            kind = classify_url(url, article_pattern=self.site.article_pattern)
            if kind is UrlKind.ARTICLE:
                request = self._article_request(url)
                if request is not None:
                    yield request
            elif kind is UrlKind.LISTING and self.listing_requests < self._max_listing_pages():
                self.listing_requests += 1
                yield Request(
                    url,
                    callback=self.parse_listing,
                    errback=self.on_error,
                    meta={KIND_META: "listing"},
                )

    # -- callbacks ---------------------------------------------------------------

    def parse_homepage(self, response: Response) -> Iterator[Request]:
        if not isinstance(response, HtmlResponse):
            self._inc("errors/home_not_html")
            logger.error("%s: homepage is not HTML: %s", self.name, response.url)
            return
        feeds = feed_links(response.selector, response.url)
        if not feeds and not self.site.feeds:
            feeds = [urljoin(response.url, path) for path in COMMON_FEED_PATHS]
        for url in feeds:
            yield self._feed_request(url)
        yield from self._links(response)

    def parse_listing(self, response: Response) -> Iterator[Request]:
        if isinstance(response, HtmlResponse):
            yield from self._links(response)

    def parse_feed(self, response: Response) -> Iterator[Request]:
        try:
            items = parse_feed(response.body, response.url)
        except FeedError as exc:
            self._inc("errors/bad_feed")
            logger.warning("%s: %s is not a feed: %s", self.name, response.url, exc)
            return
        self._inc("feeds/read")
        for item in items:
            if same_site(item.url, self.site.netloc):
                request = self._article_request(item.url, item)
                if request is not None:
                    yield request

    def parse_article(self, response: Response, hint: Candidate | None = None) -> Iterator[Article]:
        if not isinstance(response, TextResponse) or not _looks_like_html(response):
            self._inc("skipped/not_html")
            logger.info("%s: skipped, not HTML: %s", self.name, response.url)
            return
        try:
            page = ArticlePage(
                response.url,
                response.body,
                timezone=self.site.timezone,
                language=self.site.language,
                fetched_at=datetime.now(UTC),
                encoding=response.encoding,
            )
            if not page.is_article:
                self._inc("skipped/not_article")
                return
            fields = page.to_fields()
        except ExtractionError as exc:
            self._inc("errors/extraction")
            logger.warning("%s: cannot extract %s: %s", self.name, response.url, exc)
            return
        article = Article(url=response.url, site=self.name, **fields)
        if hint is not None:
            _fill_from_hint(article, hint)
        self._inc("articles/extracted")
        yield article


def _looks_like_html(response: TextResponse) -> bool:
    if isinstance(response, HtmlResponse):
        return True
    content_type = (response.headers.get("Content-Type") or b"").decode("latin-1").lower()
    return "html" in content_type


def _fill_from_hint(article: Article, hint: Candidate) -> None:
    """Listings (an API, a feed, a sitemap) carry exact instants, terms and credits that
    some pages lack; the page wins where it has a value."""
    if hint.published_at is not None and (
        article.published_at is None or hint.strategy == "wp_rest"
    ):
        # The REST API's date_gmt is the exact instant; a page may give only the day.
        article.published_at = hint.published_at
    if hint.modified_at is not None and (article.modified_at is None or hint.strategy == "wp_rest"):
        article.modified_at = hint.modified_at
    if not article.title and hint.title:
        article.title = hint.title
    for name in ("categories", "tags", "authors"):
        if not getattr(article, name) and getattr(hint, name):
            setattr(article, name, list(getattr(hint, name)))
    if not article.image_url and hint.image_url:
        article.image_url = hint.image_url
