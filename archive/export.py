"""Streaming exports of the archive: JSON Lines and CSV, one record per article.

A record has ``id`` plus exactly :data:`crawler.items.ARTICLE_FIELDS`; times are
ISO 8601 in the site's own zone (e.g. ``+07:00`` for WIB), as a reader there sees them.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any, TextIO

from sqlalchemy.orm import Session

from archive.repository import iter_articles
from crawler.items import ARTICLE_FIELDS, LIST_FIELDS, Article

EXPORT_FIELDS: tuple[str, ...] = ("id", *ARTICLE_FIELDS)
CSV_LIST_SEPARATOR = "; "


def article_record(article_id: int, article: Article) -> dict[str, Any]:
    record: dict[str, Any] = {"id": article_id}
    for name in ARTICLE_FIELDS:
        value = getattr(article, name)
        record[name] = value.isoformat() if isinstance(value, datetime) else value
    return record


def export_jsonl(session: Session, out: TextIO, *, site_names: Sequence[str] = ()) -> int:
    """Write one JSON object per line; returns how many were written."""
    written = 0
    for article_id, article in iter_articles(session, site_names=site_names):
        out.write(json.dumps(article_record(article_id, article), ensure_ascii=False))
        out.write("\n")
        written += 1
    return written


def export_csv(session: Session, out: TextIO, *, site_names: Sequence[str] = ()) -> int:
    """Write a header and one row per article; list fields joined with ``"; "``."""
    writer = csv.DictWriter(out, fieldnames=EXPORT_FIELDS, lineterminator="\n")
    writer.writeheader()
    written = 0
    for article_id, article in iter_articles(session, site_names=site_names):
        record = article_record(article_id, article)
        for name in LIST_FIELDS:
            record[name] = CSV_LIST_SEPARATOR.join(record[name])
        writer.writerow(record)
        written += 1
    return written


EXPORTERS = {"jsonl": export_jsonl, "csv": export_csv}
