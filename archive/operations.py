"""Running kabar unattended: site locks, the adaptive schedule, per-site health.

Locks and the schedule live in the database so they hold across processes and
machines that share it; every function here is plain SQL through SQLAlchemy.
"""

from __future__ import annotations

import os
import socket
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from archive import models
from archive.models import utcnow

# -- locks -------------------------------------------------------------------------


def holder_process(holder: str) -> tuple[str, int] | None:
    """The host and process id a lease holder names (``host:pid:random``, as
    ``kabar run`` writes it), or None for any other form."""
    parts = holder.rsplit(":", 2)
    if len(parts) != 3 or not parts[1].isdigit():
        return None
    return parts[0], int(parts[1])


def holder_is_dead(holder: str) -> bool:
    """True only when the holder is a process of this host that no longer exists (it was
    killed): its lease may be taken at once. A holder on another host, or one whose
    pid is in use (perhaps reused), is left to its lease's expiry."""
    named = holder_process(holder)
    if named is None or named[0] != socket.gethostname():
        return False
    try:
        os.kill(named[1], 0)
    except ProcessLookupError:
        return True
    except (PermissionError, OverflowError):
        return False
    return False


def acquire_lock(session: Session, site_name: str, holder: str, ttl: timedelta) -> bool:
    """Take the site's lease for ``holder``; False when another live holder has it.

    An expired lease, or one held by a dead process of this host (a SIGKILLed ``kabar
    run``), is taken over. Atomic on SQLite and PostgreSQL: an INSERT, or a conditional
    UPDATE that only one writer can win.
    """
    now = utcnow()
    try:
        with session.begin_nested():
            session.add(
                models.SiteLock(
                    site_name=site_name, holder=holder, acquired_at=now, expires_at=now + ttl
                )
            )
        return True
    except IntegrityError:
        pass
    taken_over = (models.SiteLock.expires_at < now) | (models.SiteLock.holder == holder)
    current = session.scalar(
        select(models.SiteLock.holder).where(models.SiteLock.site_name == site_name)
    )
    if current is not None and current != holder and holder_is_dead(current):
        taken_over = taken_over | (models.SiteLock.holder == current)
    result = session.execute(
        update(models.SiteLock)
        .where(models.SiteLock.site_name == site_name, taken_over)
        .values(holder=holder, acquired_at=now, expires_at=now + ttl)
        .execution_options(synchronize_session=False)
    )
    return bool(getattr(result, "rowcount", 0) == 1)


def release_lock(session: Session, site_name: str, holder: str) -> None:
    session.execute(
        delete(models.SiteLock).where(
            models.SiteLock.site_name == site_name, models.SiteLock.holder == holder
        )
    )


def lock_holder(session: Session, site_name: str) -> str | None:
    """Who holds a live lease on the site, if anyone."""
    return session.scalar(
        select(models.SiteLock.holder).where(
            models.SiteLock.site_name == site_name, models.SiteLock.expires_at >= utcnow()
        )
    )


# -- schedule ------------------------------------------------------------------------


def due_sites(session: Session, names: Sequence[str], now: datetime | None = None) -> list[str]:
    """The sites among ``names`` whose next crawl time has come (or never crawled)."""
    now = now or utcnow()
    later = set(
        session.scalars(
            select(models.SiteSchedule.site_name).where(
                models.SiteSchedule.site_name.in_(names), models.SiteSchedule.next_crawl_at > now
            )
        )
    )
    return [name for name in names if name not in later]


def publishing_interval(article_count: int, window: timedelta, *, min_s: int, max_s: int) -> int:
    """Seconds until the next visit: half the mean gap between articles over the
    window, so a site posting hourly is seen about every 30 minutes, within bounds."""
    if article_count <= 0:
        return max_s
    mean_gap_s = window.total_seconds() / article_count
    return int(min(max_s, max(min_s, mean_gap_s / 2)))


