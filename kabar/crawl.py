"""Run a crawl of several sites in one process and report per site.

The CLI's ``kabar crawl`` and ``kabar demo`` are thin over :func:`run_crawl`.
The Twisted reactor runs once per process, so this is called at most once.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from scrapy.crawler import Crawler, CrawlerProcess
from scrapy.settings import BaseSettings, Settings

from archive.db import ArchiveError, is_memory_url, session_scope
from archive.handle import close_archive, open_archive
from archive.repository import finish_run, start_run
from crawler import shutdown
from crawler.sites import SiteConfig
from crawler.spiders.site import SiteSpider, site_closed
from kabar.core.counts import by_site


@dataclass
class SiteReport:
    """One site's outcome, read from its crawler's stats."""

    name: str
    strategy: str = "none"
    requests: int = 0
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    dropped: int = 0
    skipped: dict[str, int] = field(default_factory=dict)
    errors: dict[str, int] = field(default_factory=dict)
    unreachable: str | None = None

    @classmethod
    def from_counts(
        cls, name: str, counts: Mapping[str, Any], unreachable: str | None
    ) -> SiteReport:
        """The site's report from its counts (``kabar.core.counts.by_site``)."""

        def group(prefix: str) -> dict[str, int]:
            return {
                k.removeprefix(prefix): int(v)
                for k, v in sorted(counts.items())
                if k.startswith(prefix)
            }

        return cls(
            name=name,
            strategy=str(counts.get("strategy", "none")),
            requests=int(counts.get("requests", 0)),
            new=int(counts.get("articles/new", 0)),
            updated=int(counts.get("articles/updated", 0)),
            unchanged=int(counts.get("articles/unchanged", 0)),
            dropped=int(counts.get("items/dropped", 0)),
            skipped=group("skipped/"),
            errors=group("errors/"),
            unreachable=unreachable,
        )

    def line(self) -> str:
        """One line for people: what the crawl did on this site."""
        if self.unreachable:
            return f"{self.name}: UNREACHABLE ({self.unreachable}), {self.requests} requests"
        errors = ", ".join(f"{k} {v}" for k, v in self.errors.items()) or "none"
        skipped = sum(self.skipped.values())
        return (
            f"{self.name}: strategy {self.strategy}, {self.requests} requests, {self.new} new, "
            f"{self.updated} updated, {self.unchanged} unchanged, {skipped} skipped, "
            f"{self.dropped} dropped, errors: {errors}"
        )


@dataclass
class CrawlReport:
    run_id: int
    sites: list[SiteReport]
    finish_reason: str = "finished"
    """Why the crawl ended, as Scrapy says once it has closed the spider ("finished",
    "shutdown" after SIGTERM or Ctrl-C, ...)."""

    @property
    def interrupted(self) -> bool:
        return self.finish_reason == "shutdown"

    @property
    def failed(self) -> list[SiteReport]:
        return [s for s in self.sites if s.unreachable]


class SettingError(ValueError):
    """A ``--set NAME=VALUE`` whose value the setting cannot take; one line."""


class CrawlProgress(Protocol):
    """Told about a crawl while it runs (``kabar crawl``'s live lines)."""

    def started(self, sites: int) -> None:
        """The crawl of ``sites`` sites starts (``kabar run`` crawls only the due ones)."""

    def site_done(self, report: SiteReport) -> None:
        """A site's crawl finished: its final report."""

    def tick(self, running: Sequence[SiteReport]) -> None:
        """About once a second: the sites still crawling, with their counts so far."""


PROGRESS_INTERVAL_S = 1.0
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def typed_overrides(overrides: Mapping[str, str]) -> dict[str, Any]:
    """``--set`` values converted to the type of the setting they change, before any
    crawl starts: ``DOWNLOAD_DELAY=abc`` is a :class:`SettingError`, not a traceback
    from deep inside a running crawl. Settings kabar and Scrapy do not define, or
    define as None or text, are passed on as given."""
    defaults = crawl_settings(None)
    return {name: _typed(name, raw, defaults.get(name)) for name, raw in overrides.items()}


def _typed(name: str, raw: str, default: Any) -> Any:
    def fail(expected: str) -> SettingError:
        return SettingError(f"--set {name}={raw}: {name} takes {expected}")

    if isinstance(default, bool):
        if raw.lower() in _TRUE:
            return True
        if raw.lower() in _FALSE:
            return False
        raise fail("true or false")
    if isinstance(default, int | float):
        try:
            number = float(raw)
        except ValueError:
            raise fail("a number") from None
        if not math.isfinite(number):
            raise fail("a finite number")
        if isinstance(default, int) and number.is_integer():
            return int(number)
        return number
    if isinstance(default, dict | BaseSettings):
        try:
            value = json.loads(raw)
        except ValueError:
            value = None
        if not isinstance(value, dict):
            raise fail('a JSON object, e.g. {"name": 1}')
        return value
    return raw


