"""The command line: documented commands, one-line errors, no tracebacks."""

from __future__ import annotations

from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from kabar.cli import main


def all_commands(group: click.Group, prefix: str = "") -> list[tuple[str, click.Command]]:
    found = []
    for name, command in sorted(group.commands.items()):
        if isinstance(command, click.Group):
            found += all_commands(command, f"{prefix}{name} ")
        else:
            found.append((f"{prefix}{name}", command))
    return found


@pytest.mark.parametrize(("name", "command"), all_commands(main))
def test_every_command_is_documented_with_an_example(name: str, command: click.Command) -> None:
    assert command.help, name
    assert "Example: kabar " in command.help, name


def test_readme_mentions_every_command() -> None:
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    for name, _ in all_commands(main):
        assert f"kabar {name}" in readme, name


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["crawl", "--sites", "/nonexistent/sites.toml"], "no such file"),
        (["crawl", "--site", "nosuchsite"], "unknown site(s): nosuchsite"),
        (["export", "--db", "nonsense"], "not a database URL"),
        (["db", "upgrade", "--db", "postgresql+psycopg://kabar@127.0.0.1:9/x"], "database error"),
    ],
)
def test_errors_are_one_line_and_non_zero(args: list[str], message: str) -> None:
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: ")
    assert message in lines[0]


def test_malformed_sites_file(tmp_path: Path) -> None:
    sites = tmp_path / "sites.toml"
    sites.write_text('[[site]]\nname = "x"\nurl = "not a url"\n', encoding="utf-8")
    result = CliRunner().invoke(main, ["crawl", "--sites", str(sites)])
    assert result.exit_code == 1
    assert result.output.strip() == (
        f"Error: {sites}: site #1 ('x'): url: Value error, not an http(s) URL: 'not a url'"
    )
