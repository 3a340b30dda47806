"""Everything the archive knows about one article (``kabar show``).

The article comes from ``article_view``; its fetch history from ``archive.evidence``.
Revisions and copies of the same story come from the ``revisions`` table and the
``articles.story_id``/``duplicate_of`` columns when the schema has them, and are
simply empty on a schema without them. Every time is in the article's site's zone
(docs/schema.md, "Times").

An article is found by id, by the exact URL, or by the archive's identity of its URL
(:func:`kabar.core.urls.url_key` of :func:`kabar.core.urls.canonical_url`): http or
https, ``www.``, tracking parameters, a fragment, percent-encoding and a trailing slash
do not matter, as they do not to the crawl.
"""

from __future__ import annotations

import dataclasses
import difflib
import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import inspect, or_, select, text
from sqlalchemy.orm import Session

from archive import models
from archive.evidence import FetchRecord, fetches_for_article
from kabar.core.times import local_time
from kabar.core.urls import canonical_url, http_url, url_key

LONG_FIELDS = frozenset({"body", "body_html"})
"""Revision columns left out of ``kabar show`` (they are in the table)."""
TIME_FIELDS = frozenset({"published_at", "modified_at", "fetched_at", "first_seen_at"})
"""``article_view`` columns that hold times (``updated_at`` too, by its suffix)."""
CLOSE_MATCHES = 5


@dataclass
class ArticleDetails:
    id: int
    fields: dict[str, Any]
    """``article_view``'s columns for the article, times as aware datetimes in its zone."""
    timezone: str = "UTC"
    """The site's zone, which every time here is in."""
    fetches: list[FetchRecord] = field(default_factory=list)
    revisions: list[dict[str, Any]] = field(default_factory=list)
    """Oldest first: ``recorded_at`` (when the change was seen), ``changed_fields``, the
    previous ``title``/``modified_at``/``fetched_at``, and ``changes``: per changed
    field, what changed (see :func:`describe_change`)."""
    copies: list[dict[str, Any]] = field(default_factory=list)
    """Other articles of the same story (syndicated or re-published copies)."""


def _url_keys(key: str) -> list[str]:
    """The archive identities ``key`` may name: its own, and with or without the
    trailing slash (``/a`` and ``/a/`` are one page on every news site kabar knows)."""
    url = http_url(key if "://" in key else f"https://{key}")
    if url is None:
        return []
    identity = url_key(canonical_url(url))
    path, _, query = identity.partition("?")
    other = path[:-1] if path.endswith("/") else path + "/"
    if "/" not in other:  # a bare host: its only form is with the slash
        return [identity]
    return [identity, other + (f"?{query}" if query else "")]


def find_article_id(session: Session, key: str) -> int | None:
    """The id of the article ``key`` names: an id, its URL or its canonical URL exactly,
    else any URL with the same archive identity (see the module's docstring)."""
    key = key.strip()
    if key.isdigit():
        return session.scalar(select(models.Article.id).where(models.Article.id == int(key)))
    found = session.scalar(
        select(models.Article.id)
        .where(or_(models.Article.canonical_url == key, models.Article.url == key))
        .order_by(models.Article.id)
        .limit(1)
    )
    if found is not None:
        return found
    keys = _url_keys(key)
    if not keys:
        return None
    return session.scalar(
        select(models.Article.id)
        .where(models.Article.url_key.in_(keys))
        .order_by(models.Article.id)
        .limit(1)
    )


def _like_prefix(prefix: str) -> str:
    return prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def close_matches(session: Session, key: str, limit: int = CLOSE_MATCHES) -> list[str]:
    """Up to ``limit`` stored canonical URLs near ``key``, on the same host: those that
    share the longest path prefix with it first (what a person mistyping a URL most
    likely meant), then those under ever shorter prefixes."""
    keys = _url_keys(key.strip())
    if not keys:
        return []
    host, _, path = keys[0].partition("?")[0].partition("/")
    segments = [s for s in path.split("/") if s]
    found: dict[str, None] = {}
    for depth in range(len(segments), -1, -1):
        prefix = "/".join([host, *segments[:depth]])
        found.update(
            dict.fromkeys(
                session.scalars(
                    select(models.Article.canonical_url)
                    .where(models.Article.url_key.like(_like_prefix(prefix), escape="\\"))
                    .order_by(models.Article.url_key)
                    .limit(limit)
                )
            )
        )
        if len(found) >= limit:
            break
    return list(found)[:limit]


