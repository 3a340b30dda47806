"""The spider for one configured site: it routes requests, the page objects extract.

One subclass per site is made by :meth:`SiteSpider.for_site` (see
``crawler.spiderloader``). Discovery tries the strategies cheapest and most
structured first (WordPress REST API, feeds, sitemaps, listing pages), remembers in
the archive which one worked, and on later runs goes straight to it, fetching only
articles that are new or that a listing says were modified.
"""

from __future__ import annotations

import logging
import re
from collections.abc import AsyncIterator, Callable, Collection, Generator, Iterable, Iterator
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar
from urllib.parse import urljoin, urlsplit

import scrapy
from scrapy import signals
from scrapy.http import HtmlResponse, Request, Response, TextResponse
from sqlalchemy.exc import SQLAlchemyError

from archive.db import session_scope
from archive.discovery import (
    SiteState,
    due_revisits,
    known_among,
    load_dead_urls,
    load_site_state,
    load_validators,
    save_dead_urls,
    save_site_state,
    save_validator,
)
from archive.handle import ArchiveProvider
from archive.repository import SiteInfo, ensure_site
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
from crawler.discovery.sitemaps import (
    COMMON_SITEMAP_PATHS,
    SitemapError,
    may_hold_articles,
    parse_sitemap,
)
from crawler.discovery.urls import next_page_link
from crawler.discovery.wordpress import ApiError, api_root, parse_posts, posts_url
from crawler.extensions import PagePoolExtension
from crawler.extraction import PagePool, PageResult, read_article
from crawler.failures import ABSENT, failure_kind
from crawler.faults import parse_boundary, report
from crawler.pages import ExtractionError
from crawler.requests import KIND_META
from crawler.sites import STRATEGIES
from kabar.core.article import Article
from kabar.core.urls import canonical_url

if TYPE_CHECKING:
    from scrapy.settings import BaseSettings
    from twisted.python.failure import Failure

    from crawler.sites import SiteConfig

logger = logging.getLogger(__name__)
T = TypeVar("T")

STATS_PREFIX = "kabar"
VERSION_SLACK = timedelta(minutes=1)
"""A listing's modified time must pass the stored version by this much to refetch."""


