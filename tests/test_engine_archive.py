"""The crawl's archive: one engine per process, one writer committing in batches.

Real crawls of the mock web in subprocesses (the reactor runs once per process), on
real SQLite files and a real PostgreSQL server.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url

from archive import models
from archive.db import session_scope
from archive.handle import Writer, close_archive, open_archive
from kabar.demo import build_web, write_sites_toml
from kabar.demo.process import ServedMockWeb
from tests.conftest import PROJECT_ROOT, run_kabar
from tests.test_crawl_e2e import FAST


def test_one_archive_per_process_shared_and_disposed(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'kabar.db'}"
    first = open_archive(url)
    second = open_archive(url)
    assert first is second  # one engine, one pool, one preflight
    with session_scope(first.sessions) as session:  # the preflight made the schema
        assert session.scalar(select(func.count()).select_from(models.Site)) == 0
    close_archive(second)
    assert open_archive(url) is first  # still held by the first user
    close_archive(first)
    close_archive(first)
    assert open_archive(url) is not first  # the last user disposed of it
    close_archive(open_archive(url))


def test_a_read_then_write_session_survives_another_process_committing(
    tmp_path: Path,
) -> None:
    """A run's row is read, then updated, while another crawl of the same SQLite file
    commits in between. A deferred transaction fails such an update at once with
    "database is locked" (seen in CI: two first crawls of one new archive); the
    archive's write sessions take the write lock as they begin, so the other writer
    waits for them instead."""
    db_file = tmp_path / "kabar.db"
    archive = open_archive(f"sqlite:///{db_file}")
    try:
        with session_scope(archive.write_sessions) as session:
            run = models.CrawlRun()
            session.add(run)
        other_wrote = threading.Event()

        def other_process() -> None:
            with sqlite3.connect(db_file, timeout=30) as other:
                other.execute("INSERT INTO crawl_runs (started_at) VALUES ('2026-01-01')")
            other_wrote.set()

        with session_scope(archive.write_sessions) as session:
            row = session.get(models.CrawlRun, run.id)
            assert row is not None
            other = threading.Thread(target=other_process)
            other.start()
            # Gives the other writer time to commit, were it not made to wait.
            other_wrote.wait(timeout=0.5)
            row.finished_at = models.utcnow()
        other.join(timeout=30)
        assert other_wrote.is_set()
        with session_scope(archive.sessions) as session:
            assert session.scalar(select(func.count()).select_from(models.CrawlRun)) == 2
            stored = session.get(models.CrawlRun, run.id)
            assert stored is not None and stored.finished_at is not None
    finally:
        close_archive(archive)


def test_writer_commits_in_batches_and_a_failed_write_undoes_only_itself(
    tmp_path: Path,
) -> None:
    archive = open_archive(f"sqlite:///{tmp_path / 'kabar.db'}")
    try:
        now = [0.0]
        writer = Writer(archive.writer.sessions, max_items=3, max_age_s=5, clock=lambda: now[0])

        def sites() -> int:
            with session_scope(archive.sessions) as session:
                return session.scalar(select(func.count()).select_from(models.Site)) or 0

        for n in range(2):
            with writer.write() as session:
                session.add(models.Site(name=f"s{n}", url=f"https://s{n}.id/"))
        assert not writer.due() and sites() == 0  # open, not visible to others
        try:
            with writer.write() as session:
                session.add(models.Site(name="s0", url="https://dup.id/"))  # unique name
                session.flush()
        except Exception as exc:
            assert "UNIQUE" in str(exc).upper()
        else:
            raise AssertionError("a duplicate site name was written")
        with writer.write() as session:
            session.add(models.Site(name="s2", url="https://s2.id/"))
        assert writer.due()  # three good writes
        writer.commit_if_due()
        assert sites() == 3
        with writer.write() as session:
            session.add(models.Site(name="s3", url="https://s3.id/"))
        assert not writer.due()
        now[0] = 5.0  # a batch as old as max_age_s commits even if not full
        assert writer.due()
        writer.commit_if_due()
        assert sites() == 4
    finally:
        close_archive(archive)


def _stored(db: Path) -> tuple[list[str], set[str]]:
    """Stored article URLs, and the URLs with a recorded fetch (their evidence)."""
    with sqlite3.connect(db) as connection:
        urls = sorted(u for (u,) in connection.execute("SELECT url FROM articles"))
        fetched = {u for (u,) in connection.execute("SELECT url FROM fetches")}
    return urls, fetched


def test_sigkill_while_a_batch_is_open_loses_only_that_batch(
    mockweb: ServedMockWeb, tmp_path: Path
) -> None:
    sites = write_sites_toml(mockweb, tmp_path / "sites.toml")
    db_file = tmp_path / "kabar.db"
    truth = {a.url(mockweb[a.site]) for a in build_web().articles()}
    # Batches of 6 writes, committed by count only: there is always an open batch.
    batches = ["--set", "KABAR_STORE_BATCH_ITEMS=6", "--set", "KABAR_STORE_BATCH_S=3600"]
    slow = ["--set", "CONCURRENT_REQUESTS_PER_DOMAIN=1", "--set", "DOWNLOAD_DELAY=0.1"]
    args = ["crawl", "--sites", str(sites), "--db", f"sqlite:///{db_file}", *batches]
    mockweb.reset_stats()
    victim = subprocess.Popen(
        [sys.executable, "-m", "kabar.cli", *args, *slow, "--set", "AUTOTHROTTLE_ENABLED=False"],
        cwd=PROJECT_ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 90
    fetched = stored = 0
    while time.monotonic() < deadline and victim.poll() is None:
        if db_file.exists():
            try:
                stored = len(_stored(db_file)[0])
            except sqlite3.OperationalError:
                stored = 0
        served = mockweb.stats()["sites"]
        paths = {p for s in served.values() for p in s["paths"]}
        fetched = sum(1 for u in truth if "/" + u.split("/", 3)[3] in paths)
        if stored >= 3 and fetched >= stored + 3:
            break  # a batch committed, and later articles fetched since: an open batch
        time.sleep(0.05)
    os.kill(victim.pid, signal.SIGKILL)
    victim.wait(10)
    partial, evidence = _stored(db_file)
    assert 3 <= len(partial) < len(truth), (len(partial), fetched)
    # Committed with its evidence, in the same transaction: no article without it.
    assert set(partial) <= evidence
    result = run_kabar(*args, *FAST)
    assert result.returncode == 0, result.stdout + result.stderr
    final, evidence = _stored(db_file)
    assert len(final) == len(set(final)) == len(truth)
    assert set(partial) <= set(final) and set(final) <= evidence


def test_postgres_connections_stay_few_whatever_the_number_of_sites(
    mockweb: ServedMockWeb, postgres_url: str, tmp_path: Path
) -> None:
    sites = write_sites_toml(mockweb, tmp_path / "sites.toml")
    database = make_url(postgres_url).database
    monitor = create_engine(make_url(postgres_url).set(database="postgres"))
    peak = [0]
    done = threading.Event()

    def sample() -> None:
        with monitor.connect() as connection:
            while not done.is_set():
                count = connection.execute(
                    text("SELECT count(*) FROM pg_stat_activity WHERE datname = :d"),
                    {"d": database},
                ).scalar_one()
                peak[0] = max(peak[0], int(count))
                connection.commit()
                time.sleep(0.05)

    sampler = threading.Thread(target=sample)
    sampler.start()
    try:
        result = run_kabar("crawl", "--sites", str(sites), "--db", postgres_url, *FAST)
    finally:
        done.set()
        sampler.join()
        monitor.dispose()
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.count(": strategy ") == len(mockweb)  # every site crawled
    # One engine for all the sites: the writer's connection and a reader's, at most a
    # third for a moment; a crawler and an evidence middleware each with its own pool
    # held two per site.
    assert 1 <= peak[0] <= 3, peak[0]


def test_a_run_records_the_reason_its_spider_closed(mockweb: ServedMockWeb, tmp_path: Path) -> None:
    # One site whose request budget (max_requests) ends its crawl early.
    sites = tmp_path / "sites.toml"
    sites.write_text(
        "\n".join(
            [
                "[[site]]",
                'name = "merahputih"',
                f'url = "{mockweb["merahputih"]}"',
                "max_age_days = 36500",
                "max_requests = 4",
                "[[site]]",
                'name = "halobanyuasin"',
                f'url = "{mockweb["halobanyuasin"]}"',
                "max_age_days = 36500",
            ]
        ),
        encoding="utf-8",
    )
    db_file = tmp_path / "kabar.db"
    result = run_kabar("crawl", "--sites", str(sites), "--db", f"sqlite:///{db_file}", *FAST)
    assert result.returncode == 0, result.stdout + result.stderr
    with sqlite3.connect(db_file) as connection:
        reasons = dict(
            connection.execute(
                "SELECT s.name, r.finish_reason FROM crawl_run_sites r JOIN sites s"
                " ON s.id = r.site_id"
            ).fetchall()
        )
    # One crawler for both: the site whose request budget ran out ends on its own.
    assert reasons == {"merahputih": "request_budget", "halobanyuasin": "finished"}
