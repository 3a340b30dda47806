"""Read commands open the archive read-only: they never create a file, a folder or a
table, never migrate, and refuse in one line what they cannot read (issue 16.1)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from archive.db import make_engine, schema_state, upgrade
from tests.conftest import run_kabar
from tests.test_archive_cli import fill

READ_COMMANDS = [
    ["search", "dana"],
    ["show", "1"],
    ["status"],
    ["sql", "SELECT 1 AS one"],
    ["export"],
    ["export", "--format", "warc", "-o", "{tmp}/out.warc.gz"],
    ["feeds", "--out", "{tmp}/feeds"],
]


def read_command(args: list[str], tmp_path: Path) -> list[str]:
    return [a.replace("{tmp}", str(tmp_path)) for a in args]


def one_error_line(stderr: str) -> str:
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr
    assert lines[0].startswith("Error: "), stderr
    return lines[0]


@pytest.mark.parametrize("args", READ_COMMANDS, ids=lambda a: " ".join(a[:3]))
def test_a_missing_database_is_refused_and_not_created(args: list[str], tmp_path: Path) -> None:
    db_file = tmp_path / "typo" / "kabar.db"
    url = f"sqlite:///{db_file}"
    result = run_kabar(*read_command(args, tmp_path), "--db", url)
    assert result.returncode == 1, result.stdout + result.stderr
    line = one_error_line(result.stderr)
    assert url in line and "kabar db upgrade" in line and "kabar crawl" in line
    assert not (tmp_path / "typo").exists()
    assert not (tmp_path / "feeds").exists()


def test_the_default_database_is_not_created_either(tmp_path: Path) -> None:
    """The README's examples after `kabar demo` open ./kabar.db, which does not exist."""
    result = run_kabar("search", "dana", KABAR_DB_URL="")
    assert result.returncode in (0, 1)
    if result.returncode == 1:  # no ./kabar.db in the project folder
        assert "sqlite:///kabar.db" in one_error_line(result.stderr)


@pytest.mark.parametrize("args", READ_COMMANDS, ids=lambda a: " ".join(a[:3]))
def test_a_database_without_kabar_schema_is_refused_and_left_alone(
    args: list[str], tmp_path: Path
) -> None:
    db_file = tmp_path / "mine.db"
    with sqlite3.connect(db_file) as connection:
        connection.execute("CREATE TABLE notes (body TEXT)")
        connection.execute("INSERT INTO notes VALUES ('mine')")
    url = f"sqlite:///{db_file}"
    result = run_kabar(*read_command(args, tmp_path), "--db", url)
    assert result.returncode == 1
    line = one_error_line(result.stderr)
    assert url in line and "no kabar" in line and "kabar db upgrade" in line
    with sqlite3.connect(db_file) as connection:
        tables = {name for (name,) in connection.execute("SELECT name FROM sqlite_master")}
    assert tables == {"notes"}


@pytest.mark.parametrize("args", READ_COMMANDS, ids=lambda a: " ".join(a[:3]))
def test_an_archive_behind_is_refused_not_migrated(args: list[str], tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'old.db'}"
    engine = make_engine(url)
    upgrade(engine, "0003_stories")
    result = run_kabar(*read_command(args, tmp_path), "--db", url)
    assert result.returncode == 1
    line = one_error_line(result.stderr)
    assert "0003_stories" in line and "kabar db upgrade" in line
    assert schema_state(engine).revision == "0003_stories"
    engine.dispose()
    upgraded = run_kabar("db", "upgrade", "--db", url)
    assert upgraded.returncode == 0 and "was 0003_stories" in upgraded.stdout


def test_postgresql_without_kabar_schema_is_refused(postgres_url: str) -> None:
    result = run_kabar("status", "--db", postgres_url)
    assert result.returncode == 1
    assert "no kabar" in one_error_line(result.stderr)
    engine = make_engine(postgres_url)
    assert schema_state(engine).kabar_tables == frozenset()
    assert schema_state(engine).revision is None
    engine.dispose()


def test_a_typo_in_feeds_db_keeps_the_published_feeds(tmp_path: Path) -> None:
    """Issue 17.7: `kabar feeds --db sqlite:///typo.db --out existing/` removed 90 files."""
    good = f"sqlite:///{tmp_path / 'kabar.db'}"
    fill(good)
    out = tmp_path / "public"
    assert run_kabar("feeds", "--db", good, "--out", str(out)).returncode == 0
    published = sorted(p.name for p in out.iterdir())
    assert "all.xml" in published
    before = (out / "all.xml").read_bytes()
    result = run_kabar("feeds", "--db", f"sqlite:///{tmp_path / 'typo.db'}", "--out", str(out))
    assert result.returncode == 1
    assert sorted(p.name for p in out.iterdir()) == published
    assert (out / "all.xml").read_bytes() == before
    assert not (tmp_path / "typo.db").exists()


def test_read_commands_work_on_a_current_archive(db_url: str, tmp_path: Path) -> None:
    fill(db_url)
    for args in READ_COMMANDS:
        result = run_kabar(*read_command(args, tmp_path), "--db", db_url)
        assert result.returncode == 0, (args, result.stderr)


def test_an_empty_archive_does_not_replace_published_feeds(tmp_path: Path) -> None:
    """Issue 17.5: a kabar schema without articles (a fresh --db) emptied all.xml."""
    good = f"sqlite:///{tmp_path / 'kabar.db'}"
    fill(good)
    out = tmp_path / "public"
    assert run_kabar("feeds", "--db", good, "--out", str(out)).returncode == 0
    before = (out / "all.xml").read_bytes()
    empty = f"sqlite:///{tmp_path / 'empty.db'}"
    assert run_kabar("db", "upgrade", "--db", empty).returncode == 0
    refused = run_kabar("feeds", "--db", empty, "--out", str(out))
    assert refused.returncode == 1
    assert "--allow-empty" in one_error_line(refused.stderr)
    assert (out / "all.xml").read_bytes() == before
    fresh = run_kabar("feeds", "--db", empty, "--out", str(tmp_path / "new"))
    assert fresh.returncode == 0  # nothing published yet: nothing to protect
    forced = run_kabar("feeds", "--db", empty, "--out", str(out), "--allow-empty")
    assert forced.returncode == 0 and (out / "all.xml").read_bytes() != before