def refuse_memory_database(db_url: str | None) -> None:
    """A crawl into an in-memory database keeps nothing: say so instead of "2 new"."""
    if is_memory_url(db_url):
        raise ArchiveError(
            "an in-memory database keeps nothing after the crawl: give a file "
            "(--db sqlite:///kabar.db) or a server"
        )


def crawl_settings(db_url: str | None, overrides: Mapping[str, Any] | None = None) -> Settings:
    """kabar's Scrapy settings with the run's database and any overrides (priority cmdline)."""
    settings = Settings()
    settings.setmodule("crawler.settings", priority="project")
    if db_url:
        settings.set("KABAR_DB_URL", db_url, priority="cmdline")
    for key, value in (overrides or {}).items():
        settings.set(key, value, priority="cmdline")
    return settings


def run_crawl(
    sites: Sequence[SiteConfig],
    *,
    db_url: str | None = None,
    overrides: Mapping[str, Any] | None = None,
    quiet: bool = False,
    progress: CrawlProgress | None = None,
) -> CrawlReport:
    """Crawl ``sites`` concurrently into the archive at ``db_url``; blocks until done.

    The archive's schema is brought up to date first (the crawl's single preflight); the
    crawlers' archive extensions then share this engine (one pool for every site).
    ``progress`` hears of each site as it finishes, and of the running ones.
    """
    refuse_memory_database(db_url)
    archive = open_archive(db_url)
    try:
        factory = archive.write_sessions
        with session_scope(factory) as session:
            run_id = start_run(session)
        settings = crawl_settings(db_url, {**(overrides or {}), "KABAR_RUN_ID": run_id})
        if quiet:
            # The per-site report says what went wrong; the log lines (Scrapy's
            # tracebacks of DNS failures included) are for those who ask for them.
            settings.set("LOG_LEVEL", "CRITICAL", priority="cmdline")
        process = CrawlerProcess(settings)
        # One crawler for every site: each site is a unit of work inside it
        # (crawler.sitecrawl), with its own politeness slot, budget and state.
        crawler = process.create_crawler(SiteSpider)
        process.crawl(crawler, sites=list(sites))
        if progress is not None:
            progress.started(len(sites))
            _report_progress(crawler, sites, progress)
        _honour_sigterm(settings.getfloat("KABAR_SHUTDOWN_GRACE_S"))
        process.start()
        reports = site_reports(crawler, [site.name for site in sites])
        # Read after the crawl: Scrapy sets it when it closes the spider.
        reason = crawler.stats.get_value("finish_reason") if crawler.stats is not None else None
        with session_scope(factory) as session:
            finish_run(session, run_id)
    finally:
        close_archive(archive)
    return CrawlReport(run_id=run_id, sites=reports, finish_reason=str(reason or "finished"))


def _honour_sigterm(grace_s: float) -> None:
    """SIGTERM ends the crawl within ``grace_s`` seconds even if the reactor is blocked.

    Scrapy (in ``process.start()``) and Twisted install their handlers as the reactor
    starts; the watchdog's handler goes in front of them on the reactor's first turn,
    once every startup trigger has run. Before that, SIGTERM keeps its default action
    and ends the process at once.
    """
    from twisted.internet import reactor

    later: Callable[..., Any] = reactor.callLater  # type: ignore[attr-defined]
    when_running: Callable[..., Any] = reactor.callWhenRunning  # type: ignore[attr-defined]
    when_running(later, 0, shutdown.install, grace_s)


def site_reports(crawler: Crawler, names: Iterable[str]) -> list[SiteReport]:
    """The named sites' reports from the crawl's stats (so far, or final)."""
    counts = by_site(crawler.stats)
    crawls = getattr(crawler.spider, "crawls", {})
    reports = []
    for name in names:
        crawl = crawls.get(name)
        unreachable = crawl.unreachable if crawl is not None else None
        reports.append(SiteReport.from_counts(name, counts.get(name, {}), unreachable))
    return reports


def _report_progress(
    crawler: Crawler, sites: Sequence[SiteConfig], progress: CrawlProgress
) -> None:
    """Hook ``progress`` to the crawl: the spider's :data:`site_closed` signal (sent when
    a site's last article left the pipelines, so its counts are final) and a timer."""
    from twisted.internet import reactor, task

    finished: set[str] = set()

    def closed(site: Any, spider: Any) -> None:
        if site.name in finished:
            return
        finished.add(site.name)
        (report,) = site_reports(crawler, [site.name])
        progress.site_done(report)

    crawler.signals.connect(closed, signal=site_closed, weak=False)

    def tick() -> None:
        crawls = getattr(crawler.spider, "crawls", {})
        running = [
            name for name, crawl in crawls.items() if name not in finished and not crawl.starting
        ]
        progress.tick(site_reports(crawler, running))

    timer = task.LoopingCall(tick)
    reactor.callWhenRunning(timer.start, PROGRESS_INTERVAL_S, now=False)  # type: ignore[attr-defined]
