"""What ``kabar status`` reports per site, in terms a person can trust.

Built on :func:`archive.operations.site_health` (articles, the 7-day counts, the
``yields_nothing`` and ``never_crawled`` flags) with the run-based figures issue 16
asked for: the error rate is failed runs over runs, a site is ``failing`` when its
last run failed hard (unreachable, as ``kabar crawl`` exits 3 for), times are shown
in the site's zone with their offset and relative to now, and sites the archive
holds but the sites file does not are listed too.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from kabar.core.times import site_zone

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

RECENT_RUNS = 10
SPARK = "▁▂▃▄▅▆▇█"
DEFAULT_ZONE = "Asia/Jakarta"


@dataclass
class SiteStatus:
    site: str
    configured: bool
    """In the sites file (False: only in the archive)."""
    timezone: str
    last_run_at: datetime | None = None
    last_success_at: datetime | None = None
    next_crawl_at: datetime | None = None
    runs: int = 0
    """Runs counted (the last :data:`RECENT_RUNS`)."""
    failed_runs: int = 0
    articles: int = 0
    articles_per_day: list[int] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)

    @property
    def error_rate(self) -> float:
        """Failed runs over runs (0 before the first run)."""
        return self.failed_runs / self.runs if self.runs else 0.0

    @property
    def failing(self) -> bool:
        return "failing" in self.flags

    def local(self, moment: datetime | None) -> datetime | None:
        return moment.astimezone(site_zone(self.timezone)) if moment is not None else None

    def as_dict(self) -> dict[str, Any]:
        record = asdict(self)
        for name in ("last_run_at", "last_success_at", "next_crawl_at"):
            moment = self.local(getattr(self, name))
            record[name] = moment.isoformat() if moment else None
        record["error_rate"] = round(self.error_rate, 3)
        return record


def site_statuses(
    session: Session, configured: dict[str, str], now: datetime | None = None
) -> list[SiteStatus]:
    """Every configured site (``{name: timezone}``, in order), then every site only
    the archive knows (alphabetically)."""
    from sqlalchemy import select

    from archive import models
    from archive.operations import _failed as run_failed  # the one rule of a failed run
    from archive.operations import site_health

    now = now or datetime.now(UTC)
    archived = {s.name: s for s in session.scalars(select(models.Site).order_by(models.Site.name))}
    names = list(configured) + [n for n in archived if n not in configured]
    statuses = []
    for name in names:
        health = site_health(session, name, now)
        row = archived.get(name)
        status = SiteStatus(
            site=name,
            configured=name in configured,
            timezone=configured.get(name) or (row.timezone if row else DEFAULT_ZONE),
            articles=health.articles,
            articles_per_day=health.articles_per_day,
            next_crawl_at=_parse(health.next_crawl_at),
            flags=[f for f in health.flags if f != "failing"],
        )
        if row is not None:
            runs = session.scalars(
                select(models.CrawlRunSite)
                .where(models.CrawlRunSite.site_id == row.id)
                .order_by(models.CrawlRunSite.id.desc())
                .limit(RECENT_RUNS)
            ).all()
            status.runs = len(runs)
            status.failed_runs = sum(1 for run in runs if run_failed(run))
            if runs:
                status.last_run_at = runs[0].started_at
                good = [run for run in runs if not run_failed(run)]
                status.last_success_at = good[0].started_at if good else None
                if (runs[0].stats or {}).get("kabar/unreachable"):
                    status.flags.insert(0, "failing")
        if not status.configured:
            status.flags.append("not_in_sites_file")
        statuses.append(status)
    return statuses


def _parse(text: str | None) -> datetime | None:
    if not text:
        return None
    moment = datetime.fromisoformat(text)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def relative(moment: datetime, now: datetime) -> str:
    """ "3 h ago", "in 25 min", "just now": how far ``moment`` is from ``now``."""
    seconds = (moment - now).total_seconds()
    span = abs(seconds)
    if span < 60:
        return "just now" if seconds <= 0 else "in < 1 min"
    for unit, size in (("d", 86400), ("h", 3600), ("min", 60)):
        if span >= size:
            amount = f"{int(span // size)} {unit}"
            break
    return f"{amount} ago" if seconds < 0 else f"in {amount}"


def when(status: SiteStatus, moment: datetime | None, now: datetime) -> str:
    """A time for the table: in the site's zone with its offset, then relative."""
    local = status.local(moment)
    if local is None or moment is None:
        return "-"
    return f"{local:%Y-%m-%d %H:%M %z} ({relative(moment, now)})"


def sparkline(counts: list[int]) -> str:
    top = max(counts, default=0)
    if not top:
        return SPARK[0] * len(counts)
    return "".join(SPARK[round(n / top * (len(SPARK) - 1))] for n in counts)


def table_rows(statuses: list[SiteStatus], now: datetime) -> tuple[list[str], list[list[Any]]]:
    columns = [
        "site",
        "last run",
        "last success",
        "next due",
        "articles",
        "7 days",
        "failed runs",
        "flags",
    ]
    rows: list[list[Any]] = []
    for s in statuses:
        due = "-"
        if s.next_crawl_at is not None:
            due = "due now" if s.next_crawl_at <= now else when(s, s.next_crawl_at, now)
        rows.append(
            [
                s.site,
                when(s, s.last_run_at, now),
                when(s, s.last_success_at, now),
                due,
                s.articles,
                f"{sparkline(s.articles_per_day)} {sum(s.articles_per_day)}",
                f"{s.failed_runs}/{s.runs} ({s.error_rate:.0%})" if s.runs else "-",
                " ".join(s.flags) or "ok",
            ]
        )
    return columns, rows
