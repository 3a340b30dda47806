"""Time helpers: kabar stores and compares aware instants only."""

from __future__ import annotations

from datetime import UTC, datetime, tzinfo


def aware(value: datetime, zone: tzinfo = UTC) -> datetime:
    """``value`` with ``zone`` attached when it has no offset (a page's local time without a
    zone is the site's; SQLite hands back UTC instants without their offset)."""
    if value.tzinfo is None or value.utcoffset() is None:
        return value.replace(tzinfo=zone)
    return value
