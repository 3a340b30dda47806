"""Everything the archive knows about one article (``kabar show``).

The article comes from ``article_view``; its fetch history from ``archive.evidence``.
Revisions and copies of the same story come from the ``revisions`` table and the
``articles.story_id``/``duplicate_of`` columns when the schema has them, and are
simply empty on a schema without them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import inspect, or_, select, text
from sqlalchemy.orm import Session

from archive import models
from archive.evidence import FetchRecord, fetches_for_article

LONG_FIELDS = frozenset({"body", "body_html"})
"""Revision columns left out of ``kabar show`` (they are in the table)."""


@dataclass
class ArticleDetails:
    id: int
    fields: dict[str, Any]
    """``article_view``'s columns for the article."""
    fetches: list[FetchRecord] = field(default_factory=list)
    revisions: list[dict[str, Any]] = field(default_factory=list)
    copies: list[dict[str, Any]] = field(default_factory=list)
    """Other articles of the same story (syndicated or re-published copies)."""


def find_article_id(session: Session, key: str) -> int | None:
    """The id of the article ``key`` names: an id, its URL or its canonical URL."""
    key = key.strip()
    if key.isdigit():
        return session.scalar(select(models.Article.id).where(models.Article.id == int(key)))
    return session.scalar(
        select(models.Article.id)
        .where(or_(models.Article.canonical_url == key, models.Article.url == key))
        .order_by(models.Article.id)
        .limit(1)
    )


def _columns(session: Session, table: str) -> set[str]:
    inspector = inspect(session.connection())
    if not inspector.has_table(table):
        return set()
    return {column["name"] for column in inspector.get_columns(table)}


def article_details(session: Session, key: str) -> ArticleDetails | None:
    """The article named by ``key`` (see :func:`find_article_id`), or None."""
    article_id = find_article_id(session, key)
    if article_id is None:
        return None
    row = session.execute(
        text("SELECT * FROM article_view WHERE id = :id"), {"id": article_id}
    ).one()
    details = ArticleDetails(id=article_id, fields=dict(row._mapping))
    details.fetches = fetches_for_article(session, article_id)

    revision_columns = _columns(session, "revisions")
    if {"article_id", "id"} <= revision_columns:
        wanted = ", ".join(sorted(revision_columns - LONG_FIELDS - {"article_id"}))
        details.revisions = [
            dict(r._mapping)
            for r in session.execute(
                text(f"SELECT {wanted} FROM revisions WHERE article_id = :id ORDER BY id"),
                {"id": article_id},
            )
        ]

    if {"story_id", "duplicate_of"} <= _columns(session, "articles"):
        details.copies = [
            dict(r._mapping)
            for r in session.execute(
                text(
                    "SELECT a.id, s.name AS site, a.canonical_url, a.published_at, "
                    "a.duplicate_of FROM articles a JOIN sites s ON s.id = a.site_id "
                    "WHERE a.story_id = (SELECT story_id FROM articles WHERE id = :id) "
                    "AND a.id != :id ORDER BY a.id"
                ),
                {"id": article_id},
            )
        ]
    return details
