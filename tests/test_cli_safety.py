"""Commands that cannot destroy or mislead by a typo (issues 16.1 and 17.7)."""

from __future__ import annotations

import socket
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from kabar.crawl import SettingError, typed_overrides
from tests.conftest import PROJECT_ROOT, run_kabar
from tests.test_archive_cli import fill


def one_error_line(stderr: str) -> str:
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr
    assert lines[0].startswith("Error: ") and "Traceback" not in stderr, stderr
    return lines[0]


# -- kabar demo touches only its own folder -----------------------------------------
def test_demo_refuses_a_folder_of_ones_own_and_deletes_nothing(tmp_path: Path) -> None:
    """Issue 16: `kabar demo --dir .` deleted the user's kabar.db and feeds/."""
    with sqlite3.connect(tmp_path / "kabar.db") as connection:
        connection.execute("CREATE TABLE mine (x TEXT)")
    (tmp_path / "feeds").mkdir()
    (tmp_path / "feeds" / "mine.xml").write_text("<rss/>", encoding="utf-8")
    before = sorted(str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*"))
    result = run_kabar("demo", "--dir", str(tmp_path))
    assert result.returncode == 1
    line = one_error_line(result.stderr)
    assert str(tmp_path) in line and "refusing" in line
    assert sorted(str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*")) == before
    with sqlite3.connect(tmp_path / "kabar.db") as connection:
        tables = [n for (n,) in connection.execute("SELECT name FROM sqlite_master")]
    assert tables == ["mine"]


def test_demo_refuses_a_file(tmp_path: Path) -> None:
    target = tmp_path / "notes.txt"
    target.write_text("mine", encoding="utf-8")
    result = run_kabar("demo", "--dir", str(target))
    assert result.returncode == 1 and "not a folder" in one_error_line(result.stderr)
    assert target.read_text(encoding="utf-8") == "mine"


def test_demo_serve_on_a_busy_port_fails_before_crawling(tmp_path: Path) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = run_kabar("demo", "--dir", str(tmp_path / "d"), "--serve", "--port", str(port))
    assert result.returncode == 1
    assert f"127.0.0.1:{port}" in one_error_line(result.stderr)
    assert not (tmp_path / "d").exists()  # nothing crawled, nothing written


# -- filters are checked against the archive ----------------------------------------
@pytest.mark.parametrize(
    ("args", "listed"),
    [
        (["search", "dana", "--site", "nosuch"], "contoh"),
        (["search", "dana", "--topic", "Hukum"], "Pemerintahan"),
        (["search", "dana", "--region", "Atlantis"], "Sumatera Selatan"),
        (["export", "--site", "nosuch"], "contoh"),
    ],
)
def test_an_unknown_filter_value_lists_the_valid_ones(
    args: list[str], listed: str, tmp_path: Path
) -> None:
    db = f"sqlite:///{tmp_path / 'kabar.db'}"
    fill(db)
    result = run_kabar(*args, "--db", db)
    assert result.returncode == 1 and result.stdout == ""
    line = one_error_line(result.stderr)
    assert "unknown --" in line and listed in line


def test_known_filter_values_match_ignoring_case(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'kabar.db'}"
    fill(db)
    result = run_kabar("search", "dana", "--db", db, "--topic", "pemerintahan", "--site", "CONTOH")
    assert result.returncode == 0 and "Rakor dana desa" in result.stdout


# -- settings and URLs are checked before anything runs -----------------------------
@pytest.mark.parametrize(
    ("setting", "expected"),
    [
        ("DOWNLOAD_DELAY=abc", "takes a number"),
        ("DOWNLOAD_DELAY=nan", "takes a finite number"),
        ("CONCURRENT_REQUESTS=many", "takes a number"),
        ("ROBOTSTXT_OBEY=maybe", "takes true or false"),
        ("DOWNLOAD_DELAY", "NAME=VALUE"),
    ],
)
@pytest.mark.parametrize("command", ["crawl", "run"])
def test_a_bad_setting_is_one_line_before_the_crawl(
    command: str, setting: str, expected: str, tmp_path: Path
) -> None:
    db_file = tmp_path / "kabar.db"
    result = run_kabar(command, "--set", setting, "--db", f"sqlite:///{db_file}")
    assert result.returncode == 1
    assert expected in one_error_line(result.stderr)
    assert not db_file.exists()  # refused before the archive was touched


def test_setting_values_take_their_settings_type() -> None:
    typed = typed_overrides(
        {
            "DOWNLOAD_DELAY": "0.5",
            "CONCURRENT_REQUESTS": "4",
            "ROBOTSTXT_OBEY": "false",
            "JOBDIR": "/tmp/job",
            "KABAR_SOMETHING_NEW": "x",
        }
    )
    assert typed == {
        "DOWNLOAD_DELAY": 0.5,
        "CONCURRENT_REQUESTS": 4,
        "ROBOTSTXT_OBEY": False,
        "JOBDIR": "/tmp/job",
        "KABAR_SOMETHING_NEW": "x",
    }
    with pytest.raises(SettingError):
        typed_overrides({"DOWNLOAD_HANDLERS": "[1]"})


@pytest.mark.parametrize("base_url", ["news.example.org", "ftp://news.example.org/", "/feeds/"])
@pytest.mark.parametrize("command", ["feeds", "run"])
def test_base_url_must_be_absolute_http(command: str, base_url: str, tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'kabar.db'}"
    out = tmp_path / "public"
    result = run_kabar(command, "--db", db, "--out", str(out), "--base-url", base_url)
    assert result.returncode == 1
    assert "absolute http(s) URL" in one_error_line(result.stderr)
    assert not out.exists() and not (tmp_path / "kabar.db").exists()


@pytest.mark.parametrize("url", ["sqlite://", "sqlite:///:memory:"])
@pytest.mark.parametrize("command", ["crawl", "run"])
def test_an_in_memory_database_is_refused_for_crawling(command: str, url: str) -> None:
    """Issue 17.7: `kabar crawl --db sqlite:///` reported "2 new" and kept nothing."""
    result = run_kabar(command, "--db", url)
    assert result.returncode == 1
    assert "in-memory" in one_error_line(result.stderr)


# -- a closed pipe ends quietly -----------------------------------------------------
@pytest.mark.parametrize("fmt", ["jsonl", "csv", "warc"])
def test_export_into_a_closed_pipe_ends_quietly(fmt: str, tmp_path: Path) -> None:
    """`kabar export | head`: no broken-pipe traceback or error line."""
    db = f"sqlite:///{tmp_path / 'kabar.db'}"
    fill(db, copies=400)  # more than a pipe's buffer, so the writer meets the closed end
    process = subprocess.Popen(
        [sys.executable, "-m", "kabar.cli", "export", "--db", db, "--format", fmt],
        cwd=PROJECT_ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert process.stdout is not None and process.stderr is not None
    assert process.stdout.read(100)
    process.stdout.close()  # what `head` does once it has its lines
    stderr = process.stderr.read().decode()
    process.wait(60)
    assert stderr == "", stderr


# -- tracebacks that were (issue 17.12) ---------------------------------------------
def test_show_of_an_id_no_database_can_hold_is_one_line(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'kabar.db'}"
    fill(db)
    result = run_kabar("show", "99999999999999999999999", "--db", db)
    assert result.returncode == 1
    assert "no article with id or URL" in one_error_line(result.stderr)


def test_sql_that_ends_its_own_session_is_one_line(postgres_url: str) -> None:
    fill(postgres_url)
    result = run_kabar("sql", "SELECT pg_terminate_backend(pg_backend_pid())", "--db", postgres_url)
    assert result.returncode == 1
    one_error_line(result.stderr)
