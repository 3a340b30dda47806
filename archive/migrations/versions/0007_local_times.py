"""Local times in the views: every time in the site's zone with its offset, and
``published_date`` the site's local day (issue 16, "one time policy").

Revision ID: 0007_local_times
Revises: 0006_story_evidence
Create Date: 2026-12-05

SQLite has no zone database, so the offsets live in a table, ``zone_offsets`` (each
zone's UTC offset from an instant on), filled here for the zones the sites name and,
for a zone met later, when a crawl writes the site (``archive.repository.ensure_site``).
Both dialects read it, so the views and kabar's own output (which use Python's zone
database, where the rows come from) agree to the second. The tables keep UTC.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from alembic import op

from archive.models import UTCDateTime

revision = "0007_local_times"
down_revision = "0006_story_evidence"
branch_labels = None
depends_on = None

VIEWS = ("article_view", "article_term_view", "fetch_view")


def local_time(dialect: str, moment: str, zone: str, *, day: bool = False) -> str:
    """SQL for the UTC instant ``moment`` in the zone named by ``zone``: ISO 8601 text with
    the offset (``2026-12-05T14:03:00+07:00``) or, with ``day``, the local date. A zone
    without rows in ``zone_offsets`` (a site edited by hand) shows UTC, saying ``+00:00``."""
    if dialect == "postgresql":
        shifted = f"(({moment}) AT TIME ZONE 'UTC') + make_interval(secs => z.utc_offset_s)"
        fallback = f"(({moment}) AT TIME ZONE 'UTC')"
        text_of = "to_char({}, 'YYYY-MM-DD\"T\"HH24:MI:SS')"
        if day:
            value, default = f"({shifted})::date", f"({fallback})::date"
        else:
            value = text_of.format(shifted) + " || z.utc_offset"
            default = text_of.format(fallback) + " || '+00:00'"
    else:
        shift = "z.utc_offset_s || ' seconds'"
        if day:
            value, default = f"date({moment}, {shift})", f"date({moment})"
        else:
            value = f"strftime('%Y-%m-%dT%H:%M:%S', {moment}, {shift}) || z.utc_offset"
            default = f"strftime('%Y-%m-%dT%H:%M:%S', {moment}) || '+00:00'"
    offset = (
        f"(SELECT {value} FROM zone_offsets z WHERE z.timezone = {zone} "
        f"AND z.starts_at <= {moment} ORDER BY z.starts_at DESC LIMIT 1)"
    )
    return f"CASE WHEN {moment} IS NULL THEN NULL ELSE coalesce({offset}, {default}) END"


def _migration_0002() -> Any:
    """Migration 0002 as a module: its views are what a downgrade restores, and its
    helpers build the list columns here too (one definition of each)."""
    path = Path(__file__).with_name("0002_archive.py")
    spec = importlib.util.spec_from_file_location("kabar_migration_0002_archive", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _views(dialect: str) -> dict[str, str]:
    terms = _migration_0002()._terms_text
    if dialect == "postgresql":
        authors = "(SELECT string_agg(value, '; ') FROM json_array_elements_text(a.authors))"
    else:
        authors = "(SELECT group_concat(value, '; ') FROM json_each(a.authors))"

    def local(moment: str, zone: str = "s.timezone", *, day: bool = False) -> str:
        return local_time(dialect, moment, zone, day=day)

    return {
        "article_view": f"""
            SELECT a.id, s.name AS site, s.region AS site_region, a.title,
                   a.canonical_url, a.url, {local("a.published_at")} AS published_at,
                   {local("a.published_at", day=True)} AS published_date,
                   {local("a.modified_at")} AS modified_at, {authors} AS authors,
                   a.lead, a.body, a.location, a.language,
                   {terms(dialect, "tag")} AS tags,
                   {terms(dialect, "category")} AS categories,
                   {terms(dialect, "topic")} AS topics,
                   {terms(dialect, "region")} AS regions,
                   a.story_id, a.duplicate_of, a.image_url,
                   {local("a.fetched_at")} AS fetched_at,
                   {local("a.first_seen_at")} AS first_seen_at,
                   {local("a.updated_at")} AS updated_at
            FROM articles a JOIN sites s ON s.id = a.site_id
        """,
        "article_term_view": f"""
            SELECT at.article_id, s.name AS site, s.region AS site_region, t.kind,
                   t.name AS term, at.position, {local("a.published_at")} AS published_at,
                   {local("a.published_at", day=True)} AS published_date, a.title
            FROM article_terms at
            JOIN terms t ON t.id = at.term_id
            JOIN articles a ON a.id = at.article_id
            JOIN sites s ON s.id = a.site_id
        """,
        # A fetch's zone is its article's site's; a fetch of no known article shows UTC.
        "fetch_view": f"""
            SELECT v.id, v.url, v.status,
                   {local("v.fetched_at", "coalesce(s.timezone, 'UTC')")} AS fetched_at,
                   {local("v.fetched_at", "coalesce(s.timezone, 'UTC')", day=True)}
                       AS fetched_date,
                   v.blob_sha256, v.body_size, v.article_id
            FROM (
                SELECT f.id, f.url, f.status, f.fetched_at, f.blob_sha256, b.size AS body_size,
                       coalesce(f.article_id, (SELECT a.id FROM articles a
                           WHERE a.canonical_url = f.url OR a.url = f.url
                           ORDER BY a.id LIMIT 1)) AS article_id
                FROM fetches f LEFT JOIN fetch_blobs b ON b.sha256 = f.blob_sha256
            ) v
            LEFT JOIN articles a ON a.id = v.article_id
            LEFT JOIN sites s ON s.id = a.site_id
        """,
    }


def _replace_views(views: dict[str, str]) -> None:
    # Views read each other's tables only; dropped in reverse, made in order.
    for name in reversed(VIEWS):
        op.execute(f"DROP VIEW IF EXISTS {name}")
    for name in VIEWS:
        op.execute(f"CREATE VIEW {name} AS {views[name]}")


def upgrade() -> None:
    from archive.zones import ALWAYS, ensure_zone

    op.create_table(
        "zone_offsets",
        sa.Column("timezone", sa.String(length=64), nullable=False),
        sa.Column("starts_at", UTCDateTime(), nullable=False),
        sa.Column("utc_offset_s", sa.Integer(), nullable=False),
        sa.Column("utc_offset", sa.String(length=8), nullable=False),
        sa.PrimaryKeyConstraint("timezone", "starts_at", name=op.f("pk_zone_offsets")),
    )
    connection = op.get_bind()
    zones = {row[0] for row in connection.execute(sa.text("SELECT DISTINCT timezone FROM sites"))}
    for zone in sorted(zones | set(ALWAYS)):
        ensure_zone(connection, zone)
    _replace_views(_views(connection.dialect.name))


def downgrade() -> None:
    _replace_views(_migration_0002()._views(op.get_bind().dialect.name))
    op.drop_table("zone_offsets")
