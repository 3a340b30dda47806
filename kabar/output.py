"""Rows to the terminal: an aligned text table, CSV, JSON or JSON Lines (``kabar search``,
``sql``, ``status``).

Tables are for people (long cells cut, widths from the first rows so output starts
at once); CSV and JSONL are for tools and keep every value whole.
"""

from __future__ import annotations

import csv
import itertools
import json
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any, TextIO

if TYPE_CHECKING:
    from archive.details import ArticleDetails
    from archive.search import SearchHit

FORMATS = ("table", "json", "jsonl", "csv")
MAX_CELL_CHARS = 60
WIDTH_SAMPLE_ROWS = 200
SHOWN_BODY_CHARS = 600


def plain(value: Any) -> Any:
    """A JSON-ready value: times in ISO 8601, bytes summarised, decimals as numbers."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, bytes | memoryview):
        return f"<{len(bytes(value))} bytes>"
    if isinstance(value, Decimal):
        return float(value)
    return value


def _cell(value: Any) -> str:
    value = plain(value)
    if value is None:
        return ""
    if isinstance(value, list | dict):
        value = json.dumps(value, ensure_ascii=False)
    text = " ".join(str(value).split())
    return text if len(text) <= MAX_CELL_CHARS else text[: MAX_CELL_CHARS - 1] + "…"


def write_rows(out: TextIO, columns: Sequence[str], rows: Iterable[Sequence[Any]], fmt: str) -> int:
    """Write ``rows`` under ``columns`` in ``fmt`` (one of :data:`FORMATS`); returns the count."""
    written = 0
    if fmt == "json":
        # One array, streamed: the first record is out before the last is read.
        out.write("[")
        for row in rows:
            record = {name: plain(value) for name, value in zip(columns, row, strict=True)}
            out.write(
                ("\n  " if not written else ",\n  ")
                + json.dumps(record, ensure_ascii=False, default=str)
            )
            written += 1
        out.write("\n]\n" if written else "]\n")
        return written
    if fmt == "jsonl":
        for row in rows:
            record = {name: plain(value) for name, value in zip(columns, row, strict=True)}
            out.write(json.dumps(record, ensure_ascii=False, default=str) + "\n")
            written += 1
        return written
    if fmt == "csv":
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(columns)
        for row in rows:
            writer.writerow(
                [
                    json.dumps(v, ensure_ascii=False) if isinstance(v, list | dict) else plain(v)
                    for v in row
                ]
            )
            written += 1
        return written
    if fmt != "table":
        raise ValueError(f"unknown format {fmt!r}")
    iterator = iter(rows)
    sample = [[_cell(v) for v in row] for row in itertools.islice(iterator, WIDTH_SAMPLE_ROWS)]
    widths = [len(name) for name in columns]
    for cells in sample:
        widths = [max(w, len(c)) for w, c in zip(widths, cells, strict=True)]

    def line(cells: Sequence[str]) -> str:
        return "  ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)).rstrip() + "\n"

    out.write(line(list(columns)))
    out.write(line(["-" * w for w in widths]))
    for cells in itertools.chain(sample, ([_cell(v) for v in row] for row in iterator)):
        out.write(line(cells))
        written += 1
    return written


def change_text(name: str, change: dict[str, Any]) -> str:
    """One field's change as a person reads it: ``body +2/-1 paragraphs (+340/-120 chars)``,
    ``title 'Lama' → 'Baru'``."""
    if "paragraphs_added" in change:
        return (
            f"{name} +{change['paragraphs_added']}/-{change['paragraphs_removed']} paragraphs "
            f"(+{change['chars_added']}/-{change['chars_removed']} chars)"
        )
    old, new = (_cell(human(change.get(k))) for k in ("from", "to"))
    return f"{name} {old!r} → {new!r}" if (old or new) else name


def human(value: Any) -> Any:
    """Aware times as people read them (``2026-12-05 14:03 +07:00``); the rest as it is."""
    from kabar.core.times import human_time

    if isinstance(value, datetime) and value.utcoffset() is not None:
        return human_time(value)
    return value


def show_details(out: TextIO, details: ArticleDetails, *, full: bool, fmt: str = "table") -> None:
    """``kabar show``: the article's fields, then fetches, revisions (one line each: when,
    and what changed) and copies. Times are in the site's zone with their offset.

    ``fmt`` is ``table`` (for people), ``json`` (one indented object) or ``jsonl``
    (the same object on one line)."""
    fetches = [
        {
            "id": f.id,
            "fetched_at": f.fetched_at,
            "status": f.status,
            "url": f.url,
            "blob_sha256": f.blob_sha256,
        }
        for f in details.fetches
    ]
    if fmt in ("json", "jsonl"):

        def tree(value: Any) -> Any:
            if isinstance(value, dict):
                return {k: tree(v) for k, v in value.items()}
            if isinstance(value, list):
                return [tree(v) for v in value]
            return plain(value)

        record = {
            "article": tree(details.fields),
            "timezone": details.timezone,
            "fetches": tree(fetches),
            "revisions": tree(details.revisions),
            "copies": tree(details.copies),
        }
        indent = 2 if fmt == "json" else None
        out.write(json.dumps(record, ensure_ascii=False, indent=indent, default=str) + "\n")
        return
    width = max(len(name) for name in details.fields)
    for name, value in details.fields.items():
        text = "" if value is None else str(plain(human(value)))
        if name == "body" and not full and len(text) > SHOWN_BODY_CHARS:
            text = text[:SHOWN_BODY_CHARS].rstrip() + f"… ({len(text)} characters; --full)"
        text = text.replace("\n", "\n" + " " * (width + 2))
        out.write(f"{name.ljust(width)}  {text}\n")
    out.write(f"\nrevisions ({len(details.revisions)})\n")
    for revision in details.revisions:
        changes = revision.get("changes") or {}
        described = "; ".join(change_text(n, c) for n, c in changes.items()) or "no field named"
        out.write(f"{human_time_or_blank(revision.get('recorded_at'))}  {described}\n")
    for title, rows in (("fetches", fetches), ("copies", details.copies)):
        out.write(f"\n{title} ({len(rows)})\n")
        if rows:
            write_rows(out, list(rows[0]), [[human(v) for v in r.values()] for r in rows], "table")


def human_time_or_blank(value: Any) -> str:
    shown = human(value)
    return shown if isinstance(shown, str) else ""


def search_rows(hits: Sequence[SearchHit], *, brief: bool) -> tuple[list[str], list[list[Any]]]:
    """Columns and rows for search hits; ``brief`` (tables) leaves out the snippet."""
    if brief:
        columns = ["id", "score", "published", "site", "title", "url"]
        rows: list[list[Any]] = []
        for h in hits:
            published = h.published_at.date() if h.published_at else None
            rows.append([h.id, f"{h.score:.3f}", published, h.site, h.title, h.url])
        return columns, rows
    columns = ["id", "score", "published_at", "site", "title", "url", "snippet"]
    return columns, [
        [h.id, h.score, h.published_at, h.site, h.title, h.url, h.snippet] for h in hits
    ]