def _class_name(site_name: str) -> str:
    return "".join(part.capitalize() for part in re.split(r"[-_]", site_name)) + "Spider"


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

    @classmethod
    def update_settings(cls, settings: BaseSettings) -> None:
        super().update_settings(settings)
        if getattr(cls, "site", None) is not None:
            # The per-site request budget of a run.
            settings.set("CLOSESPIDER_PAGECOUNT", cls.site.max_requests, priority="spider")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.started_at = datetime.now(UTC)
        self.cutoff = self.started_at - timedelta(days=self.site.max_age_days)
        # Not ``self.state``: Scrapy's SpiderState extension owns that name under JOBDIR.
        self.discovery = SiteState()
        self.known: dict[str, datetime] = {}
        """Stored articles among the URLs listed so far (looked up in batches, per listing)."""
        self.looked_up: set[str] = set()
        self.dead: set[str] = set()
        self.revisits: list[str] = []
        self.new_dead: dict[str, str] = {}
        self.validators: dict[str, tuple[str | None, str | None]] = {}
        self.new_validators: dict[str, tuple[str | None, str | None]] = {}
        self.plan: list[str] = []
        self.strategy: str | None = None
        self.incomplete = False
        self.entries_settled: set[str] = set()
        """Entry points already counted as worked or failed (a crash after the count)."""
        self.home_fetched = False
        self.home_links: list[str] = []
        self.robots_sitemaps: list[str] = []
        self.scheduled: set[str] = set()
        self.listing_requests = 0
        self.backfilled = False
        self.entries_open = 0
        self.entry_succeeded = False
        self.site_unreachable: str | None = None
        self.selector_misses_logged: set[str] = set()

    @classmethod
    def from_crawler(cls, crawler: Any, *args: Any, **kwargs: Any) -> SiteSpider:
        spider: SiteSpider = super().from_crawler(crawler, *args, **kwargs)
        crawler.signals.connect(spider._robots_parsed, signal=signals.robots_parsed)
        crawler.signals.connect(spider._request_dropped, signal=signals.request_dropped)
        return spider

    # -- bookkeeping ---------------------------------------------------------

    def _count_selector_misses(self, page: PageResult, url: str) -> None:
        """A site selector that finds nothing (the site changed its layout): an error per
        field in the site's report line, and a log line once per run with a page to look at."""
        for field in dict.fromkeys(page.selector_misses):
            self._inc(f"errors/selector_miss/{field}")
            if field not in self.selector_misses_logged:
                self.selector_misses_logged.add(field)
                logger.warning(
                    "%s: the %s selector found nothing on %s; extracted generically",
                    self.name,
                    field,
                    url,
                )

    def _inc(self, key: str, count: int = 1) -> None:
        if self.crawler is not None and self.crawler.stats is not None:
            self.crawler.stats.inc_value(f"{STATS_PREFIX}/{key}", count)

    def _robots_parsed(self, robotparser: Any, request: Request) -> None:
        if urlsplit(request.url).netloc.lower() != self.site.netloc:
            return
        rp = getattr(robotparser, "rp", None)  # Protego, Scrapy's default parser
        self.robots_sitemaps = [str(u) for u in getattr(rp, "sitemaps", []) or []]
        if not robotparser.allowed(self.site.url, self.settings.get("USER_AGENT")):
            logger.error("%s: robots.txt forbids crawling %s", self.name, self.site.url)

    def _request_dropped(self, request: Request, spider: scrapy.Spider) -> None:
        """An article URL whose redirects lead back to a URL already fetched (a loop):
        Scrapy drops it silently; remember it, or every run would take it for new."""
        if (
            spider is self
            and request.meta.get(KIND_META) == "article"
            and request.meta.get("redirect_urls")
        ):
            self._mark_dead(request, "redirect_loop")

    def _load_state(self) -> None:
        try:
            with session_scope(ArchiveProvider.of(self.crawler).sessions) as session:
                self.discovery = load_site_state(session, self.name)
                recheck = timedelta(days=self.settings.getfloat("KABAR_DEAD_URL_RECHECK_DAYS", 3))
                self.dead = load_dead_urls(session, self.name, since=self.started_at - recheck)
                self.validators = load_validators(session, prefix=self.site.url)
                self.revisits = self._due_revisits(session)
        except SQLAlchemyError as exc:
            self._inc("errors/database")
            logger.error("%s: no incremental state (%s)", self.name, exc.__class__.__name__)

    def _due_revisits(self, session: Any) -> list[str]:
        """Stored articles to fetch again for edits (``archive.discovery.due_revisits``):
        not under the REST API, whose listing gives each post's modified time."""
        last = self.discovery.last_success_at
        if last is None or self.discovery.strategy in (None, "wp_rest"):
            return []
        ages = [
            timedelta(seconds=float(age)) for age in self.settings.getlist("KABAR_REVISIT_AGES_S")
        ]
        return due_revisits(
            session,
            self.name,
            now=self.started_at,
            last_run=last,
            ages=ages,
            limit=self.settings.getint("KABAR_REVISIT_MAX_PER_RUN", 50),
        )

    def closed(self, reason: str) -> None:
        """Remember what worked and the validators seen, for the next run."""
        if self.site_unreachable:
            return
        state = self.discovery
        state.strategy = self.strategy or state.strategy
        if self.strategy and not self.incomplete and reason == "finished":
            state.last_success_at = self.started_at
        try:
            # Through the process's one writer (committed with its batch).
            with ArchiveProvider.of(self.crawler).writer.write() as session:
                site_id = ensure_site(session, SiteInfo.of(self.site))
                save_site_state(session, site_id, state)
                for url, (etag, modified) in self.new_validators.items():
                    save_validator(session, url, etag, modified)
                save_dead_urls(session, self.name, self.new_dead)
        except SQLAlchemyError as exc:
            self._inc("errors/database")
            logger.error("%s: discovery state not saved (%s)", self.name, exc.__class__.__name__)
        if self.crawler.stats is not None:
            self.crawler.stats.set_value(f"{STATS_PREFIX}/strategy", self.strategy or "none")

    def on_error(self, failure: Failure) -> Iterator[Request]:
        request = failure.request  # type: ignore[attr-defined]
        kind = failure_kind(failure)
        if kind == "forbidden_by_robots":
            self._inc("skipped/robots_txt")  # politeness working, not a fault
        elif request.meta.get("kabar_first") and kind in ABSENT:
            # A probed entry point (a guessed /feed/, /sitemap.xml, /wp-json/) that
            # the site does not have: discovery at work, not a fault of the site.
            self._inc(f"discovery/absent/{request.meta.get(KIND_META)}")
        elif request.meta.get("kabar_revisit") and kind in ABSENT:
            # A stored article the site took down (WordPress's trash): the archive
            # keeps what was published.
            self._inc("revisit/gone")
            return
        elif _past_last_feed_page(request, kind):
            # WordPress answers 404 past its feed's last page: the feed was read to
            # its end, nothing is missing.
            self._inc("feed/end")
            return
        else:
            self._inc(f"errors/{kind}")
            logger.warning("%s: %s failed: %s", self.name, request.url, kind)
        role = request.meta.get(KIND_META)
        if role == "article":
            self._mark_dead(request, kind)
        if request.meta.get("kabar_first"):
            yield from self._entry_failed(request.url, role)
        elif role == "feed" and request.meta.get("kabar_page", 1) > 1:
            yield from self._backfill()
        elif role in ("feed", "api", "sitemap", "listing"):
            self.incomplete = True

    def _mark_dead(self, request: Request, reason: str) -> None:
        """Remember an article-like URL that gave no article (under the URL it was
        discovered as, before any redirect), so the next runs skip it.

        Only URLs that never yielded an article: a stored article that fails once (a
        bad fetch, an edit that left it two lines long) keeps its stored version and
        is fetched again when next listed as changed, so its later edits are seen."""
        first = canonical_url((request.meta.get("redirect_urls") or [request.url])[0])
        final = canonical_url(request.url)
        # Known URLs are looked up per listing; an article reached otherwise (a revisit,
        # a redirect) is looked up now: a stored article must never become dead.
        self._look_up([Candidate(url=u) for u in (first, final) if u not in self.known])
        if first in self.known or final in self.known:
            if reason in ("not_article", "extraction", "not_html"):
                self._inc("errors/regressed_extraction")
                logger.warning("%s: stored article %s no longer extracts", self.name, first)
            return
        self.new_dead[first] = reason

    def parse_fault(self, response: Response, where: str) -> Iterator[Request]:
        """What a response whose callback raised means (``crawler.faults`` counted the
        fault already): an entry point that crashed failed like one that answered 404 (the
        next strategy is tried), a listing read in part leaves the run incomplete, an
        article that crashed the page object is remembered as no article."""
        request = response.request or Request(response.url)
        role = response.meta.get(KIND_META)
        if role == "article":
            self._mark_dead(request, "extraction")
        elif response.meta.get("kabar_first") and response.url not in self.entries_settled:
            self.entries_settled.add(response.url)
            yield from self._entry_failed(response.url, str(role))
        elif role in ("feed", "api", "sitemap", "listing"):
            self.incomplete = True

    def _entry_ok(self, url: str, role: str) -> None:
        self.entries_settled.add(url)
        self.entries_open -= 1
        self.entry_succeeded = True
        if role == "sitemap" and url not in self.discovery.sitemaps:
            self.discovery.sitemaps.append(url)
        elif role == "feed" and url not in self.discovery.feeds:
            self.discovery.feeds.append(url)

    def _entry_failed(self, url: str, role: str) -> Iterator[Request]:
        """An entry point of the current strategy failed: forget it (the next run skips
        it), and when no other entry of the strategy worked, try the next strategy."""
        self.entries_open -= 1
        if role == "api":
            self.discovery.api_root = None
        elif role == "feed":
            self.discovery.feeds = [u for u in self.discovery.feeds if u != url]
        elif role == "sitemap":
            self.discovery.sitemaps = [u for u in self.discovery.sitemaps if u != url]
        if self.entries_open <= 0 and not self.entry_succeeded:
            self.strategy = None
            yield from self._next_strategy()

    def on_home_error(self, failure: Failure) -> Iterator[Request]:
        kind = failure_kind(failure)
        self._inc(f"errors/{kind}")
        self.site_unreachable = kind
        if self.crawler.stats is not None:
            self.crawler.stats.set_value(f"{STATS_PREFIX}/unreachable", kind)
        if kind == "forbidden_by_robots":
            logger.error("%s: robots.txt forbids the homepage %s", self.name, self.site.url)
        else:
            logger.error("%s: site unreachable (%s): %s", self.name, kind, self.site.url)
        return iter(())

    # -- requests --------------------------------------------------------------

    def _conditional(self, url: str) -> dict[str, str]:
        etag, modified = self.validators.get(url, (None, None))
        headers = {}
        if etag:
            headers["If-None-Match"] = etag
        if modified:
            headers["If-Modified-Since"] = modified
        return headers

    def _listing_request(self, url: str, kind: str, callback: Any, **meta: Any) -> Request:
        return Request(
            url,
            callback=callback,
            errback=self.on_error,
            headers=self._conditional(url),
            priority=20,
            meta={KIND_META: kind, "handle_httpstatus_list": [304], **meta},
        )

    def _remember_validators(self, response: Response) -> None:
        etag = response.headers.get("ETag")
        modified = response.headers.get("Last-Modified")
        if etag or modified:
            self.new_validators[response.url] = (
                etag.decode("latin-1") if etag else None,
                modified.decode("latin-1") if modified else None,
            )

    def _not_modified(self, response: Response) -> bool:
        if response.status == 304:
            self._inc("listing/not_modified")
            if response.meta.get("kabar_first"):
                self._entry_ok(response.url, str(response.meta.get(KIND_META)))
            return True
        self._remember_validators(response)
        return False

    @property
    def changed_since(self) -> datetime | None:
        """Listings are asked for what changed after this instant (None: everything).

        The last complete run's start, less an overlap: site clocks and time zones are
        often wrong, and re-listing a day or two costs one listing page, not fetches
        (known articles are skipped)."""
        last = self.discovery.last_success_at
        if last is None:
            return None
        return last - timedelta(seconds=self.settings.getint("KABAR_INCREMENTAL_OVERLAP_S", 0))

    @property
    def full(self) -> bool:
        """True until a run has listed the site completely: then every listing is read
        to its end (within the age window), known articles or not, so a crawl that was
        killed half-way is completed by the next run."""
        return self.discovery.last_success_at is None

    def _consider(self, candidate: Candidate) -> tuple[str, Request | None]:
        """What a listed article is — new, known (stored and unchanged), seen (already in
        this run), old, budget, offsite, other — and the request for it when it is new
        or modified."""
        url = canonical_url(candidate.url)
        if not same_site(url, self.site.netloc):
            return "offsite", None
        if candidate.strategy == "listing" and (
            classify_url(url, article_pattern=self.site.article_pattern) is not UrlKind.ARTICLE
        ):
            return "other", None
        when = candidate.published_at or candidate.modified_at
        if when is not None and when < self.cutoff:
            self._inc("skipped/too_old")
            return "old", None
        if url in self.scheduled:
            return "seen", None
        if url in self.dead and url not in self.known:  # a stored article never dies
            self._inc("skipped/dead")
            return "known", None
        stored = self.known.get(url)
        if stored is not None and not (
            candidate.modified_at is not None and candidate.modified_at > stored + VERSION_SLACK
        ):
            self._inc("skipped/known")
            return "known", None
        if len(self.scheduled) >= self.site.max_articles:
            self._inc("skipped/budget")
            self.incomplete = True
            return "budget", None
        self.scheduled.add(url)
        request = Request(
            url,
            callback=self.parse_article,
            errback=self.on_error,
            cb_kwargs={"hint": candidate},
            priority=10,
            meta={KIND_META: "article"},
        )
        return "new", request

    def _look_up(self, candidates: list[Candidate]) -> None:
        """Which of the listed URLs the archive holds: one batched look-up per listing."""
        urls = [canonical_url(c.url) for c in candidates]
        wanted = [u for u in dict.fromkeys(urls) if u not in self.looked_up]
        if not wanted:
            return
        self.looked_up.update(wanted)
        try:
            with session_scope(ArchiveProvider.of(self.crawler).sessions) as session:
                self.known.update(known_among(session, self.name, wanted))
        except SQLAlchemyError as exc:
            self._inc("errors/database")
            logger.error("%s: stored articles not looked up (%s)", self.name, type(exc).__name__)

    def _schedule(self, candidates: Iterable[Candidate]) -> tuple[list[Request], list[str]]:
        """Article requests for the candidates, and what each candidate was."""
        candidates = list(candidates)
        self._look_up(candidates)
        requests: list[Request] = []
        outcomes: list[str] = []
        for candidate in candidates:
            outcome, request = self._consider(candidate)
            outcomes.append(outcome)
            if request is not None:
                requests.append(request)
        return requests, outcomes

    # -- strategies --------------------------------------------------------------

    async def start(self) -> AsyncIterator[Request]:
        self._load_state()
        order = [s for s in STRATEGIES if s not in self.site.skip_strategies]
        remembered = self.discovery.strategy
        if remembered in order and self.discovery.last_success_at is not None:
            # Straight to what worked last time; the others stay as fallbacks.
            self.plan = [remembered] + [s for s in order if s != remembered]
        else:
            self.plan = order
        for request in self._next_strategy():
            yield request
        for url in self.revisits:
            # Scrapy's duplicate filter drops a listing's request for the same URL.
            self._inc("revisit/requested")
            yield Request(
                url,
                callback=self.parse_article,
                errback=self.on_error,
                priority=5,
                meta={KIND_META: "article", "kabar_revisit": True},
            )

    def _home_request(self) -> Request:
        return Request(
            self.site.url,
            callback=self.parse_homepage,
            errback=self.on_home_error,
            meta={KIND_META: "home"},
            dont_filter=True,
        )

    def _has_entry(self, name: str) -> bool:
        """Whether a strategy can start without what the homepage advertises."""
        if name == "wp_rest":
            return bool(self.discovery.api_root)
        if name == "feed":
            return bool(self.site.feeds or self.discovery.feeds)
        if name == "sitemap":
            return bool(self.site.sitemaps or self.discovery.sitemaps or self.robots_sitemaps)
        return False

    def _next_strategy(self) -> Iterator[Request]:
        """Start the first strategy of the plan that applies; fetch the homepage first
        when the next strategy needs what it advertises (API root, feeds, links)."""
        while self.plan:
            name = self.plan[0]
            if not self.home_fetched and not self._has_entry(name):
                yield self._home_request()  # parse_homepage comes back here
                return
            self.plan.pop(0)
            requests = getattr(self, f"_start_{name}")()
            if requests is not None:  # the strategy applies (even with nothing new)
                self.strategy = name
                self.entries_open = sum(1 for r in requests if r.meta.get("kabar_first"))
                self.entry_succeeded = False
                self._inc(f"strategy/tried/{name}")
                yield from requests
                return
        if self.strategy is None:
            logger.warning("%s: no discovery strategy found anything to list", self.name)

    def _backfill(self) -> Iterator[Request]:
        """Listing pages as well, once, when the strategy in use may miss articles
        (a feed holds only the latest items)."""
        if self.backfilled or "listing" in self.site.skip_strategies:
            return
        self.backfilled = True
        if not self.home_fetched:
            yield self._home_request()  # parse_homepage goes on with the listing
            return
        self._inc("strategy/backfill")
        yield from self._start_listing() or ()

    def _start_wp_rest(self) -> list[Request] | None:
        root = self.discovery.api_root
        if not root:
            return None
        since = self.changed_since
        url = posts_url(
            root,
            after=self.cutoff if since is None else None,
            modified_after=since,
        )
        return [
            self._listing_request(
                url, "api", self.parse_api, kabar_first=True, kabar_page=1, kabar_root=root
            )
        ]

    def _start_feed(self) -> list[Request] | None:
        feeds = list(dict.fromkeys([*self.site.feeds, *self.discovery.feeds]))
        return [
            self._listing_request(url, "feed", self.parse_feed, kabar_first=True) for url in feeds
        ] or None

    def _start_sitemap(self) -> list[Request] | None:
        sitemaps = self.site.sitemaps or self.discovery.sitemaps or self.robots_sitemaps
        if not sitemaps and self.home_fetched:
            sitemaps = [urljoin(self.site.url, path) for path in COMMON_SITEMAP_PATHS]
        return [
            self._listing_request(
                url, "sitemap", self.parse_sitemap, kabar_first=True, kabar_root=url
            )
            for url in dict.fromkeys(sitemaps)
        ] or None

    def _start_listing(self) -> list[Request] | None:
        if not self.home_fetched:
            return None
        requests, outcomes = self._schedule(
            Candidate(url=u) for u in self.home_links if self._is_article_link(u)
        )
        listings = [u for u in self.home_links if self._is_listing_link(u)]
        # A later run follows sections only when the homepage may not show everything
        # new: every article on it is new (when some are known, the rest is older) ...
        if not (self.full or ("new" in outcomes and "known" not in outcomes)):
            # ... but it pages on while a page shows anything new: a known post on it
            # (a sticky one, a "recent posts" widget) does not mean the rest is older.
            following = _following_page(self.site.url, listings) if "new" in outcomes else None
            listings = [following] if following else []
        for url in listings:
            request = self._section_request(url)
            if request is not None:
                requests.append(request)
        return requests

    # -- callbacks ---------------------------------------------------------------

    @parse_boundary("home")
    def parse_homepage(self, response: Response) -> Iterator[Request]:
        self.home_fetched = True
        if not isinstance(response, HtmlResponse):
            self._inc("errors/home_not_html")
            logger.error("%s: homepage is not HTML: %s", self.name, response.url)
            return
        selector = response.selector
        self.discovery.api_root = api_root(selector, response.url) or (
            urljoin(response.url, "/wp-json/") if b"/wp-content/" in response.body else None
        )
        advertised = [u for u in feed_links(selector, response.url) if "comments" not in u]
        guessed = [urljoin(response.url, path) for path in COMMON_FEED_PATHS]
        self.discovery.feeds = advertised or ([] if self.site.feeds else guessed)
        self.discovery.sitemaps = self.robots_sitemaps or self.discovery.sitemaps
        self.home_links = [
            canonical_url(u)
            for u in page_links(selector, response.url)
            if same_site(u, self.site.netloc)
        ]
        if self.backfilled and self.strategy is not None:
            self._inc("strategy/backfill")
            yield from self._start_listing() or ()
            return
        yield from self._next_strategy()

    def _is_article_link(self, url: str) -> bool:
        kind = classify_url(url, article_pattern=self.site.article_pattern)
        return kind is UrlKind.ARTICLE

    def _is_listing_link(self, url: str) -> bool:
        kind = classify_url(url, article_pattern=self.site.article_pattern)
        return kind is UrlKind.LISTING and url.rstrip("/") != self.site.url.rstrip("/")

    def _section_request(self, url: str) -> Request | None:
        if url in self.scheduled or self.listing_requests >= self.settings.getint(
            "KABAR_MAX_LISTING_PAGES", 30
        ):
            if url not in self.scheduled:
                self._inc("skipped/listing_budget")
            return None
        self.scheduled.add(url)
        self.listing_requests += 1
        return self._listing_request(url, "listing", self.parse_listing)

    @parse_boundary("listing")
    def parse_listing(self, response: Response) -> Iterator[Request]:
        if self._not_modified(response) or not isinstance(response, HtmlResponse):
            return
        links = [
            canonical_url(u)
            for u in page_links(response.selector, response.url)
            if same_site(u, self.site.netloc)
        ]
        articles = [u for u in links if self._is_article_link(u)]
        requests, outcomes = self._schedule(Candidate(url=u) for u in articles)
        yield from requests
        # The articles of this listing's earlier pages: a pager showing only those again
        # is endless, while articles seen through another listing (a section and the
        # homepage overlap) do not end a first, complete listing.
        chain = response.meta.get("kabar_chain", frozenset()) | frozenset(articles)
        fresh = not set(articles) <= response.meta.get("kabar_chain", frozenset())
        if "new" in outcomes or (self.full and fresh and {"known", "seen"} & set(outcomes)):
            # Page on while pages hold articles we do not have (or, until the site was
            # listed completely once, any article of the listing not on its earlier pages).
            following = next_page_link(response.selector, response.url) or _following_page(
                response.url, [u for u in links if self._is_listing_link(u)]
            )
            if following and same_site(following, self.site.netloc):
                request = self._section_request(canonical_url(following))
                if request is not None:
                    request.meta["kabar_chain"] = chain
                    yield request
        if self.discovery.last_success_at is None:
            for url in links:
                if self._is_listing_link(url) and "/page/" not in url:
                    request = self._section_request(url)
                    if request is not None:
                        yield request

    def _parsed(
        self, response: Response, role: str, parse: Callable[[Response], T], error: type[Exception]
    ) -> Generator[Request, None, T | None]:
        """A listing response parsed, or None: unchanged (304), or unreadable — then, when
        it was the strategy's entry point, the requests of the next strategy."""
        if self._not_modified(response):
            return None
        try:
            parsed = parse(response)
        except error as exc:
            if response.meta.get("kabar_first") and isinstance(response, HtmlResponse):
                # A web page where a feed or sitemap was probed: WordPress serves its
                # homepage for /feed/ on "Plain" permalink sites, "disable feeds"
                # plugins redirect there. The site has no such entry point.
                self._inc(f"discovery/absent/{role}")
            else:
                self._inc(f"errors/bad_{role}")
            logger.info("%s: %s is no usable %s: %s", self.name, response.url, role, exc)
            if response.meta.get("kabar_first"):
                yield from self._entry_failed(response.url, role)
            return None
        if response.meta.get("kabar_first"):
            self._entry_ok(response.url, role)
        self._inc(f"{role}/read")
        return parsed

    @parse_boundary("api")
    def parse_api(self, response: Response) -> Iterator[Request]:
        candidates = yield from self._parsed(
            response, "api", lambda r: parse_posts(r.body), ApiError
        )
        if candidates is None:
            return
        requests, outcomes = self._schedule(candidates)
        yield from requests
        page = int(response.meta.get("kabar_page", 1))
        total = int(response.headers.get("X-WP-TotalPages", b"1") or 1)
        # Posts come newest change first: stop at the first page with nothing new.
        # Newest change first: the first run reads to the age limit, later runs get
        # only what changed since the last complete run (modified_after).
        if page < total and candidates and "old" not in outcomes:
            root = response.meta["kabar_root"]
            since = self.changed_since
            url = posts_url(
                root,
                page=page + 1,
                after=self.cutoff if since is None else None,
                modified_after=since,
            )
            yield self._listing_request(
                url, "api", self.parse_api, kabar_page=page + 1, kabar_root=root
            )

    @parse_boundary("feed")
    def parse_feed(self, response: Response) -> Iterator[Request]:
        candidates = yield from self._parsed(
            response, "feed", lambda r: parse_feed(r.body, r.url), FeedError
        )
        if candidates is None:
            return
        if _WORDPRESS_GENERATOR in response.body[:4096]:
            # WordPress's feed validators are its newest post's modified time: a post
            # published back-dated behind it gets a 304. Such a feed is read whole
            # each run (one request either way; a 304 saves only bytes).
            self.new_validators.pop(response.url, None)
        requests, outcomes = self._schedule(candidates)
        yield from requests
        page = int(response.meta.get("kabar_page", 1))
        if page > 1 and all(outcome == "seen" for outcome in outcomes):
            # A feed that does not page (it repeats itself): listings fill the gap.
            yield from self._backfill()
        elif candidates and "old" not in outcomes and ("new" in outcomes or self.full):
            # Older items may be missing (a page held something new — a known item
            # beside it does not mean the rest is older: editors back-date posts — or
            # the site never listed completely): WordPress pages its feeds.
            if page < self.settings.getint("KABAR_MAX_FEED_PAGES", 20):
                base = response.meta.get("kabar_feed", response.url)
                sep = "&" if "?" in base else "?"
                yield self._listing_request(
                    f"{base}{sep}paged={page + 1}",
                    "feed",
                    self.parse_feed,
                    kabar_page=page + 1,
                    kabar_feed=base,
                )
            else:
                yield from self._backfill()

    @parse_boundary("sitemap")
    def parse_sitemap(self, response: Response) -> Iterator[Request]:
        sitemap = yield from self._parsed(
            response, "sitemap", lambda r: parse_sitemap(r.body, r.url), SitemapError
        )
        if sitemap is None:
            return
        since = self.changed_since or self.cutoff
        for url, lastmod in sitemap.children:
            if not may_hold_articles(url) or (lastmod is not None and lastmod < since):
                continue
            if same_site(url, self.site.netloc) and url not in self.scheduled:
                self.scheduled.add(url)
                yield self._listing_request(url, "sitemap", self.parse_sitemap)
        if sitemap.urls:
            requests, _ = self._schedule(sitemap.urls)
            yield from requests

    def _page_pool(self) -> PagePool | None:
        try:
            extension = self.crawler.get_extension(PagePoolExtension)
        except RuntimeError:  # not crawling (a spider built by a test)
            return None
        return extension.pool if extension is not None else None

    @parse_boundary("article")
    async def parse_article(
        self, response: Response, hint: Candidate | None = None
    ) -> AsyncIterator[Article]:
        if not isinstance(response, TextResponse) or not _looks_like_html(response):
            self._inc("skipped/not_html")
            self._mark_dead(response.request or Request(response.url), "not_html")
            logger.info("%s: skipped, not HTML: %s", self.name, response.url)
            return
        if _wordpress_page(response):
            self._inc("skipped/not_article")
            self._mark_dead(response.request or Request(response.url), "wordpress_page")
            return
        fetched_at = datetime.now(UTC)
        try:
            # The page object runs in the extraction workers (crawler.extraction): the
            # reactor goes on downloading meanwhile.
            pool = self._page_pool()
            if pool is None:
                page = read_article(
                    self.site, response.url, response.body, fetched_at, response.encoding
                )
            else:
                page = await pool.read(
                    self.site,
                    response.url,
                    response.body,
                    fetched_at=fetched_at,
                    encoding=response.encoding,
                )
            for bad in page.malformed_urls:
                report("bad_url", bad)
            if not page.is_article:
                self._inc("skipped/not_article")
                self._mark_dead(response.request or Request(response.url), "not_article")
                return
            fields = dict(page.fields)
            self._count_selector_misses(page, response.url)
        except ExtractionError as exc:
            self._inc("errors/extraction")
            self._mark_dead(response.request or Request(response.url), "extraction")
            logger.warning("%s: cannot extract %s: %s", self.name, response.url, exc)
            return
        fields.pop("url", None)
        article = Article(url=response.url, site=self.name, **fields)
        if hint is not None:
            guessed = {"published_at"} if page.published_guessed else set()
            _fill_from_hint(article, hint, chosen=page.selected_fields, guessed=guessed)
        self._inc("articles/extracted")
        yield article


