"""The writer off the reactor, and the SQL an article costs (issue #18's throughput work).

Real SQLite files; statements are counted with SQLAlchemy's own cursor events.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Any

from sqlalchemy import event, func, select
from sqlalchemy.orm import Session

from archive import models
from archive.db import session_scope
from archive.evidence import record_fetch
from archive.handle import Archive, Writer, close_archive, open_archive
from archive.repository import Outcome, SiteInfo, ensure_site, upsert_article
from archive.stories import NewArticle
from kabar.core.article import Article
from pipelines.near_duplicates import link_article


@contextmanager
def _archive(tmp_path: Path) -> Iterator[Archive]:
    archive = open_archive(f"sqlite:///{tmp_path / 'kabar.db'}")
    try:
        yield archive
    finally:
        close_archive(archive)


@contextmanager
def _statements(archive: Archive) -> Iterator[list[str]]:
    seen: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        seen.append(" ".join(statement.split()))

    event.listen(archive.engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(archive.engine, "before_cursor_execute", record)


def _sites(archive: Archive) -> list[str]:
    with session_scope(archive.sessions) as session:
        return list(session.scalars(select(models.Site.name).order_by(models.Site.id)))


def test_submitted_writes_run_on_the_writer_thread_in_order_and_commit_in_one_batch(
    tmp_path: Path,
) -> None:
    with _archive(tmp_path) as archive:
        writer = Writer(archive.writer.sessions, max_items=100, max_age_s=3600)
        writer.start()
        try:
            threads: list[str] = []
            release = threading.Event()

            def add(name: str, *, wait: bool = False) -> Any:
                def job(session: Session) -> str:
                    if wait:
                        release.wait(10)  # the caller goes on while this write waits
                    threads.append(threading.current_thread().name)
                    session.add(models.Site(name=name, url=f"https://{name}.id/"))
                    session.flush()
                    return name

                return writer.submit(job)

            first = add("a", wait=True)
            rest = [add(name) for name in ("b", "c")]
            assert not first.done()  # submit did not wait for the write
            release.set()
            # A write made inline from this thread waits for the submitted ones first.
            with writer.write() as session:
                session.add(models.Site(name="d", url="https://d.id/"))
            assert [f.result() for f in [first, *rest]] == ["a", "b", "c"]
            assert all(name.startswith("kabar-writer") for name in threads)
            assert _sites(archive) == []  # one open batch, not committed yet
            writer.commit()
            assert _sites(archive) == ["a", "b", "c", "d"]
            assert writer.commits == 1
        finally:
            writer.stop()


def test_a_failed_submitted_write_undoes_only_itself(tmp_path: Path) -> None:
    with _archive(tmp_path) as archive:
        writer = Writer(archive.writer.sessions, max_items=100, max_age_s=3600)
        writer.start()
        try:

            def site(name: str, url: str) -> Any:
                def job(session: Session) -> None:
                    session.add(models.Site(name=name, url=url))
                    session.flush()

                return writer.submit(job)

            good = site("a", "https://a.id/")
            bad = site("a", "https://other.id/")  # a unique name taken
            after = site("b", "https://b.id/")
            good.result(), after.result()
            assert "UNIQUE" in str(bad.exception()).upper()
            writer.commit()
            assert _sites(archive) == ["a", "b"]
        finally:
            writer.stop()


def _add_site(session: Session, name: str) -> None:
    session.add(models.Site(name=name, url=f"https://{name}.id/"))


def test_a_due_batch_is_committed_by_the_write_that_fills_it(tmp_path: Path) -> None:
    with _archive(tmp_path) as archive:
        writer = Writer(archive.writer.sessions, max_items=2, max_age_s=3600)
        writer.start()
        try:
            for name in ("a", "b", "c"):
                writer.submit(partial(_add_site, name=name))
            writer.drain()
            assert _sites(archive) == ["a", "b"] and writer.pending == 1
        finally:
            writer.stop()
            writer.commit()
        assert _sites(archive) == ["a", "b", "c"]


def _article(n: int) -> Article:
    url = f"https://contoh.id/berita/{n}/"
    return Article(
        url=url,
        canonical_url=url,
        site="contoh",
        title=f"Judul {n}",
        body="Isi berita yang cukup panjang. " * 20,
        tags=["banjir", "palembang"],
        categories=["daerah"],
        topics=["bencana"],
        fetched_at=datetime(2026, 1, 1, tzinfo=UTC),
    )


def test_a_new_article_is_inserted_without_loading_its_empty_term_links(tmp_path: Path) -> None:
    with _archive(tmp_path) as archive:
        with session_scope(archive.sessions) as session:
            site_id = ensure_site(session, SiteInfo("contoh", "https://contoh.id/"))
            upsert_article(session, site_id, _article(0), body_hash=None)  # terms made
        with session_scope(archive.sessions) as session, _statements(archive) as seen:
            _, outcome = upsert_article(session, site_id, _article(1), body_hash=None)
        assert outcome is Outcome.NEW
        assert not [s for s in seen if s.startswith("SELECT") and "article_terms" in s], seen
        assert len([s for s in seen if s.startswith("INSERT INTO article_terms")]) == 1
        with session_scope(archive.sessions) as session:
            row = session.scalars(select(models.Article).where(models.Article.id == 2)).one()
            assert [link.term.name for link in row.terms] == [
                "banjir",
                "palembang",
                "daerah",
                "bencana",
            ]
            assert row.story_id == row.id


def test_evidence_checks_a_stored_body_by_its_key_without_reading_it(tmp_path: Path) -> None:
    with _archive(tmp_path) as archive:
        fetch = partial(
            record_fetch, url="https://contoh.id/a/", status=200, headers=[], body=b"x" * 5000
        )
        with session_scope(archive.sessions) as session:
            fetch(session)
        with session_scope(archive.sessions) as session, _statements(archive) as seen:
            fetch(session)
        blob_reads = [s for s in seen if "FROM fetch_blobs" in s]
        assert blob_reads and not [s for s in blob_reads if "fetch_blobs.data" in s], blob_reads
        assert not [s for s in seen if s.startswith("INSERT INTO fetch_blobs")]
        with session_scope(archive.sessions) as session:
            assert session.scalar(select(func.count()).select_from(models.FetchBlob)) == 1
            assert session.scalar(select(func.count()).select_from(models.Fetch)) == 2


def test_linking_a_new_story_of_one_reads_back_nothing_it_just_wrote(tmp_path: Path) -> None:
    with _archive(tmp_path) as archive:
        writer = archive.writer
        with writer.write() as session:
            site_id = ensure_site(session, SiteInfo("contoh", "https://contoh.id/"))
            upsert_article(session, site_id, _article(0), body_hash=None)
        article = _article(1)
        article.body = "Bupati Banyuasin meresmikan jembatan baru di Kecamatan Talang Kelapa. " * 8
        with writer.write() as session, _statements(archive) as seen:
            article_id, _ = upsert_article(
                session, site_id, article, body_hash=None, story_later=True
            )
            linking = len(seen)
            new = NewArticle(article_id, site_id, article.published_at)
            link = link_article(session, site_id, article_id, article.body, unsigned=True, new=new)
        writer.commit()
        reads = [s for s in seen if s.startswith("SELECT")]
        assert link is not None and link.matched is None
        # The insert is its own look-up, and linking is given what it reads of the row.
        assert not [s for s in reads if "FROM articles" in s], reads
        writes = [s for s in seen if s.startswith(("INSERT INTO articles", "UPDATE articles"))]
        assert len(writes) == 2, writes  # the row, then its story: one statement each
        reads = [s for s in seen[linking:] if s.startswith("SELECT")]
        assert not [s for s in reads if "article_facts" in s], reads  # none for a new one
        with session_scope(archive.sessions) as session:
            row = session.get(models.Article, article_id)
            assert row is not None and row.story_id == row.id and row.duplicate_of is None
            assert session.get(models.ArticleFacts, article_id) is not None


def test_on_postgresql_a_batch_takes_the_story_lock_once_not_per_article(
    postgres_url: str,
) -> None:
    archive = open_archive(postgres_url)
    try:
        writer = archive.writer
        with _statements(archive) as seen:
            for n in range(3):
                with writer.write() as session:
                    site_id = ensure_site(session, SiteInfo("contoh", "https://contoh.id/"))
                    article = _article(n)
                    article.body = f"Berita ke-{n} tentang jembatan baru di Palembang. " * 8
                    article_id, _ = upsert_article(session, site_id, article, body_hash=None)
                    assert link_article(session, site_id, article_id, article.body) is not None
            writer.commit()
        assert len([s for s in seen if "pg_advisory_xact_lock" in s]) == 1, seen
        with session_scope(archive.sessions) as session:
            assert session.scalar(select(func.count()).select_from(models.ArticleSignature)) == 3
    finally:
        close_archive(archive)


def test_a_write_nested_in_a_write_does_not_wait_for_the_queued_ones(tmp_path: Path) -> None:
    """A write opened inside this thread's own write must not wait for the queued writes:
    they wait for the lock that write holds."""
    with _archive(tmp_path) as archive:
        writer = Writer(archive.writer.sessions, max_items=100, max_age_s=3600)
        writer.start()
        done = threading.Event()

        def scenario() -> None:
            with writer.write() as outer:
                outer.add(models.Site(name="a", url="https://a.id/"))
                writer.submit(partial(_add_site, name="c"))  # queued behind our lock
                with writer.write() as inner:
                    inner.add(models.Site(name="b", url="https://b.id/"))
            done.set()

        threading.Thread(target=scenario, daemon=True).start()
        try:
            assert done.wait(10), "the nested write waited for a write that waits for it"
            writer.commit()
            assert _sites(archive) == ["a", "b", "c"]
        finally:
            if done.is_set():  # else the writer's thread is stuck for good
                writer.stop()