def _columns(session: Session, table: str) -> set[str]:
    inspector = inspect(session.connection())
    if not inspector.has_table(table):
        return set()
    return {column["name"] for column in inspector.get_columns(table)}


def _is_time(name: str) -> bool:
    return name in TIME_FIELDS or name.endswith("_at")


def _local(value: Any, zone: str) -> Any:
    """A time from the archive (a datetime, the views' ISO text, SQLite's bare UTC text)
    as an aware datetime in ``zone``; other values as they are."""
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            return value
    return local_time(value, zone) if isinstance(value, datetime) else value


def _paragraphs(body: str | None) -> list[str]:
    return [line.strip() for line in (body or "").splitlines() if line.strip()]


def describe_change(name: str, old: Any, new: Any) -> dict[str, Any]:
    """What changed in field ``name``: for ``body`` the paragraphs and characters added
    and removed, for other fields the value before and after."""
    if name == "body":
        before, after = _paragraphs(old), _paragraphs(new)
        added = removed = added_chars = removed_chars = 0
        matcher = difflib.SequenceMatcher(a=before, b=after, autojunk=False)
        for tag, i1, i2, j1, j2 in matcher.get_opcodes():
            if tag in ("replace", "delete"):
                removed += i2 - i1
                removed_chars += sum(len(p) for p in before[i1:i2])
            if tag in ("replace", "insert"):
                added += j2 - j1
                added_chars += sum(len(p) for p in after[j1:j2])
        return {
            "paragraphs_added": added,
            "paragraphs_removed": removed,
            "chars_added": added_chars,
            "chars_removed": removed_chars,
        }
    return {"from": old, "to": new}


def _revisions(
    session: Session, article_id: int, current: dict[str, Any], zone: str
) -> list[dict[str, Any]]:
    """The article's revisions, oldest first, each with what its change was: revision
    ``i`` holds the state before change ``i``; the state after is revision ``i + 1``'s,
    or the article's own for the last."""
    columns = _columns(session, "revisions")
    if not {"article_id", "id"} <= columns:
        return []
    kept = sorted(columns - {"article_id"})
    rows = [
        dict(r._mapping)
        for r in session.execute(
            text(f"SELECT {', '.join(kept)} FROM revisions WHERE article_id = :id ORDER BY id"),
            {"id": article_id},
        )
    ]
    states = [*rows, current]
    revisions = []
    for index, row in enumerate(rows):
        after = states[index + 1]
        changed = row.get("changed_fields") or []
        if isinstance(changed, str):  # JSON text from a hand-written row
            changed = json.loads(changed)
        changes = {
            name: describe_change(name, _local(row.get(name), zone), _local(after.get(name), zone))
            for name in changed
        }
        shown = {
            name: _local(value, zone) for name, value in row.items() if name not in LONG_FIELDS
        }
        shown["changed_fields"] = list(changed)
        shown["changes"] = changes
        revisions.append(shown)
    return revisions


def article_details(session: Session, key: str) -> ArticleDetails | None:
    """The article named by ``key`` (see :func:`find_article_id`), or None."""
    article_id = find_article_id(session, key)
    if article_id is None:
        return None
    row = session.execute(
        text("SELECT * FROM article_view WHERE id = :id"), {"id": article_id}
    ).one()
    zone = session.scalar(
        select(models.Site.timezone)
        .join(models.Article, models.Article.site_id == models.Site.id)
        .where(models.Article.id == article_id)
    )
    zone = zone or "UTC"
    fields = {
        name: _local(value, zone) if _is_time(name) else value
        for name, value in row._mapping.items()
    }
    details = ArticleDetails(id=article_id, fields=fields, timezone=zone)
    details.fetches = [
        dataclasses.replace(f, fetched_at=local_time(f.fetched_at, zone) or f.fetched_at)
        for f in fetches_for_article(session, article_id)
    ]
    details.revisions = _revisions(session, article_id, fields, zone)

    if {"story_id", "duplicate_of"} <= _columns(session, "articles"):
        details.copies = [
            {
                "id": r.id,
                "site": r.site,
                "canonical_url": r.canonical_url,
                "published_at": _local(r.published_at, r.timezone),
                "duplicate_of": r.duplicate_of,
            }
            for r in session.execute(
                text(
                    "SELECT a.id, s.name AS site, s.timezone, a.canonical_url, a.published_at, "
                    "a.duplicate_of FROM articles a JOIN sites s ON s.id = a.site_id "
                    "WHERE a.story_id = (SELECT story_id FROM articles WHERE id = :id) "
                    "AND a.id != :id ORDER BY a.id"
                ),
                {"id": article_id},
            )
        ]
    return details
