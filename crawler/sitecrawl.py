"""One site's crawl inside the one crawler: its discovery, its incremental state, its end.

The spider (``crawler.spiders.site``) crawls many sites at once and only routes: each
response and failure goes, by the site named in its request (``meta[SITE_META]``), to
that site's :class:`SiteCrawl`. A site is a unit of work with its own politeness slot
(Scrapy's downloader keys slots by host), its own request budget
(``crawler.middlewares.sites``), its own :class:`~crawler.discovery.plan.DiscoveryPlan`
and its incremental state, loaded when the site starts and saved when it ends.

Discovery tries the strategies cheapest and most structured first (WordPress REST API,
feeds, sitemaps, listing pages), remembers in the archive which one worked, and on later
runs goes straight to it, fetching only articles that are new or that a listing says
were modified (a newer modified time, or another title).

Beyond WordPress (``tests/othercms``): a feed may be linked only from the body, page
by its own ``rel="next"`` or not at all (then it repeats itself and listing pages fill
the gap); a listing's links are articles by their shape or by the shapes of what the
site's feeds and sitemaps listed; a homepage may move to another origin, which is the
site's from then on.

A site ends when nothing of it is left in flight: every request it issued was answered
(its callback or errback ran) or dropped, and every article it yielded left the item
pipelines. Requests carry a ticket (``meta[TICKET_META]``) that their redirects and
retries keep; the spider hands tickets back.
"""

from __future__ import annotations

import html
import itertools
import logging
import os
import re
from collections.abc import Callable, Collection, Generator, Iterable, Iterator
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any, TypeVar
from urllib.parse import urljoin, urlsplit

from scrapy.http import HtmlResponse, Request, Response, TextResponse
from sqlalchemy.exc import SQLAlchemyError

