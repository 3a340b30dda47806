"""WARC 1.1 export: a request and a response record for each stored article's latest fetch.

The records carry the evidence kept by ``archive.evidence`` (status, headers, body as
received), so replay tools (pywb, ReplayWeb.page) and ``warcio`` read them like any
crawler's WARC. Articles are read in id batches and each record is written as soon as
it is built, so memory stays flat whatever the archive's size.

The stored body is the payload after transfer decoding, so the response record drops
``Content-Encoding``/``Transfer-Encoding`` and states the body's real ``Content-Length``.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from http import HTTPStatus
from typing import BinaryIO
from urllib.parse import urlsplit

from sqlalchemy import select
from sqlalchemy.orm import Session
from warcio.statusandheaders import StatusAndHeaders
from warcio.timeutils import datetime_to_iso_date
from warcio.warcwriter import WARCWriter

from archive import models
from archive.evidence import FetchRecord, decompress, latest_fetches

WARC_VERSION = "WARC/1.1"
DROPPED_RESPONSE_HEADERS = frozenset({"content-encoding", "transfer-encoding", "content-length"})


@dataclass(frozen=True)
class WarcReport:
    articles: int
    """Articles written (a request and a response record each)."""
    without_fetch: int
    """Stored articles with no evidence (crawled before it was kept, or pruned)."""


def _status_line(status: int) -> str:
    try:
        reason = HTTPStatus(status).phrase
    except ValueError:
        reason = "Unknown"
    return f"{status} {reason}"


def _response_headers(fetch: FetchRecord, body_length: int) -> list[tuple[str, str]]:
    headers = [
        (name, value)
        for name, value in fetch.headers
        if name.lower() not in DROPPED_RESPONSE_HEADERS
    ]
    headers.append(("Content-Length", str(body_length)))
    return headers


def _request_headers(fetch: FetchRecord) -> list[tuple[str, str]]:
    headers = list(fetch.request_headers)
    if not any(name.lower() == "host" for name, _ in headers):
        # The HTTP client adds Host itself; a request record should show it.
        headers.insert(0, ("Host", urlsplit(fetch.url).netloc))
    return headers


def _body(session: Session, sha256: str) -> bytes:
    # Core, not the ORM: a blob must not stay in the session's identity map.
    row = session.execute(
        select(models.FetchBlob.compression, models.FetchBlob.data).where(
            models.FetchBlob.sha256 == sha256
        )
    ).one()
    return decompress(row.compression, row.data, sha256)


def write_fetch(writer: WARCWriter, fetch: FetchRecord, body: bytes) -> None:
    """Write one fetch as a response record and its request record."""
    date = datetime_to_iso_date(fetch.fetched_at, use_micros=True)
    protocol = fetch.protocol or "HTTP/1.1"
    response = writer.create_warc_record(
        fetch.url,
        "response",
        payload=io.BytesIO(body),
        length=len(body),
        http_headers=StatusAndHeaders(
            _status_line(fetch.status), _response_headers(fetch, len(body)), protocol=protocol
        ),
        warc_headers_dict={"WARC-Date": date},
    )
    parts = urlsplit(fetch.url)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    request = writer.create_warc_record(
        fetch.url,
        "request",
        payload=io.BytesIO(b""),
        length=0,
        http_headers=StatusAndHeaders(
            f"{fetch.method} {target} {protocol}",
            _request_headers(fetch),
            is_http_request=True,
        ),
        warc_headers_dict={
            "WARC-Date": date,
            "WARC-Concurrent-To": response.rec_headers.get_header("WARC-Record-ID"),
        },
    )
    writer.write_record(response)
    writer.write_record(request)


def export_warc(
    session: Session,
    out: BinaryIO,
    *,
    site_names: Sequence[str] = (),
    batch_size: int = 200,
) -> WarcReport:
    """Write a gzipped WARC 1.1 file: a warcinfo record, then per article (by id)
    the response and request records of its latest fetch."""
    writer = WARCWriter(out, gzip=True, warc_version=WARC_VERSION)
    writer.write_record(
        writer.create_warcinfo_record(
            "kabar-export.warc.gz",
            {
                "software": "kabar (https://github.com/kabar-news/kabar)",
                "format": "WARC File Format 1.1",
                "description": "latest fetch of every stored article",
            },
        )
    )
    written = without = 0
    last_id = 0
    while True:
        query = (
            select(models.Article.id, models.Article.url, models.Article.canonical_url)
            .where(models.Article.id > last_id)
            .order_by(models.Article.id)
            .limit(batch_size)
        )
        if site_names:
            query = query.join(models.Site).where(models.Site.name.in_(site_names))
        batch = [(row.id, row.url, row.canonical_url) for row in session.execute(query)]
        if not batch:
            break
        fetches = latest_fetches(session, batch)
        for article_id, _, _ in batch:
            fetch = fetches.get(article_id)
            if fetch is None:
                without += 1
                continue
            write_fetch(writer, fetch, _body(session, fetch.blob_sha256))
            written += 1
        last_id = batch[-1][0]
        session.expunge_all()
    return WarcReport(articles=written, without_fetch=without)
