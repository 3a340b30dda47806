"""Hostile input and unlucky operators at the archive: formulas in CSV cells, runaway
or file-creating ``kabar sql`` statements, and leases left by killed processes."""

from __future__ import annotations

import csv
import io
import os
import socket
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest

from archive.db import make_engine, make_sessionmaker, session_scope, upgrade
from archive.export import export_csv
from archive.operations import acquire_lock, holder_is_dead, lock_holder
from archive.readonly import QueryError, ReadOnlyError, readonly_engine, run_query
from archive.repository import ensure_site, upsert_article
from tests.conftest import run_kabar
from tests.test_archive import SITE, sample

FORMULAS = ['=HYPERLINK("http://x")', "+62 811", "-10 derajat", "@SUM(A1)", "\tx", "\rx"]


def _archive(db_url: str, titles: list[str]) -> None:
    engine = make_engine(db_url)
    upgrade(engine)
    with session_scope(make_sessionmaker(engine)) as session:
        site_id = ensure_site(session, SITE)
        for n, title in enumerate(titles):
            url = f"https://contoh.id/{n}/"
            article = sample(title=title, url=url, canonical_url=url, authors=[title])
            upsert_article(session, site_id, article, body_hash=None)
    engine.dispose()


def _rows(db_url: str, *, keep_formulas: bool = False) -> list[dict[str, str]]:
    engine = make_engine(db_url)
    out = io.StringIO()
    with session_scope(make_sessionmaker(engine)) as session:
        export_csv(session, out, keep_formulas=keep_formulas)
    engine.dispose()
    return list(csv.DictReader(io.StringIO(out.getvalue())))


def test_csv_export_neutralises_formulas_unless_asked_not_to(db_url: str) -> None:
    titles = [*FORMULAS, "Banjir = musibah"]
    _archive(db_url, titles)
    rows = {row["url"]: row for row in _rows(db_url)}
    for n, title in enumerate(titles):
        row = rows[f"https://contoh.id/{n}/"]
        expected = title if n == len(FORMULAS) else "'" + title
        assert (row["title"], row["authors"]) == (expected, expected)
        assert not row["url"].startswith("'")
    raw = {row["url"]: row["title"] for row in _rows(db_url, keep_formulas=True)}
    assert [raw[f"https://contoh.id/{n}/"] for n in range(len(titles))] == titles


@pytest.fixture
def sqlite_archive(tmp_path: Path) -> Path:
    db = tmp_path / "kabar.db"
    _archive(f"sqlite:///{db}", ["Satu"])
    return db


RUNAWAY = "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) SELECT count(*) FROM n"


def test_sql_statement_is_stopped_at_its_time_limit(sqlite_archive: Path) -> None:
    engine = readonly_engine(f"sqlite:///{sqlite_archive}")
    with (
        pytest.raises(QueryError, match="time limit"),
        run_query(engine, RUNAWAY, timeout_s=0.2) as result,
    ):
        list(result.rows)
    with run_query(engine, "SELECT count(*) FROM articles", timeout_s=0.2) as result:
        assert list(result.rows) == [(1,)]  # the limit is per statement


@pytest.mark.parametrize(
    "statement",
    [
        "ATTACH DATABASE '{path}' AS other",
        "VACUUM INTO '{path}'",
        "VACUUM",
        "DETACH DATABASE main",
    ],
)
def test_sql_refuses_attach_and_vacuum_and_creates_no_file(
    sqlite_archive: Path, statement: str
) -> None:
    created = sqlite_archive.parent / "created.db"
    engine = readonly_engine(f"sqlite:///{sqlite_archive}")
    with (
        pytest.raises(ReadOnlyError, match="refused"),
        run_query(engine, statement.format(path=created)) as result,
    ):
        list(result.rows)
    assert not created.exists()
    cli = run_kabar("sql", statement.format(path=created), "--db", f"sqlite:///{sqlite_archive}")
    assert cli.returncode != 0 and "refused" in cli.stderr
    assert "Traceback" not in cli.stderr and not created.exists()


def _dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_lease_of_a_dead_process_on_this_host_is_taken_over_at_once(db_url: str) -> None:
    engine = make_engine(db_url)
    upgrade(engine)
    factory = make_sessionmaker(engine)
    host = socket.gethostname()
    dead = f"{host}:{_dead_pid()}:0badf00d"
    alive = f"{host}:{os.getpid()}:0000beef"
    elsewhere = f"another-host-{host}:{_dead_pid()}:12345678"
    two_hours = timedelta(hours=2)
    assert holder_is_dead(dead) and not holder_is_dead(alive) and not holder_is_dead(elsewhere)
    with session_scope(factory) as session:
        assert acquire_lock(session, "killed", dead, two_hours)
        assert acquire_lock(session, "running", alive, two_hours)
        assert acquire_lock(session, "remote", elsewhere, two_hours)
    with session_scope(factory) as session:
        assert acquire_lock(session, "killed", "next:1:run", two_hours)
        assert lock_holder(session, "killed") == "next:1:run"
        assert not acquire_lock(session, "running", "next:1:run", two_hours)
        assert not acquire_lock(session, "remote", "next:1:run", two_hours)
        assert lock_holder(session, "running") == alive
    engine.dispose()


def test_export_command_neutralises_formulas_unless_kept(tmp_path: Path) -> None:
    """The CLI's csv export: formulas get a quote; ``--keep-formulas`` writes them raw."""
    db_url = f"sqlite:///{tmp_path / 'kabar.db'}"
    _archive(db_url, ['=HYPERLINK("http://x")'])
    out = tmp_path / "a.csv"
    for flags, expected in (([], "'=HYPERLINK"), (["--keep-formulas"], "=HYPERLINK")):
        result = run_kabar("export", "--db", db_url, "--format", "csv", "-o", str(out), *flags)
        assert result.returncode == 0, result.stderr
        rows = list(csv.DictReader(io.StringIO(out.read_text("utf-8"))))
        assert rows[0]["title"].startswith(expected)
