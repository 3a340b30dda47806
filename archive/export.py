"""Streaming exports of the archive: JSON Lines and CSV, one record per article.

A record has ``id``, exactly :data:`kabar.core.article.ARTICLE_FIELDS`, then what the
archive adds (:data:`STORED_FIELDS`); times are ISO 8601 in the site's own zone
(e.g. ``+07:00`` for WIB), as a reader there sees them.

CSV cells are scraped text opened in spreadsheets: a cell starting with ``=``, ``+``,
``-``, ``@``, a tab or a carriage return is prefixed with ``'`` so no spreadsheet runs
it as a formula (``=HYPERLINK(…)`` in a headline); ``keep_formulas=True`` writes the
values as stored.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any, TextIO

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from archive import models
from archive.repository import StoredArticle, iter_stored
from kabar.core.article import ARTICLE_FIELDS, LIST_FIELDS, Article

STORED_FIELDS: tuple[str, ...] = ("story_id", "duplicate_of")
"""Known only once stored: links between copies of one story (``archive.stories``),
so they are archive columns, not :class:`~kabar.core.article.Article` fields."""
EXPORT_FIELDS: tuple[str, ...] = ("id", *ARTICLE_FIELDS, *STORED_FIELDS)
"""The export's columns, in order: the one list of them."""
CSV_LIST_SEPARATOR = "; "
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
"""What a spreadsheet may read as the start of a formula (OWASP's list)."""


def neutralize_formula(value: Any) -> Any:
    """``value`` with ``'`` in front when it is text a spreadsheet would run as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def article_record(
    article_id: int,
    article: Article,
    *,
    story_id: int | None = None,
    duplicate_of: int | None = None,
) -> dict[str, Any]:
    record: dict[str, Any] = {"id": article_id}
    for name in ARTICLE_FIELDS:
        value = getattr(article, name)
        record[name] = value.isoformat() if isinstance(value, datetime) else value
    record["story_id"] = story_id if story_id is not None else article_id
    record["duplicate_of"] = duplicate_of
    return record


def stored_record(stored: StoredArticle) -> dict[str, Any]:
    return article_record(
        stored.id, stored.article, story_id=stored.story_id, duplicate_of=stored.duplicate_of
    )


def count_stored(session: Session, *, site_names: Sequence[str] = ()) -> int:
    """How many articles an export of ``site_names`` (all when empty) writes."""
    query = select(func.count()).select_from(models.Article)
    if site_names:
        query = query.join(models.Site).where(models.Site.name.in_(site_names))
    return session.scalar(query) or 0


def export_jsonl(
    session: Session,
    out: TextIO,
    *,
    site_names: Sequence[str] = (),
    on_record: Callable[[], object] | None = None,
) -> int:
    """Write one JSON object per line; returns how many were written. ``on_record`` is
    called after each (a command's progress)."""
    written = 0
    for stored in iter_stored(session, site_names=site_names):
        out.write(json.dumps(stored_record(stored), ensure_ascii=False))
        out.write("\n")
        written += 1
        if on_record is not None:
            on_record()
    return written


def export_csv(
    session: Session,
    out: TextIO,
    *,
    site_names: Sequence[str] = (),
    keep_formulas: bool = False,
    on_record: Callable[[], object] | None = None,
) -> int:
    """Write a header and one row per article; list fields joined with ``"; "``; cells a
    spreadsheet would run as formulas neutralised unless ``keep_formulas``."""
    # CRLF (RFC 4180): Python's writer quotes a field holding a line terminator's characters
    # only, so with "\n" a scraped carriage return would split the row.
    writer = csv.DictWriter(out, fieldnames=EXPORT_FIELDS, lineterminator="\r\n")
    writer.writeheader()
    written = 0
    for stored in iter_stored(session, site_names=site_names):
        record = stored_record(stored)
        for name in LIST_FIELDS:
            record[name] = CSV_LIST_SEPARATOR.join(record[name])
        if not keep_formulas:
            record = {name: neutralize_formula(value) for name, value in record.items()}
        writer.writerow(record)
        written += 1
        if on_record is not None:
            on_record()
    return written


EXPORTERS = {"jsonl": export_jsonl, "csv": export_csv}
