"""One convention for every command (issue 16.3): --format, -o/--output, --out for the
feed directory, -h, --quiet/--verbose, one table of exit codes, a fast start."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from kabar.cli.common import EXIT_CODES_HELP
from tests.conftest import PROJECT_ROOT, run_kabar
from tests.test_archive_cli import URL, fill

HEAVY_MODULES = ("scrapy", "sqlalchemy", "trafilatura", "lxml", "twisted", "alembic", "pydantic")


@pytest.mark.parametrize("argv", [None, ["--help"], ["--version"], ["crawl", "-h"]])
def test_starting_the_cli_imports_no_heavy_module(argv: list[str] | None) -> None:
    """`kabar --help` and `--version` start fast because nothing heavy is imported:
    counted in ``sys.modules``, not timed."""
    call = "" if argv is None else f"main({argv!r})"
    code = (
        "import sys\n"
        "from kabar.cli import main\n"
        "try:\n"
        f"    {call or 'pass'}\n"
        "except SystemExit:\n"
        "    pass\n"
        f"heavy = [m for m in {HEAVY_MODULES!r} if m in sys.modules]\n"
        "print('HEAVY', heavy, file=sys.stderr)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=PROJECT_ROOT, capture_output=True, text=True, check=True
    )
    assert "HEAVY []" in result.stderr, result.stderr


def test_exit_codes_are_one_table_in_help_and_readme() -> None:
    readme = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    help_text = run_kabar("-h").stdout
    rows = [line.strip() for line in EXIT_CODES_HELP.splitlines()[2:]]
    assert [r.split()[0] for r in rows] == ["0", "1", "3", "4", "5"]
    for row in rows:
        code, meaning = row.split(maxsplit=1)
        assert " ".join(meaning.split()) in " ".join(help_text.split()), row
        assert f"| {code} " in readme and meaning.split(" (")[0] in readme, row


@pytest.mark.parametrize(
    "args",
    [["-h"], ["crawl", "-h"], ["db", "upgrade", "-h"], ["search", "-h"], ["demo", "-h"]],
)
def test_dash_h_is_help(args: list[str]) -> None:
    result = run_kabar(*args)
    assert result.returncode == 0 and result.stdout.startswith("Usage: kabar")


def test_a_usage_error_is_one_line_and_exit_1() -> None:
    result = run_kabar("search")
    assert result.returncode == 1
    [line] = result.stderr.strip().splitlines()
    assert line.startswith("Error: Missing argument 'QUERY'") and "kabar search -h" in line


@pytest.fixture
def archive(tmp_path: Path) -> str:
    db = f"sqlite:///{tmp_path / 'kabar.db'}"
    fill(db)
    return db


DATA_COMMANDS = [
    ["search", "dana"],
    ["sql", "SELECT id, title FROM article_view"],
    ["status", "--sites", "{sites}"],
    ["show", "1"],
]


def sites_file(tmp_path: Path) -> str:
    path = tmp_path / "sites.toml"
    path.write_text('[[site]]\nname = "contoh"\nurl = "https://contoh.id/"\n', encoding="utf-8")
    return str(path)


def data_args(args: list[str], tmp_path: Path) -> list[str]:
    return [a.replace("{sites}", sites_file(tmp_path)) for a in args]


@pytest.mark.parametrize("args", DATA_COMMANDS, ids=lambda a: a[0])
def test_data_commands_speak_json_and_write_files(
    args: list[str], archive: str, tmp_path: Path
) -> None:
    command = [*data_args(args, tmp_path), "--db", archive]
    as_json = run_kabar(*command, "--format", "json")
    assert as_json.returncode == 0, as_json.stderr
    data = json.loads(as_json.stdout)
    assert data  # a list of rows, or show's one object
    if args[0] != "show":
        as_jsonl = run_kabar(*command, "--format", "jsonl")
        assert [json.loads(line) for line in as_jsonl.stdout.splitlines()] == data
        as_csv = run_kabar(*command, "--format", "csv")
        assert len(list(csv.reader(io.StringIO(as_csv.stdout)))) == len(data) + 1
    out = tmp_path / "out.json"
    to_file = run_kabar(*command, "--format", "json", "-o", str(out))
    assert to_file.returncode == 0 and to_file.stdout == ""
    assert json.loads(out.read_text(encoding="utf-8")) == data


def test_export_speaks_json_too(archive: str, tmp_path: Path) -> None:
    lines = run_kabar("export", "--db", archive).stdout.splitlines()
    array = json.loads(run_kabar("export", "--db", archive, "--format", "json").stdout)
    assert array == [json.loads(line) for line in lines] and array[0]["url"] == URL


def test_old_spellings_still_work_but_are_not_shown(archive: str, tmp_path: Path) -> None:
    shown = run_kabar("show", "1", "--db", archive, "--json")
    assert json.loads(shown.stdout)["article"]["url"] == URL
    assert "--json" not in run_kabar("show", "-h").stdout
    assert "--feeds-out" not in run_kabar("run", "-h").stdout
    serve_help = run_kabar("serve", "-h").stdout
    assert "--out" in serve_help and "--dir" not in serve_help


def test_quiet_prints_only_data_and_errors(archive: str, tmp_path: Path) -> None:
    out = tmp_path / "public"
    loud = run_kabar("feeds", "--db", archive, "--out", str(out))
    assert "feeds in" in loud.stdout
    quiet = run_kabar("--quiet", "feeds", "--db", archive, "--out", str(out))
    assert quiet.returncode == 0 and quiet.stdout == "" and quiet.stderr == ""
    exported = run_kabar("-q", "export", "--db", archive, "-o", str(tmp_path / "a.jsonl"))
    assert exported.stderr == ""
    assert run_kabar("export", "--db", archive, "-o", str(tmp_path / "b.jsonl")).stderr
    data = run_kabar("-q", "search", "dana", "--db", archive)
    assert "Rakor dana desa" in data.stdout
