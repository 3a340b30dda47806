"""Run a crawl of several sites in one process and report per site.

The CLI's ``kabar crawl`` and ``kabar demo`` are thin over :func:`run_crawl`.
The Twisted reactor runs once per process, so this is called at most once.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from scrapy.crawler import CrawlerProcess
from scrapy.settings import Settings

from archive.db import session_scope
from archive.repository import close_archive, finish_run, open_archive, start_run
from crawler.sites import SiteConfig
from crawler.spiders.site import SiteSpider


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
    def from_stats(cls, name: str, stats: Mapping[str, Any], unreachable: str | None) -> SiteReport:
        def kabar(key: str) -> int:
            return int(stats.get(f"kabar/{key}", 0))

        def group(prefix: str) -> dict[str, int]:
            return {
                k.removeprefix(prefix): int(v)
                for k, v in sorted(stats.items())
                if k.startswith(prefix)
            }

        return cls(
            name=name,
            strategy=str(stats.get("kabar/strategy", "none")),
            requests=int(stats.get("downloader/request_count", 0)),
            new=kabar("articles/new"),
            updated=kabar("articles/updated"),
            unchanged=kabar("articles/unchanged"),
            dropped=int(stats.get("item_dropped_count", 0)),
            skipped=group("kabar/skipped/"),
            errors=group("kabar/errors/"),
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

    @property
    def failed(self) -> list[SiteReport]:
        return [s for s in self.sites if s.unreachable]


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
) -> CrawlReport:
    """Crawl ``sites`` concurrently into the archive at ``db_url``; blocks until done."""
    # The single preflight (pending migrations) before any crawler starts; the crawlers'
    # archive extensions then share this engine (one pool for every site).
    archive = open_archive(db_url)
    try:
        factory = archive.sessions
        with session_scope(factory) as session:
            run_id = start_run(session)
        settings = crawl_settings(db_url, {**(overrides or {}), "KABAR_RUN_ID": run_id})
        if quiet:
            # The per-site report says what went wrong; the log lines (Scrapy's
            # tracebacks of DNS failures included) are for those who ask for them.
            settings.set("LOG_LEVEL", "CRITICAL", priority="cmdline")
        process = CrawlerProcess(settings)
        crawlers = []
        for site in sites:
            crawler = process.create_crawler(SiteSpider.for_site(site))
            crawlers.append(crawler)
            process.crawl(crawler)
        process.start()
        reports = []
        for crawler in crawlers:
            spider = crawler.spider
            stats = crawler.stats.get_stats() if crawler.stats is not None else {}
            reports.append(
                SiteReport.from_stats(
                    spider.name if spider is not None else "?",
                    stats,
                    getattr(spider, "site_unreachable", None),
                )
            )
        with session_scope(factory) as session:
            finish_run(session, run_id)
    finally:
        close_archive(archive)
    return CrawlReport(run_id=run_id, sites=reports)