_PAGE_NUMBER = re.compile(r"/page/(\d+)/?$|[?&](?:page|paged)=(\d+)")


def _page_number(url: str) -> int:
    match = _PAGE_NUMBER.search(url)
    return int(match.group(1) or match.group(2)) if match else 1


def _following_page(url: str, listing_links: Iterable[str]) -> str | None:
    """The next page of the listing at ``url`` among its links, when the pager says
    so only by number or by a class kabar does not know (block themes'
    ``wp-block-query-pagination-next``)."""
    section = _PAGE_NUMBER.sub("", url).rstrip("/?")
    wanted = _page_number(url) + 1
    for link in listing_links:
        if _page_number(link) == wanted and _PAGE_NUMBER.sub("", link).rstrip("/?") == section:
            return link
    return None


_WORDPRESS_GENERATOR = b"wordpress.org/?v="
_WORDPRESS_PAGE = re.compile(r"(?:^|\s)(?:page-id|attachmentid)-\d+(?:\s|$)")


def _wordpress_page(response: TextResponse) -> bool:
    """A WordPress page or attachment page, by the classes WordPress puts on ``<body>``
    (``page page-id-7``; a post has ``single-post postid-7``): an outlet's "Redaksi" or
    "Pedoman Media Siber" in a menu, long enough to pass for an article."""
    return bool(_WORDPRESS_PAGE.search(response.xpath("//body/@class").get() or ""))