def reschedule(
    session: Session,
    site_name: str,
    *,
    min_s: int,
    max_s: int,
    window: timedelta = timedelta(days=7),
    now: datetime | None = None,
) -> datetime:
    """Set the site's next crawl time from its articles first seen within ``window``."""
    now = now or utcnow()
    count = session.scalar(
        select(func.count())
        .select_from(models.Article)
        .join(models.Site)
        .where(models.Site.name == site_name, models.Article.first_seen_at >= now - window)
    )
    interval = publishing_interval(count or 0, window, min_s=min_s, max_s=max_s)
    row = session.get(models.SiteSchedule, site_name)
    if row is None:
        row = models.SiteSchedule(site_name=site_name)
        session.add(row)
    row.interval_s = interval
    row.next_crawl_at = now + timedelta(seconds=interval)
    row.updated_at = now
    session.flush()
    return row.next_crawl_at


# -- health ----------------------------------------------------------------------------

RECENT_RUNS = 10
STALL_RUNS = 2
"""Runs in a row that must yield nothing before a productive site is flagged."""
FAILING_RUNS = 3


@dataclass
class SiteHealth:
    """What ``kabar status`` shows for one site."""

    site: str
    last_run_at: str | None = None
    last_success_at: str | None = None
    next_crawl_at: str | None = None
    articles: int = 0
    articles_per_day: list[int] = field(default_factory=list)
    """New articles on each of the last 7 days, oldest first."""
    error_rate: float = 0.0
    """Errors per request over the last runs."""
    flags: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _yielded_nothing(run: models.CrawlRunSite) -> bool:
    """The site answered but gave no article, new or known: its pages no longer look
    like what kabar recognises (a layout change), not merely a quiet day."""
    stats = run.stats or {}
    return (
        not stats.get("kabar/unreachable")
        and run.requests > 0
        and int(stats.get("kabar/articles/extracted", 0)) == 0
        and int(stats.get("kabar/skipped/known", 0)) == 0
    )


def _failed(run: models.CrawlRunSite) -> bool:
    stats = run.stats or {}
    return bool(stats.get("kabar/unreachable")) or (
        run.requests > 0 and run.errors * 2 >= run.requests
    )


def site_health(session: Session, site_name: str, now: datetime | None = None) -> SiteHealth:
    now = now or utcnow()
    health = SiteHealth(site=site_name)
    site = session.scalar(select(models.Site).where(models.Site.name == site_name))
    schedule = session.get(models.SiteSchedule, site_name)
    if schedule is not None:
        health.next_crawl_at = schedule.next_crawl_at.isoformat()
    if site is None:
        health.flags.append("never_crawled")
        return health
    runs = session.scalars(
        select(models.CrawlRunSite)
        .where(models.CrawlRunSite.site_id == site.id)
        .order_by(models.CrawlRunSite.id.desc())
        .limit(RECENT_RUNS)
    ).all()
    health.articles = (
        session.scalar(
            select(func.count())
            .select_from(models.Article)
            .where(models.Article.site_id == site.id)
        )
        or 0
    )
    days = [(now - timedelta(days=d)).date() for d in range(6, -1, -1)]
    seen = session.scalars(
        select(models.Article.first_seen_at).where(
            models.Article.site_id == site.id,
            models.Article.first_seen_at >= now - timedelta(days=7),
        )
    ).all()
    per_day = {day: 0 for day in days}
    for moment in seen:
        day = moment.astimezone(UTC).date()
        if day in per_day:
            per_day[day] += 1
    health.articles_per_day = [per_day[day] for day in days]
    if runs:
        health.last_run_at = runs[0].started_at.isoformat()
        good = [r for r in runs if not _failed(r)]
        if good:
            health.last_success_at = good[0].started_at.isoformat()
        requests = sum(r.requests for r in runs)
        health.error_rate = round(sum(r.errors for r in runs) / requests, 3) if requests else 0.0
        if len(runs) >= FAILING_RUNS and all(_failed(r) for r in runs[:FAILING_RUNS]):
            health.flags.append("failing")
        if (
            health.articles > 0
            and len(runs) >= STALL_RUNS
            and all(_yielded_nothing(r) for r in runs[:STALL_RUNS])
        ):
            health.flags.append("yields_nothing")
    else:
        health.flags.append("never_crawled")
    return health
