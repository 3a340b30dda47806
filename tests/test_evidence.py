"""Evidence (raw responses), its retention, the evidence middleware and the WARC export."""

from __future__ import annotations

import gzip
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from scrapy import Request
from scrapy.exceptions import NotConfigured
from scrapy.http import HtmlResponse
from scrapy.utils.test import get_crawler
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker
from warcio.archiveiterator import ArchiveIterator

from archive import models
from archive.db import make_engine, make_sessionmaker, session_scope, upgrade
from archive.evidence import fetches_for_article, prune_evidence, read_blob, record_fetch
from archive.repository import SiteInfo, ensure_site, upsert_article
from archive.warc import export_warc
from crawler.middlewares.evidence import EvidenceMiddleware
from kabar.core.article import Article

PAGE = b"<html><body><h1>Rakor</h1><p>Dana desa dibahas.</p></body></html>"
URL = "https://contoh.id/2024/01/03/rakor/"
HEADERS = [
    ("Content-Type", "text/html; charset=utf-8"),
    ("Set-Cookie", "a=1"),
    ("Set-Cookie", "b=2"),
]
WARCIO = str(Path(sys.executable).with_name("warcio"))


@pytest.fixture
def sessions(db_url: str) -> Iterator[sessionmaker[Session]]:
    engine = make_engine(db_url)
    upgrade(engine)
    yield make_sessionmaker(engine)
    engine.dispose()


def store_article(session: Session, url: str = URL, title: str = "Rakor") -> int:
    site_id = ensure_site(session, SiteInfo(name="contoh", url="https://contoh.id/"))
    article = Article(url=url, canonical_url=url, site="contoh", title=title, body="Dana desa.")
    return upsert_article(session, site_id, article, body_hash=None)[0]


def count(session: Session, model: type[models.Base]) -> int:
    return session.scalar(select(func.count()).select_from(model)) or 0


def test_an_unchanged_page_is_stored_once(sessions: sessionmaker[Session]) -> None:
    with session_scope(sessions) as session:
        article_id = store_article(session)
        first = datetime(2024, 1, 3, tzinfo=UTC)
        for hours in range(3):
            record_fetch(
                session,
                url=URL,
                status=200,
                headers=HEADERS,
                body=PAGE,
                fetched_at=first + timedelta(hours=hours),
            )
        record_fetch(session, url=URL, status=200, headers=HEADERS, body=PAGE + b"<!-- 2 -->")
    with session_scope(sessions) as session:
        assert count(session, models.Fetch) == 4
        assert count(session, models.FetchBlob) == 2
        history = fetches_for_article(session, article_id)
        assert [f.article_id for f in history] == [article_id] * 4
        assert history[-1].headers == HEADERS  # order and repeats kept
        assert read_blob(session, history[-1].blob_sha256) == PAGE
        blob = session.get(models.FetchBlob, history[-1].blob_sha256)
        assert blob is not None and blob.size == len(PAGE)


def test_fetches_before_the_article_link_by_url(sessions: sessionmaker[Session]) -> None:
    with session_scope(sessions) as session:
        # The spider fetches the page before the store pipeline writes the article.
        record_fetch(session, url=URL, status=200, headers=HEADERS, body=PAGE)
        article_id = store_article(session)
        [fetch] = fetches_for_article(session, article_id)
        assert fetch.article_id is None and fetch.url == URL


def test_retention_prunes_history_but_keeps_the_latest(sessions: sessionmaker[Session]) -> None:
    now = datetime(2024, 6, 1, tzinfo=UTC)
    with session_scope(sessions) as session:
        store_article(session)
        for days_ago, body in ((100, b"old"), (50, b"older-but-newer"), (1, PAGE)):
            record_fetch(
                session,
                url=URL,
                status=200,
                headers=HEADERS,
                body=body,
                fetched_at=now - timedelta(days=days_ago),
            )
        # A page seen once, long ago: its only fetch is its latest, so it stays.
        record_fetch(
            session,
            url="https://contoh.id/lama/",
            status=404,
            headers=[],
            body=b"gone",
            fetched_at=now - timedelta(days=400),
        )
    with session_scope(sessions) as session:
        assert prune_evidence(session, retention_days=0, now=now).fetches == 0
        report = prune_evidence(session, retention_days=30, now=now)
        assert (report.fetches, report.blobs) == (2, 2)
        assert sorted(f.url for f in session.scalars(select(models.Fetch))) == [
            "https://contoh.id/2024/01/03/rakor/",
            "https://contoh.id/lama/",
        ]
        assert count(session, models.FetchBlob) == 2
    with session_scope(sessions) as session:
        report = prune_evidence(session, retention_days=30, keep_latest=False, now=now)
        assert (report.fetches, report.blobs) == (1, 1)


