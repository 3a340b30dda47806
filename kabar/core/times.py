"""Time helpers: kabar stores and compares aware instants only, and shows them in the
site's own zone with its offset (the one time policy, docs/schema.md).

Every human-facing time goes through :func:`site_zone` and :func:`human_time` (people)
or :func:`iso_time` (machines), and the archive's SQL views read the same offsets from
the ``zone_offsets`` table, filled from :func:`offset_changes`: one source of truth,
Python's zone database, for the command line, the exports and the views alike.
"""

from __future__ import annotations

import functools
from datetime import UTC, datetime, timedelta, tzinfo
from typing import Final
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

DEFAULT_ZONE: Final = "Asia/Jakarta"
"""A site's zone when its configuration names none (kabar's sites are mostly WIB)."""
OFFSETS_SINCE: Final = datetime(1900, 1, 1, tzinfo=UTC)
OFFSETS_UNTIL: Final = datetime(2100, 1, 1, tzinfo=UTC)
"""The span :func:`offset_changes` scans; before it the first offset holds, after it
the last (no zone has announced rules that far ahead)."""
FIRST_INSTANT: Final = datetime(1, 1, 2, tzinfo=UTC)
"""Where the first offset of a zone starts: before any time kabar may meet."""


def aware(value: datetime, zone: tzinfo = UTC) -> datetime:
    """``value`` with ``zone`` attached when it has no offset (a page's local time without a
    zone is the site's; SQLite hands back UTC instants without their offset)."""
    if value.tzinfo is None or value.utcoffset() is None:
        return value.replace(tzinfo=zone)
    return value


@functools.cache
def site_zone(name: str | None) -> ZoneInfo:
    """The zone a site's times are shown in; an unknown or empty name is UTC (its
    ``+00:00`` then says plainly which zone the time is in, rather than a wrong guess)."""
    try:
        return ZoneInfo(name) if name else ZoneInfo("UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def local_time(moment: datetime | None, zone: str | None) -> datetime | None:
    """``moment`` (aware, or naive UTC as SQLite returns it) in the zone named ``zone``."""
    if moment is None:
        return None
    return aware(moment).astimezone(site_zone(zone))


def offset_text(offset: timedelta) -> str:
    """``+07:00``, ``-03:30``: an offset as ISO 8601 writes it."""
    seconds = int(offset.total_seconds())
    sign = "-" if seconds < 0 else "+"
    hours, rest = divmod(abs(seconds), 3600)
    return f"{sign}{hours:02d}:{rest // 60:02d}"


def human_time(moment: datetime | None) -> str:
    """``2026-12-05 14:03 +07:00``: an aware time as a person reads it (minutes are
    enough to read; the offset says which clock)."""
    if moment is None:
        return ""
    offset = moment.utcoffset()
    if offset is None:
        raise ValueError(f"a time without offset cannot be shown: {moment!r}")
    return f"{moment:%Y-%m-%d %H:%M} {offset_text(offset)}"


def iso_time(moment: datetime | None) -> str | None:
    """``2026-12-05T14:03:00+07:00``: the machine form (JSON, CSV), to the second."""
    if moment is None:
        return None
    return moment.isoformat(timespec="seconds" if not moment.microsecond else "microseconds")


def _offset_s(zone: tzinfo, moment: datetime) -> int:
    offset = moment.astimezone(zone).utcoffset()
    return int(offset.total_seconds()) if offset is not None else 0


def offset_changes(name: str) -> list[tuple[datetime, int]]:
    """The zone's UTC offsets as ``(from this UTC instant, offset in seconds)``, oldest
    first: what the SQL views need to show a stored UTC time in the site's zone on
    SQLite, which has no zone database (``zone_offsets``).

    Scans day by day between :data:`OFFSETS_SINCE` and :data:`OFFSETS_UNTIL` and
    finds each change to the second; a change undone within one day is missed (none
    is known)."""
    zone = site_zone(name)
    day = timedelta(days=1)
    current = _offset_s(zone, OFFSETS_SINCE)
    changes = [(FIRST_INSTANT, current)]
    before = OFFSETS_SINCE
    while before < OFFSETS_UNTIL:
        after = before + day
        offset = _offset_s(zone, after)
        if offset != current:
            low, high = before, after  # offset(low) == current, offset(high) != current
            while high - low > timedelta(seconds=1):
                middle = low + (high - low) / 2
                middle = middle.replace(microsecond=0)
                if _offset_s(zone, middle) == current:
                    low = middle
                else:
                    high = middle
            changes.append((high, offset))
            current = offset
        before = after
    return changes
