"""Migrations that cannot brick an archive (issue 17.2) and concurrent first runs
(issue 16): all-or-nothing SQLite upgrades under a lock file, repair of archives an
older kabar left half-migrated, a PostgreSQL lock of its own."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from archive.db import MIGRATION_LOCK_KEY, head_revision, make_engine, upgrade
from archive.stories import STORY_LOCK_KEY
from kabar.demo import write_sites_toml
from tests.conftest import PROJECT_ROOT, run_kabar

FAST = [
    "--set", "AUTOTHROTTLE_ENABLED=False",
    "--set", "DOWNLOAD_DELAY=0",
    "--set", "CONCURRENT_REQUESTS_PER_DOMAIN=8",
    "--set", "DOWNLOAD_TIMEOUT=4",
    "--set", "RETRY_TIMES=1",
]  # fmt: skip
KILL_DELAYS = 10


def popen_kabar(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "kabar.cli", *args],
        cwd=PROJECT_ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def schema(db_file: Path) -> tuple[set[tuple[str, str]], list[str]]:
    """Every schema object (type, name) and the applied revision(s) of a SQLite file."""
    with sqlite3.connect(db_file) as connection:
        objects = {
            (str(kind), str(name))
            for kind, name in connection.execute(
                "SELECT type, name FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'"
            )
        }
        revisions = []
        if ("table", "alembic_version") in objects:
            rows = connection.execute("SELECT version_num FROM alembic_version")
            revisions = [str(r) for (r,) in rows]
    return objects, revisions


@pytest.fixture(scope="module")
def head_schema(tmp_path_factory: pytest.TempPathFactory) -> set[tuple[str, str]]:
    db_file = tmp_path_factory.mktemp("reference") / "kabar.db"
    engine = make_engine(f"sqlite:///{db_file}")
    upgrade(engine)
    engine.dispose()
    objects, revisions = schema(db_file)
    assert revisions == [head_revision()]
    return objects


def test_the_upgrade_lock_is_not_the_story_lock() -> None:
    assert MIGRATION_LOCK_KEY != STORY_LOCK_KEY


@pytest.mark.parametrize("trial", range(3))
def test_two_first_upgrades_at_once_both_succeed(
    trial: int, tmp_path: Path, head_schema: set[tuple[str, str]]
) -> None:
    db_file = tmp_path / "kabar.db"
    runs = [popen_kabar("db", "upgrade", "--db", f"sqlite:///{db_file}") for _ in range(2)]
    outputs = [run.communicate(timeout=120) for run in runs]
    assert [run.returncode for run in runs] == [0, 0], outputs
    # One created the schema, the other waited for it and found nothing to do.
    said = sorted(stdout.strip() for stdout, _ in outputs)
    assert said == [
        f"database at revision {head_revision()} (up to date)",
        f"database at revision {head_revision()} (was empty)",
    ]
    assert schema(db_file) == (head_schema, [head_revision()])


def test_two_first_crawls_at_once_both_succeed(
    mockweb: dict[str, str], tmp_path: Path, head_schema: set[tuple[str, str]]
) -> None:
    sites = write_sites_toml(mockweb, tmp_path / "sites.toml")
    db_file = tmp_path / "kabar.db"
    first, second = sorted(mockweb)[:2]
    runs = [
        popen_kabar(
            "crawl", "--sites", str(sites), "--db", f"sqlite:///{db_file}", "--site", name, *FAST
        )
        for name in (first, second)
    ]
    runs.append(popen_kabar("db", "upgrade", "--db", f"sqlite:///{db_file}"))
    outputs = [run.communicate(timeout=300) for run in runs]
    assert [run.returncode for run in runs] == [0, 0, 0], outputs
    assert outputs[0][0].startswith(f"{first}: strategy ")
    assert outputs[1][0].startswith(f"{second}: strategy ")
    objects, revisions = schema(db_file)
    assert objects == head_schema and revisions == [head_revision()]
    with sqlite3.connect(db_file) as connection:
        crawled = {s for (s,) in connection.execute("SELECT DISTINCT site_id FROM articles")}
    assert len(crawled) == 2


def test_two_first_upgrades_at_once_on_postgresql(postgres_url: str) -> None:
    runs = [popen_kabar("db", "upgrade", "--db", postgres_url) for _ in range(2)]
    outputs = [run.communicate(timeout=120) for run in runs]
    assert [run.returncode for run in runs] == [0, 0], outputs


def test_a_killed_upgrade_changes_nothing_and_a_rerun_completes(
    tmp_path: Path, head_schema: set[tuple[str, str]]
) -> None:
    """SIGKILL `kabar db upgrade` at delays spread over one whole run: each time the
    file holds either no schema or all of it, and the next upgrade reaches head."""
    started = time.monotonic()
    assert run_kabar("db", "upgrade", "--db", f"sqlite:///{tmp_path / 'timed.db'}").returncode == 0
    whole_run_s = time.monotonic() - started
    outcomes: list[str] = []
    for index in range(KILL_DELAYS):
        db_file = tmp_path / f"killed-{index}.db"
        victim = popen_kabar("db", "upgrade", "--db", f"sqlite:///{db_file}")
        time.sleep(whole_run_s * index / KILL_DELAYS)
        os.kill(victim.pid, signal.SIGKILL)
        victim.wait(30)
        if db_file.exists():
            objects, revisions = schema(db_file)
            if revisions:
                assert (objects, revisions) == (head_schema, [head_revision()]), index
                outcomes.append("complete")
            else:
                assert objects <= {("table", "alembic_version")}, (index, objects)
                outcomes.append("nothing")
        else:
            outcomes.append("no file")
        rerun = run_kabar("db", "upgrade", "--db", f"sqlite:///{db_file}")
        assert rerun.returncode == 0, (index, rerun.stderr)
        assert schema(db_file) == (head_schema, [head_revision()]), index
    print("kill outcomes:", outcomes)  # which phase each kill hit depends on the machine
    assert len(outcomes) == KILL_DELAYS


def nowhere_sites(tmp_path: Path) -> str:
    """A sites file whose one site cannot answer: a crawl that got past its
    preflight would say UNREACHABLE and exit 3, a refused preflight exits 1."""
    sites = tmp_path / "sites.toml"
    sites.write_text('[[site]]\nname = "nowhere"\nurl = "http://127.0.0.1:9/"\n', encoding="utf-8")
    return str(sites)


def half_migrated(db_file: Path, *, revision: str) -> None:
    """An archive as kabar before one-transaction upgrades left it when killed: the
    tables of ``revision`` plus part of the next step, the revision not moved on."""
    engine = make_engine(f"sqlite:///{db_file}")
    upgrade(engine, revision)
    engine.dispose()


def test_db_upgrade_repairs_an_archive_without_revision(
    tmp_path: Path, head_schema: set[tuple[str, str]]
) -> None:
    db_file = tmp_path / "kabar.db"
    half_migrated(db_file, revision="0001")
    with sqlite3.connect(db_file) as connection:
        connection.execute("DELETE FROM alembic_version")  # killed before 0001 was recorded
    url = f"sqlite:///{db_file}"
    for refused in (
        run_kabar("search", "x", "--db", url),
        run_kabar("crawl", "--db", url, "--sites", nowhere_sites(tmp_path)),
    ):
        assert refused.returncode == 1
        assert "half-migrated" in refused.stderr and "kabar db upgrade" in refused.stderr
    result = run_kabar("db", "upgrade", "--db", url)
    assert result.returncode == 0, result.stderr
    assert "repaired an interrupted upgrade" in result.stderr
    assert "removed table crawl_runs" in result.stderr
    assert schema(db_file) == (head_schema, [head_revision()])


def test_db_upgrade_repairs_a_step_left_half_done_and_keeps_the_data(
    tmp_path: Path, head_schema: set[tuple[str, str]]
) -> None:
    db_file = tmp_path / "kabar.db"
    half_migrated(db_file, revision="0003_stories")
    with sqlite3.connect(db_file) as connection:
        connection.execute(
            "INSERT INTO sites (name, url, timezone, created_at) "
            "VALUES ('contoh', 'https://contoh.id/', 'Asia/Jakarta', '2024-01-01 00:00:00')"
        )
        # The next step (0002_archive) had created its first table when it was killed.
        connection.execute("CREATE TABLE fetch_blobs (sha256 VARCHAR(64) PRIMARY KEY)")
    url = f"sqlite:///{db_file}"
    refused = run_kabar("crawl", "--db", url, "--sites", nowhere_sites(tmp_path))
    assert refused.returncode == 1
    assert "kabar db upgrade" in refused.stderr and "already exists" in refused.stderr
    assert schema(db_file)[1] == ["0003_stories"]  # the refused preflight changed nothing
    result = run_kabar("db", "upgrade", "--db", url)
    assert result.returncode == 0, result.stderr
    assert "removed table fetch_blobs" in result.stderr
    assert schema(db_file) == (head_schema, [head_revision()])
    with sqlite3.connect(db_file) as connection:
        assert connection.execute("SELECT name FROM sites").fetchall() == [("contoh",)]