from archive.db import session_scope
from archive.discovery import (
    Known,
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
from archive.repository import SiteInfo, ensure_site, record_run_site
from crawler.discovery import (
    COMMON_FEED_PATHS,
    Candidate,
    FeedError,
    UrlKind,
    classify_url,
    feed_links,
    page_links,
    same_site,
)
from crawler.discovery.feeds import Feed, linked_feeds, read_feed
from crawler.discovery.plan import HOME, DiscoveryPlan
from crawler.discovery.sitemaps import (
    COMMON_SITEMAP_PATHS,
    SitemapError,
    may_hold_articles,
    parse_sitemap,
)
from crawler.discovery.urls import excluded, next_page_link, pager_next_link, url_shape
from crawler.discovery.wordpress import ApiError, api_root, parse_posts, posts_url
from crawler.extraction import PagePool, PageResult, read_article
from crawler.failures import ABSENT, BUDGET, failure_kind
from crawler.faults import report
from crawler.pages import ExtractionError
from crawler.requests import ARTICLE_KIND, KIND_META, SITE_META, TICKET_META
from crawler.sites import STRATEGIES
from kabar.core.article import Article
from kabar.core.counts import inc, put, site_counts
from kabar.core.urls import canonical_url

if TYPE_CHECKING:
    from twisted.python.failure import Failure

    from crawler.sites import SiteConfig
    from crawler.spiders.site import SiteSpider

logger = logging.getLogger(__name__)
T = TypeVar("T")

VERSION_SLACK = timedelta(minutes=1)
"""A listing's modified time must pass the stored version by this much to refetch."""
_TICKETS = itertools.count(1)
_TOKEN = f"{os.getpid():x}"


def _ticket() -> str:
    """A ticket unique in the process (and, with the pid, among a distributed crawl's
    workers: another worker's article requests never settle this worker's tickets)."""
    return f"{_TOKEN}:{next(_TICKETS)}"


class ForeignFeed(FeedError):
    """A feed whose items are all on other hosts: no entry point of the site."""


class SiteCrawl:
    """One configured site's crawl within the spider's run."""

    def __init__(self, spider: SiteSpider, site: SiteConfig) -> None:
        self.spider = spider
        self.site = site
        self.name = site.name
        self.homes = {canonical_url(site.url).rstrip("/")}
        """The site's homepage, and where it redirects to (``/`` to ``/id/``)."""
        self.netlocs = {site.netloc}
        """The site's host[:port], and the others its homepage moved to (``www.``
        aside, which :func:`same_site` ignores anyway)."""
        self.article_shapes: set[tuple[str, ...]] = set()
        """Shapes (:func:`~crawler.discovery.urls.url_shape`) of the articles the site's
        feeds and sitemaps listed: a listing's link of such a shape is an article."""
        self.started_at = datetime.now(UTC)
        self.cutoff = self.started_at - timedelta(days=site.max_age_days)
        self.discovery = SiteState()
        self.plan = DiscoveryPlan(remaining=[])
        self.known: dict[str, Known] = {}
        """Stored articles among the URLs listed so far (looked up in batches, per listing)."""
        self.looked_up: set[str] = set()
        self.dead: set[str] = set()
        self.revisits: list[str] = []
        self.new_dead: dict[str, str] = {}
        self.validators: dict[str, tuple[str | None, str | None]] = {}
        self.new_validators: dict[str, tuple[str | None, str | None]] = {}
        self.incomplete = False
        self.home_links: list[str] = []
        self.robots_sitemaps: list[str] = []
        self.scheduled: set[str] = set()
        self.listing_requests = 0
        self.title_refetches = 0
        self.unreachable: str | None = None
        self.selector_misses_logged: set[str] = set()
        # The end of the site's crawl (see the module's docstring).
        self.tickets: set[str] = set()
        self.items_pending = 0
        self.starting = True
        self.closed = False
        self.budget_spent = False
        self.discovering = True
        """False on a worker of a distributed crawl that leaves the site's discovery to
        the worker holding its lease: it fetches articles only, and saves no state."""

    # -- the spider's run ----------------------------------------------------------

    @property
    def settings(self) -> Any:
        return self.spider.settings

    def inc(self, key: str, count: int = 1) -> None:
        inc(self.spider.crawler.stats, key, count, site=self.name)

    @property
    def idle(self) -> bool:
        """Nothing of the site is in flight: its crawl is over."""
        return not (self.starting or self.tickets or self.items_pending)

    def start(self, *, discover: bool = True) -> list[Request]:
        """The site's first requests: discovery's (unless another worker of a distributed
        crawl discovers this site) and the revisits due. Loads the incremental state."""
        self._load_state()
        self._remembered_hosts()
        self.plan = DiscoveryPlan.for_site(
            STRATEGIES,
            skip=self.site.skip_strategies,
            remembered=self.discovery.strategy,
            listed_before=self.discovery.last_success_at is not None,
        )
        self.discovering = discover
        requests = list(self._next_strategy()) if discover else []
        if not discover:
            self.inc("discovery/elsewhere")
        for url in self.revisits if discover else ():
            # Scrapy's duplicate filter drops a listing's request for the same URL.
            self.inc("revisit/requested")
            requests.append(
                self.request(
                    url,
                    self.spider.parse_article,
                    kind=ARTICLE_KIND,
                    priority=5,
                    cb_kwargs={"revisit": True},
                )
            )
        return requests

    def close(self, reason: str) -> None:
        """Remember what worked and the validators seen, for the next run, and record the
        site's run (its counts, why it ended) in one batch of the process's writer."""
        if self.closed:
            return
        self.closed = True
        stats = self.spider.crawler.stats
        put(stats, "strategy", self.plan.strategy or "none", site=self.name)
        state = self.discovery
        state.strategy = self.plan.strategy or state.strategy
        if self.plan.strategy and not self.incomplete and reason == "finished":
            state.last_success_at = self.started_at
        # An unreachable site taught nothing: what was known stays as it was.
        learnt = self.discovering and not self.unreachable
        try:
            with ArchiveProvider.of(self.spider.crawler).writer.write() as session:
                site_id = ensure_site(session, SiteInfo.of(self.site))
                if learnt:
                    save_site_state(session, site_id, state)
                    for url, (etag, modified) in self.new_validators.items():
                        save_validator(session, url, etag, modified)
                save_dead_urls(session, self.name, self.new_dead)
                self._record_run(session, site_id, reason)
        except SQLAlchemyError as exc:
            self.inc("errors/database")
            logger.error("%s: discovery state not saved (%s)", self.name, exc.__class__.__name__)

    def _record_run(self, session: Any, site_id: int, reason: str) -> None:
        """The site's row of the run (``kabar status`` reads it): its own counts, stored
        under the ``kabar/...`` names a one-site crawl's stats have."""
        stats = self.spider.crawler.stats
        counts = site_counts(stats, self.name)
        record_run_site(
            session,
            self.spider.run_id(session),
            site_id,
            started_at=self.started_at,
            finished_at=datetime.now(UTC),
            finish_reason=reason,
            requests=int(counts.get("requests", 0)),
            new_articles=int(counts.get("articles/new", 0)),
            updated_articles=int(counts.get("articles/updated", 0)),
            unchanged_articles=int(counts.get("articles/unchanged", 0)),
            dropped_items=int(counts.get("items/dropped", 0)),
            errors=sum(int(v) for k, v in counts.items() if k.startswith("errors/")),
            stats={f"kabar/{k}": v for k, v in counts.items() if isinstance(v, int | float | str)},
        )

    def _load_state(self) -> None:
        try:
            with session_scope(ArchiveProvider.of(self.spider.crawler).sessions) as session:
                self.discovery = load_site_state(session, self.name)
                recheck = timedelta(days=self.settings.getfloat("KABAR_DEAD_URL_RECHECK_DAYS", 3))
                self.dead = load_dead_urls(session, self.name, since=self.started_at - recheck)
                self.validators = load_validators(session, prefix=self.site.url)
                self.revisits = self._due_revisits(session)
        except SQLAlchemyError as exc:
            self.inc("errors/database")
            logger.error("%s: no incremental state (%s)", self.name, exc.__class__.__name__)

    def _remembered_hosts(self) -> None:
        """The origins of the entry points a complete run of this site remembered are the
        site's: its homepage moved there (``http://`` to ``https://``, another port, a
        new domain after a rebrand), and the next run reads them before the homepage.
        (A feed on a proxy's host is never remembered: it fails as an entry point.)"""
        state = self.discovery
        for url in [state.api_root or "", *state.feeds, *state.sitemaps]:
            parts = urlsplit(url)
            if parts.scheme in ("http", "https") and parts.hostname:
                self.netlocs.add(parts.netloc.lower())

    def on_site(self, url: str) -> bool:
        """Whether ``url`` is on this site (at its configured origin or where it moved)."""
        return any(same_site(url, netloc) for netloc in self.netlocs)

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

    # -- requests --------------------------------------------------------------------

    def request(
        self,
        url: str,
        callback: Callable[..., Any],
        *,
        kind: str,
        priority: int = 0,
        cb_kwargs: dict[str, Any] | None = None,
        errback: Callable[..., Any] | None = None,
        headers: dict[str, str] | None = None,
        meta: dict[str, Any] | None = None,
        dont_filter: bool = False,
    ) -> Request:
        """A request of this site: routed back here by the spider (``site`` in
        ``cb_kwargs``), counted and budgeted per site, with its ticket."""
        ticket = _ticket()
        # Taken now, not when Scrapy schedules the request: a callback's output is
        # scheduled after the callback has returned its own ticket.
        self.tickets.add(ticket)
        return Request(
            url,
            callback=callback,
            errback=errback or self.spider.on_error,
            headers=headers,
            priority=priority,
            cb_kwargs={"site": self.name, **(cb_kwargs or {})},
            meta={KIND_META: kind, SITE_META: self.name, TICKET_META: ticket, **(meta or {})},
            dont_filter=dont_filter,
        )

    def _conditional(self, url: str) -> dict[str, str]:
        etag, modified = self.validators.get(url, (None, None))
        headers = {}
        if etag:
            headers["If-None-Match"] = etag
        if modified:
            headers["If-Modified-Since"] = modified
        return headers

    def _listing_request(
        self, url: str, kind: str, callback: Callable[..., Any], **cb_kwargs: Any
    ) -> Request:
        return self.request(
            url,
            callback,
            kind=kind,
            priority=20,
            headers=self._conditional(url),
            cb_kwargs=cb_kwargs,
            meta={"handle_httpstatus_list": [304]},
        )

    def _remember_validators(self, response: Response) -> None:
        etag = response.headers.get("ETag")
        modified = response.headers.get("Last-Modified")
        if etag or modified:
            self.new_validators[response.url] = (
                etag.decode("latin-1") if etag else None,
                modified.decode("latin-1") if modified else None,
            )

    def _not_modified(self, response: Response, *, first: bool) -> bool:
        if response.status == 304:
            self.inc("listing/not_modified")
            if first:
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

    # -- what a listed article is ------------------------------------------------------

    def _consider(self, candidate: Candidate) -> tuple[str, Request | None]:
        """What a listed article is — new, known (stored and unchanged), seen (already in
        this run), old, budget, offsite, other — and the request for it when it is new
        or modified (a newer modified time, or another title than the stored one)."""
        url = canonical_url(candidate.url)
        if not self.on_site(url):
            return "offsite", None
        if candidate.strategy == "listing" and not self._is_article_link(url):
            return "other", None
        if url.rstrip("/") in self.homes:
            # Sitemaps often list the homepage: discovery reads it, it is no article.
            return "other", None
        if candidate.strategy in ("feed", "sitemap"):
            if excluded(url):
                # A sitemap of every page of the site (Drupal's lists terms and users),
                # a feed with the site's pages: a tag, author or static page is none.
                return "other", None
            shape = url_shape(url)
            if shape is not None and self.site.article_pattern is None:
                self.article_shapes.add(shape)
        when = candidate.published_at or candidate.modified_at
        if when is not None and when < self.cutoff:
            self.inc("skipped/too_old")
            return "old", None
        if url in self.scheduled:
            return "seen", None
        if url in self.dead and url not in self.known:  # a stored article never dies
            self.inc("skipped/dead")
            return "known", None
        stored = self.known.get(url)
        if stored is not None and not self._changed(stored, candidate):
            self.inc("skipped/known")
            return "known", None
        if len(self.scheduled) >= self.site.max_articles:
            self.inc("skipped/budget")
            self.incomplete = True
            return "budget", None
        self.scheduled.add(url)
        request = self.request(
            url,
            self.spider.parse_article,
            kind=ARTICLE_KIND,
            priority=10,
            cb_kwargs={"hint": candidate},
        )
        return "new", request

    def _changed(self, stored: Known, candidate: Candidate) -> bool:
        """Whether a listing shows a stored article changed: a modified time past the
        stored version, or (feeds, sitemaps and listings of WordPress carry no modified
        time) a title that is not the stored one, within a per-run cap."""
        if candidate.modified_at is not None and candidate.modified_at > (
            stored.version + VERSION_SLACK
        ):
            return True
        if not candidate.title or not stored.title or _same_title(candidate.title, stored.title):
            return False
        if self.title_refetches >= self.settings.getint("KABAR_TITLE_REFETCH_MAX_PER_RUN", 20):
            return False
        self.title_refetches += 1
        self.inc("refetch/title_changed")
        return True

    def _look_up(self, candidates: Iterable[Candidate]) -> None:
        """Which of the listed URLs the archive holds: one batched look-up per listing."""
        urls = [canonical_url(c.url) for c in candidates]
        wanted = [u for u in dict.fromkeys(urls) if u not in self.looked_up]
        if not wanted:
            return
        self.looked_up.update(wanted)
        try:
            with session_scope(ArchiveProvider.of(self.spider.crawler).sessions) as session:
                self.known.update(known_among(session, self.name, wanted))
        except SQLAlchemyError as exc:
            self.inc("errors/database")
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

    # -- failures ----------------------------------------------------------------------

    def on_error(self, failure: Failure) -> Iterator[Request]:
        request = failure.request  # type: ignore[attr-defined]
        kwargs = request.cb_kwargs
        role = request.meta.get(KIND_META)
        kind = failure_kind(failure)
        if kind == "forbidden_by_robots":
            self.inc("skipped/robots_txt")  # politeness working, not a fault
        elif kind == BUDGET:
            self.inc("skipped/request_budget")
            self.incomplete = self.budget_spent = True
            return
        elif kwargs.get("first") and kind in ABSENT:
            # A probed entry point (a guessed /feed/, /sitemap.xml, /wp-json/) that
            # the site does not have: discovery at work, not a fault of the site.
            self.inc(f"discovery/absent/{role}")
        elif kwargs.get("revisit") and kind in ABSENT:
            # A stored article the site took down (WordPress's trash): the archive
            # keeps what was published.
            self.inc("revisit/gone")
            return
        elif role == "feed" and int(kwargs.get("page", 1)) > 1 and kind in ABSENT:
            # WordPress answers 404 past its feed's last page: the feed was read to
            # its end, nothing is missing.
            self.inc("feed/end")
            return
        else:
            self.inc(f"errors/{kind}")
            logger.warning("%s: %s failed: %s", self.name, request.url, kind)
        if role == ARTICLE_KIND:
            self.mark_dead(request, kind)
        if kwargs.get("first"):
            yield from self._entry_failed(request.url, str(role))
        elif role == "feed" and int(kwargs.get("page", 1)) > 1:
            yield from self._backfill()
        elif role in ("feed", "api", "sitemap", "listing"):
            self.incomplete = True

    def on_home_error(self, failure: Failure) -> None:
        kind = failure_kind(failure)
        if kind == BUDGET:
            self.inc("skipped/request_budget")
            self.budget_spent = True
            return
        self.inc(f"errors/{kind}")
        self.unreachable = kind
        put(self.spider.crawler.stats, "unreachable", kind, site=self.name)
        if kind == "forbidden_by_robots":
            logger.error("%s: robots.txt forbids the homepage %s", self.name, self.site.url)
        else:
            logger.error("%s: site unreachable (%s): %s", self.name, kind, self.site.url)

    def mark_dead(self, request: Request, reason: str) -> None:
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
                self.inc("errors/regressed_extraction")
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
        if role == ARTICLE_KIND:
            self.mark_dead(request, "extraction")
        elif request.cb_kwargs.get("first"):
            yield from self._entry_failed(response.url, str(role))
        elif role in ("feed", "api", "sitemap", "listing"):
            self.incomplete = True

    def robots_parsed(self, robotparser: Any) -> None:
        rp = getattr(robotparser, "rp", None)  # Protego, Scrapy's default parser
        self.robots_sitemaps = [str(u) for u in getattr(rp, "sitemaps", []) or []]
        if not robotparser.allowed(self.site.url, self.settings.get("USER_AGENT")):
            logger.error("%s: robots.txt forbids crawling %s", self.name, self.site.url)

    # -- strategies --------------------------------------------------------------------

    def _entry_ok(self, url: str, role: str) -> None:
        if not self.plan.entry_ok(url):
            return
        if role == "sitemap" and url not in self.discovery.sitemaps:
            self.discovery.sitemaps.append(url)
        elif role == "feed" and url not in self.discovery.feeds:
            self.discovery.feeds.append(url)

    def _entry_failed(self, url: str, role: str) -> Iterator[Request]:
        """An entry point of the current strategy failed: forget it (the next run skips
        it), and when no other entry of the strategy worked, try the next strategy."""
        if role == "api":
            self.discovery.api_root = None
        elif role == "feed":
            self.discovery.feeds = [u for u in self.discovery.feeds if u != url]
        elif role == "sitemap":
            self.discovery.sitemaps = [u for u in self.discovery.sitemaps if u != url]
        if self.plan.entry_failed(url):
            yield from self._next_strategy()

    def _home_request(self) -> Request:
        return self.request(
            self.site.url,
            self.spider.parse_homepage,
            kind="home",
            errback=self.spider.on_home_error,
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
        while (step := self.plan.next_step(self._has_entry)) is not None:
            if step == HOME:
                yield self._home_request()  # parse_homepage comes back here
                return
            requests = getattr(self, f"_start_{step}")()
            if requests is not None:  # the strategy applies (even with nothing new)
                self.plan.started(step, sum(1 for r in requests if r.cb_kwargs.get("first")))
                self.inc(f"strategy/tried/{step}")
                yield from requests
                return
        if self.plan.strategy is None:
            logger.warning("%s: no discovery strategy found anything to list", self.name)

    def _backfill(self) -> Iterator[Request]:
        """Listing pages as well, once, when the strategy in use may miss articles
        (a feed holds only the latest items)."""
        if not self.plan.backfill(listing_allowed="listing" not in self.site.skip_strategies):
            return
        if not self.plan.home_fetched:
            yield self._home_request()  # parse_homepage goes on with the listing
            return
        self.inc("strategy/backfill")
        yield from self._start_listing() or ()

    def _start_wp_rest(self) -> list[Request] | None:
        root = self.discovery.api_root
        if not root:
            return None
        since = self.changed_since
        url = posts_url(root, after=self.cutoff if since is None else None, modified_after=since)
        return [self._listing_request(url, "api", self.spider.parse_api, first=True, root=root)]

    def _start_feed(self) -> list[Request] | None:
        feeds = list(dict.fromkeys([*self.site.feeds, *self.discovery.feeds]))
        return [
            self._listing_request(url, "feed", self.spider.parse_feed, first=True) for url in feeds
        ] or None

    def _start_sitemap(self) -> list[Request] | None:
        sitemaps = self.site.sitemaps or self.discovery.sitemaps or self.robots_sitemaps
        if not sitemaps and self.plan.home_fetched:
            sitemaps = [urljoin(self.site.url, path) for path in COMMON_SITEMAP_PATHS]
        return [
            self._listing_request(url, "sitemap", self.spider.parse_sitemap, first=True)
            for url in dict.fromkeys(sitemaps)
        ] or None

    def _start_listing(self) -> list[Request] | None:
        if not self.plan.home_fetched:
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

    # -- responses ---------------------------------------------------------------------

    def parse_homepage(self, response: Response) -> Iterator[Request]:
        self.plan.home_fetched = True
        if not isinstance(response, HtmlResponse):
            self.inc("errors/home_not_html")
            logger.error("%s: homepage is not HTML: %s", self.name, response.url)
            return
        selector = response.selector
        self.discovery.api_root = api_root(selector, response.url) or (
            urljoin(response.url, "/wp-json/") if b"/wp-content/" in response.body else None
        )
        self.netlocs.add(urlsplit(response.url).netloc.lower())  # where the home moved
        home = canonical_url(response.url)
        moved = urlsplit(home)
        self.homes |= {home.rstrip("/"), f"{moved.scheme}://{moved.netloc}"}
        links = [u for u in page_links(selector, response.url) if self.on_site(u)]
        advertised = [u for u in feed_links(selector, response.url) if "comments" not in u]
        # No feed in the head: an RSS icon's link in the body, else WordPress's /feed/.
        linked = linked_feeds(links)
        guessed = [urljoin(response.url, path) for path in COMMON_FEED_PATHS]
        self.discovery.feeds = advertised or linked or ([] if self.site.feeds else guessed)
        self.discovery.sitemaps = self.robots_sitemaps or self.discovery.sitemaps
        self.home_links = [canonical_url(u) for u in links]
        if self.plan.backfilled and self.plan.strategy is not None:
            self.inc("strategy/backfill")
            yield from self._start_listing() or ()
            return
        yield from self._next_strategy()

    def _is_article_link(self, url: str) -> bool:
        """An article by its URL's shape, or by the shape of the articles the site's
        feeds and sitemaps listed (a short ``/slug/``, ``/posts/slug/``)."""
        kind = classify_url(url, article_pattern=self.site.article_pattern)
        if kind is UrlKind.ARTICLE:
            return True
        return (
            kind is UrlKind.OTHER
            and bool(self.article_shapes)
            and url_shape(url) in self.article_shapes
            and not excluded(url)
        )

    def _is_listing_link(self, url: str) -> bool:
        kind = classify_url(url, article_pattern=self.site.article_pattern)
        return kind is UrlKind.LISTING and url.rstrip("/") not in self.homes

    def _section_request(self, url: str, chain: frozenset[str] = frozenset()) -> Request | None:
        if url in self.scheduled or self.listing_requests >= self.settings.getint(
            "KABAR_MAX_LISTING_PAGES", 30
        ):
            if url not in self.scheduled:
                self.inc("skipped/listing_budget")
            return None
        self.scheduled.add(url)
        self.listing_requests += 1
        cb_kwargs = {"chain": chain} if chain else {}
        return self._listing_request(url, "listing", self.spider.parse_listing, **cb_kwargs)

    def parse_listing(
        self, response: Response, chain: frozenset[str] = frozenset()
    ) -> Iterator[Request]:
        if self._not_modified(response, first=False) or not isinstance(response, HtmlResponse):
            return
        links = [
            canonical_url(u) for u in page_links(response.selector, response.url) if self.on_site(u)
        ]
        articles = [u for u in links if self._is_article_link(u)]
        requests, outcomes = self._schedule(Candidate(url=u) for u in articles)
        yield from requests
        # The articles of this listing's earlier pages: a pager showing only those again
        # is endless, while articles seen through another listing (a section and the
        # homepage overlap) do not end a first, complete listing.
        fresh = not set(articles) <= chain
        if "new" in outcomes or (self.full and fresh and {"known", "seen"} & set(outcomes)):
            # Page on while pages hold articles we do not have (or, until the site was
            # listed completely once, any article of the listing not on its earlier pages).
            following = next_page_link(response.selector, response.url) or _following_page(
                response.url, [u for u in links if self._is_listing_link(u)]
            )
            if following is None:
                # A pager marked only by its words or an unknown class: never an article.
                guessed = pager_next_link(response.selector, response.url)
                if guessed is not None and not self._is_article_link(canonical_url(guessed)):
                    following = guessed
            if following and self.on_site(following):
                request = self._section_request(
                    canonical_url(following), chain | frozenset(articles)
                )
                if request is not None:
                    yield request
        if self.discovery.last_success_at is None:
            for url in links:
                if self._is_listing_link(url) and "/page/" not in url:
                    request = self._section_request(url)
                    if request is not None:
                        yield request

    def _parsed(
        self,
        response: Response,
        role: str,
        parse: Callable[[Response], T],
        error: type[Exception],
        *,
        first: bool,
    ) -> Generator[Request, None, T | None]:
        """A listing response parsed, or None: unchanged (304), or unreadable — then, when
        it was the strategy's entry point, the requests of the next strategy."""
        if self._not_modified(response, first=first):
            return None
        try:
            parsed = parse(response)
        except error as exc:
            if first and (isinstance(response, HtmlResponse) or isinstance(exc, ForeignFeed)):
                # A web page where a feed or sitemap was probed: WordPress serves its
                # homepage for /feed/ on "Plain" permalink sites, "disable feeds"
                # plugins redirect there. The site has no such entry point.
                self.inc(f"discovery/absent/{role}")
            else:
                self.inc(f"errors/bad_{role}")
            logger.info("%s: %s is no usable %s: %s", self.name, response.url, role, exc)
            if first:
                yield from self._entry_failed(response.url, role)
            return None
        if first:
            self._entry_ok(response.url, role)
        self.inc(f"{role}/read")
        return parsed

    def parse_api(
        self, response: Response, root: str, page: int = 1, first: bool = False
    ) -> Iterator[Request]:
        candidates = yield from self._parsed(
            response, "api", lambda r: parse_posts(r.body), ApiError, first=first
        )
        if candidates is None:
            return
        requests, outcomes = self._schedule(candidates)
        yield from requests
        total = int(response.headers.get("X-WP-TotalPages", b"1") or 1)
        # Newest change first: the first run reads to the age limit, later runs get
        # only what changed since the last complete run (modified_after).
        if page < total and candidates and "old" not in outcomes:
            since = self.changed_since
            url = posts_url(
                root,
                page=page + 1,
                after=self.cutoff if since is None else None,
                modified_after=since,
            )
            yield self._listing_request(url, "api", self.spider.parse_api, page=page + 1, root=root)

    def parse_feed(
        self, response: Response, page: int = 1, feed_url: str | None = None, first: bool = False
    ) -> Iterator[Request]:
        feed = yield from self._parsed(response, "feed", self._own_feed, FeedError, first=first)
        if feed is None:
            return
        candidates = feed.candidates
        if _WORDPRESS_GENERATOR in response.body[:4096]:
            # WordPress's feed validators are its newest post's modified time: a post
            # published back-dated behind it gets a 304. Such a feed is read whole
            # each run (one request either way; a 304 saves only bytes).
            self.new_validators.pop(response.url, None)
        # A feed that does not page repeats itself (it ignores ?paged=): every item was
        # listed already in this run, known or not.
        repeated = page > 1 and all(canonical_url(c.url) in self.looked_up for c in candidates)
        requests, outcomes = self._schedule(candidates)
        yield from requests
        if repeated:
            # Listings fill the gap.
            yield from self._backfill()
        elif candidates and "old" not in outcomes and ("new" in outcomes or self.full):
            # Older items may be missing (a page held something new — a known item
            # beside it does not mean the rest is older: editors back-date posts — or
            # the site never listed completely): WordPress pages its feeds.
            base = feed_url or response.url
            if page >= self.settings.getint("KABAR_MAX_FEED_PAGES", 20):
                yield from self._backfill()
            elif feed.next_url is not None and self.on_site(feed.next_url):
                # The feed says where its next page is (RFC 5005: Blogger's start-index).
                yield self._listing_request(
                    feed.next_url, "feed", self.spider.parse_feed, page=page + 1, feed=base
                )
            elif not feed.paged:
                sep = "&" if "?" in base else "?"
                yield self._listing_request(
                    f"{base}{sep}paged={page + 1}",
                    "feed",
                    self.spider.parse_feed,
                    page=page + 1,
                    feed=base,
                )

    def _own_feed(self, response: Response) -> Feed:
        """The feed of the response, if it lists this site's pages: a feed advertised
        on another host whose every item links elsewhere (a proxy's addresses, another
        site's news) is no entry point of this site (:class:`FeedError`)."""
        feed = read_feed(response.body, response.url)
        if feed.candidates and not any(self.on_site(c.url) for c in feed.candidates):
            raise ForeignFeed("no item of the feed is on the site")
        return feed

    def parse_sitemap(self, response: Response, first: bool = False) -> Iterator[Request]:
        sitemap = yield from self._parsed(
            response, "sitemap", lambda r: parse_sitemap(r.body, r.url), SitemapError, first=first
        )
        if sitemap is None:
            return
        since = self.changed_since or self.cutoff
        for url, lastmod in sitemap.children:
            if not may_hold_articles(url) or (lastmod is not None and lastmod < since):
                continue
            if self.on_site(url) and url not in self.scheduled:
                self.scheduled.add(url)
                yield self._listing_request(url, "sitemap", self.spider.parse_sitemap)
        if sitemap.urls:
            requests, _ = self._schedule(sitemap.urls)
            yield from requests

    # -- articles ----------------------------------------------------------------------

    def _count_selector_misses(self, page: PageResult, url: str) -> None:
        """A site selector that finds nothing (the site changed its layout): an error per
        field in the site's report line, and a log line once per run with a page to look at."""
        for field in dict.fromkeys(page.selector_misses):
            self.inc(f"errors/selector_miss/{field}")
            if field not in self.selector_misses_logged:
                self.selector_misses_logged.add(field)
                logger.warning(
                    "%s: the %s selector found nothing on %s; extracted generically",
                    self.name,
                    field,
                    url,
                )

    async def parse_article(
        self, response: Response, pool: PagePool | None, hint: Candidate | None = None
    ) -> Article | None:
        """The article a page gives, or None (counted and remembered why)."""
        request = response.request or Request(response.url)
        if not isinstance(response, TextResponse) or not _looks_like_html(response):
            self.inc("skipped/not_html")
            self.mark_dead(request, "not_html")
            logger.info("%s: skipped, not HTML: %s", self.name, response.url)
            return None
        if _wordpress_page(response):
            self.inc("skipped/not_article")
            self.mark_dead(request, "wordpress_page")
            return None
        fetched_at = datetime.now(UTC)
        try:
            # The page object runs in the extraction workers (crawler.extraction): the
            # reactor goes on downloading meanwhile.
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
                self.inc("skipped/not_article")
                self.mark_dead(request, "not_article")
                return None
            fields = dict(page.fields)
            self._count_selector_misses(page, response.url)
        except ExtractionError as exc:
            self.inc("errors/extraction")
            self.mark_dead(request, "extraction")
            logger.warning("%s: cannot extract %s: %s", self.name, response.url, exc)
            return None
        fields.pop("url", None)
        article = Article(url=response.url, site=self.name, **fields)
        if hint is not None:
            guessed = {"published_at"} if page.published_guessed else set()
            _fill_from_hint(article, hint, chosen=page.selected_fields, guessed=guessed)
        self.inc("articles/extracted")
        return article


_PAGE_NUMBER = re.compile(
    r"/page/(\d+)/?$|[?&](?:page|paged|start|limitstart|offset)=(\d+)|/(\d{1,3})/?$"
)
"""A listing page's number or offset: WordPress's ``/page/2/``, ``?page=1`` (Drupal
counts from 0), Joomla's ``&start=10``, a portal's ``/kategori/daerah/2``."""


def _page_number(url: str) -> int:
    """The page's number or offset; 0 for a listing's first page (no number)."""
    match = _PAGE_NUMBER.search(url)
    return int(next(g for g in match.groups() if g is not None)) if match else 0


def _following_page(url: str, listing_links: Iterable[str]) -> str | None:
    """The next page of the listing at ``url`` among its links, when the pager says
    so only by number or by a class kabar does not know (block themes'
    ``wp-block-query-pagination-next``): the same listing's link with the least
    number above this page's (numbers count pages from 0 or 1, or items: ``start=10``)."""
    section = _PAGE_NUMBER.sub("", url).rstrip("/?")
    current = _page_number(url)
    following = [
        (number, link)
        for link in listing_links
        if (number := _page_number(link)) > current
        and _PAGE_NUMBER.sub("", link).rstrip("/?") == section
    ]
    return min(following)[1] if following else None


_WORDPRESS_GENERATOR = b"wordpress.org/?v="
_WORDPRESS_PAGE = re.compile(r"(?:^|\s)(?:page-id|attachmentid)-\d+(?:\s|$)")
_TITLE_NOISE = re.compile(r"<[^>]*>|[\W_]+")


def _same_title(listed: str, stored: str) -> bool:
    """Whether a listing's title is the stored one, as feeds and themes vary it:
    entities, tags, case, punctuation, and a site name added before or after."""
    a = " ".join(_TITLE_NOISE.sub(" ", html.unescape(listed)).casefold().split())
    b = " ".join(_TITLE_NOISE.sub(" ", html.unescape(stored)).casefold().split())
    return a == b or (bool(a) and bool(b) and (a in b or b in a))


_BODY_CLASS = re.compile(rb"<body\b[^>]*?\bclass\s*=\s*[\"']([^\"']*)", re.IGNORECASE)


def _wordpress_page(response: TextResponse) -> bool:
    """A WordPress page or attachment page, by the classes WordPress puts on ``<body>``
    (``page page-id-7``; a post has ``single-post postid-7``): an outlet's "Redaksi" or
    "Pedoman Media Siber" in a menu, long enough to pass for an article. Read with a
    pattern, not a parse: the page is parsed in the extraction workers, not here on the
    reactor thread."""
    match = _BODY_CLASS.search(response.body)
    classes = match.group(1).decode("latin-1") if match else ""
    return bool(_WORDPRESS_PAGE.search(classes))


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