def test_middleware_records_article_responses_only(db_url: str) -> None:
    crawler = get_crawler(settings_dict={"KABAR_DB_URL": db_url})
    middleware = EvidenceMiddleware.from_crawler(crawler)
    article = Request(URL, meta={"kabar_kind": "article"}, headers={"User-Agent": "kabar-test"})
    listing = Request("https://contoh.id/", meta={"kabar_kind": "listing"})
    for request in (article, listing, Request("https://contoh.id/feed/")):
        response = HtmlResponse(
            request.url,
            status=200,
            headers={"Content-Type": "text/html"},
            body=PAGE,
            request=request,
            protocol="HTTP/1.1",
        )
        assert middleware.process_response(request, response) is response
    # Evidence goes into the process writer's open batch, committed with its article.
    middleware.writer().commit()
    with session_scope(middleware.sessions()) as session:
        [fetch] = session.scalars(select(models.Fetch)).all()
        assert (fetch.url, fetch.status, fetch.protocol) == (URL, 200, "HTTP/1.1")
        assert ["User-Agent", "kabar-test"] in fetch.request_headers
        assert read_blob(session, fetch.blob_sha256) == PAGE
    assert crawler.stats is not None
    assert crawler.stats.get_value("kabar/evidence/recorded") == 1

    with pytest.raises(NotConfigured):
        EvidenceMiddleware.from_crawler(
            get_crawler(settings_dict={"KABAR_EVIDENCE_ENABLED": False})
        )


def test_warc_round_trip(sessions: sessionmaker[Session], tmp_path: Path) -> None:
    with session_scope(sessions) as session:
        store_article(session)
        store_article(session, url="https://contoh.id/b/", title="B")
        store_article(session, url="https://contoh.id/no-evidence/", title="C")
        record_fetch(session, url=URL, status=200, headers=HEADERS, body=b"first version")
        gzipped_headers = [*HEADERS, ("Content-Encoding", "gzip"), ("Content-Length", "9")]
        record_fetch(
            session,
            url=URL,
            status=200,
            headers=gzipped_headers,
            body=PAGE,
            request_headers=[("User-Agent", "kabar/0.1")],
        )
        record_fetch(session, url="https://contoh.id/b/", status=404, headers=[], body=b"")
    path = tmp_path / "archive.warc.gz"
    with session_scope(sessions) as session, path.open("wb") as out:
        report = export_warc(session, out)
    assert (report.articles, report.without_fetch) == (2, 1)

    checked = subprocess.run([WARCIO, "check", "-v", str(path)], capture_output=True, text=True)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    indexed = subprocess.run([WARCIO, "index", str(path)], capture_output=True, text=True)
    assert indexed.returncode == 0 and indexed.stdout.count('"response"') == 2

    with gzip.open(path, "rb") as raw:
        assert raw.read(9) == b"WARC/1.1\r"
    with path.open("rb") as stream:
        records = [
            (
                record.rec_type,
                record.rec_headers.get_header("WARC-Target-URI"),
                record.http_headers.get_statuscode() if record.http_headers else None,
                record.http_headers.get_header("Content-Encoding") if record.http_headers else None,
                record.content_stream().read(),
            )
            for record in ArchiveIterator(stream)
        ]
    assert [r[0] for r in records] == ["warcinfo", "response", "request", "response", "request"]
    latest = records[1]
    assert latest[1:] == (URL, "200", None, PAGE)  # the latest fetch, decoded body
    assert records[3][1:3] == ("https://contoh.id/b/", "404")
