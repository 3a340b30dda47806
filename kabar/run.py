"""``kabar run``: the one command a scheduler calls (cron, a systemd timer).

Crawl the sites that are due, each under a lease in the database so overlapping runs
(here or on another machine) skip busy sites; reschedule each by its publishing
rate; rebuild the feeds when anything changed.
"""

from __future__ import annotations

import os
import socket
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

from archive.db import session_scope
from archive.handle import close_archive, open_archive
from archive.operations import acquire_lock, due_sites, lock_holder, release_lock, reschedule
from crawler.sites import SiteConfig
from kabar.crawl import (
    CrawlProgress,
    CrawlReport,
    SiteReport,
    crawl_settings,
    refuse_memory_database,
    run_crawl,
)


@dataclass
class RunReport:
    crawled: list[SiteReport] = field(default_factory=list)
    busy: dict[str, str] = field(default_factory=dict)
    """Site -> holder of its lease, for the sites another run is crawling."""
    not_due: list[str] = field(default_factory=list)
    feeds_written: int | None = None

    @property
    def failed(self) -> list[SiteReport]:
        return [s for s in self.crawled if s.unreachable]

    def lines(self) -> list[str]:
        out = [site.line() for site in self.crawled]
        out += [f"{name}: busy, crawled by {holder}" for name, holder in self.busy.items()]
        out += [f"{name}: not due" for name in self.not_due]
        if self.feeds_written is not None:
            out.append(f"feeds: {self.feeds_written} files written")
        return out


def holder_name() -> str:
    """Who holds a lease: host, process and a random part (pids are reused)."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def run_due(
    sites: Sequence[SiteConfig],
    *,
    db_url: str | None,
    feeds_out: Path | None,
    base_url: str,
    force: bool = False,
    overrides: Mapping[str, Any] | None = None,
    quiet: bool = True,
    progress: CrawlProgress | None = None,
) -> RunReport:
    refuse_memory_database(db_url)
    settings = crawl_settings(db_url, overrides)
    ttl = timedelta(seconds=settings.getint("KABAR_LOCK_TTL_S", 7200))
    min_s = settings.getint("KABAR_MIN_INTERVAL_S", 900)
    max_s = settings.getint("KABAR_MAX_INTERVAL_S", 86400)
    # The process's one archive: run_crawl below shares this engine (open_archive counts
    # its users), so the schedule, the leases and the crawl use one pool.
    archive = open_archive(db_url)
    factory = archive.write_sessions
    holder = holder_name()
    report = RunReport()
    names = [s.name for s in sites]
    with session_scope(factory) as session:
        due = set(names if force else due_sites(session, names))
    report.not_due = [n for n in names if n not in due]
    locked: list[SiteConfig] = []
    for site in sites:
        if site.name not in due:
            continue
        with session_scope(factory) as session:
            if acquire_lock(session, site.name, holder, ttl):
                locked.append(site)
            else:
                report.busy[site.name] = lock_holder(session, site.name) or "another run"
    try:
        crawl: CrawlReport | None = None
        if locked:
            crawl = run_crawl(
                locked, db_url=db_url, overrides=overrides, quiet=quiet, progress=progress
            )
            report.crawled = crawl.sites
        with session_scope(factory) as session:
            for site in locked:
                reschedule(session, site.name, min_s=min_s, max_s=max_s)
    finally:
        with session_scope(factory) as session:
            for site in locked:
                release_lock(session, site.name, holder)
        close_archive(archive)
    changed = any(s.new or s.updated for s in report.crawled)
    if feeds_out is not None and (changed or not (feeds_out / "index.html").exists()):
        from kabar.jobs import build_feeds

        published = build_feeds(db_url, feeds_out, base_url=base_url)
        report.feeds_written = len(published.written)
    return report