def _past_last_feed_page(request: Request, kind: str) -> bool:
    """Whether a failed request was a feed page after the first, answered "not found"."""
    return (
        request.meta.get(KIND_META) == "feed"
        and int(request.meta.get("kabar_page", 1)) > 1
        and kind in ABSENT
    )


def _looks_like_html(response: TextResponse) -> bool:
    if isinstance(response, HtmlResponse):
        return True
    content_type = (response.headers.get("Content-Type") or b"").decode("latin-1").lower()
    return "html" in content_type


def _fill_from_hint(
    article: Article,
    hint: Candidate,
    *,
    chosen: Collection[str] = (),
    guessed: Collection[str] = (),
) -> None:
    """Listings (an API, a feed, a sitemap) carry exact instants, terms and credits that
    some pages lack; the page wins where it has a value, except against the WordPress
    REST API's instants and title, and where the page only ``guessed`` (htmldate's day).
    Fields the site's own selectors gave (``chosen``) are kept whatever the listing says."""
    rest = hint.strategy == "wp_rest"
    if (
        hint.published_at is not None
        and "published_at" not in chosen
        and (article.published_at is None or rest or "published_at" in guessed)
    ):
        # The REST API's date_gmt is the exact instant; a page may give only the day.
        article.published_at = hint.published_at
    if (
        hint.modified_at is not None
        and "modified_at" not in chosen
        and (article.modified_at is None or rest)
    ):
        article.modified_at = hint.modified_at
    if hint.title and "title" not in chosen and (not article.title or rest):
        # The post's own title, as the theme shows it; a page's og:title may be an SEO
        # title the editor wrote for sharing.
        article.title = hint.title
    for name in ("categories", "tags", "authors"):
        if not getattr(article, name) and getattr(hint, name):
            setattr(article, name, list(getattr(hint, name)))
    if not article.image_url and hint.image_url:
        article.image_url = hint.image_url
