"""The ``zone_offsets`` table: each site zone's UTC offsets, so the SQL views show
stored UTC times in the site's zone on SQLite as on PostgreSQL.

Filled for a zone the first time a site names it (:func:`ensure_zone`, called when a
site is written) and by the migration that made the table; the offsets come from
:func:`kabar.core.times.offset_changes`, the zone database the rest of kabar uses.
"""

from __future__ import annotations

from sqlalchemy import func, insert, select
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError

from archive.models import ZoneOffset
from kabar.core.times import DEFAULT_ZONE, offset_changes, offset_text, site_zone

ALWAYS: tuple[str, ...] = ("UTC", DEFAULT_ZONE)
"""Zones filled by the migration whatever the sites say: UTC is what a view falls back
to for a fetch of no known site."""


def zone_rows(name: str) -> list[dict[str, object]]:
    """``zone_offsets`` rows for the zone ``name`` (an unknown name gets UTC's offsets,
    as :func:`kabar.core.times.site_zone` shows its times)."""
    from datetime import timedelta

    canonical = str(site_zone(name))
    return [
        {
            "timezone": name,
            "starts_at": starts_at,
            "utc_offset_s": offset_s,
            "utc_offset": offset_text(timedelta(seconds=offset_s)),
        }
        for starts_at, offset_s in offset_changes(canonical)
    ]


def ensure_zone(connection: Connection, name: str) -> bool:
    """Store the offsets of zone ``name`` unless they are there; True when written.

    Runs inside the caller's transaction; a concurrent writer of the same zone wins
    and this one keeps its rows (a savepoint rolls back only this insert)."""
    table = ZoneOffset.__table__
    present = connection.scalar(
        select(func.count()).select_from(table).where(table.c.timezone == name)
    )
    if present:
        return False
    try:
        with connection.begin_nested():
            connection.execute(insert(ZoneOffset), zone_rows(name))
    except IntegrityError:
        return False
    return True
