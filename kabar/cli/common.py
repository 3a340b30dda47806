"""What every command shares: options, the archive opener, one-line errors, exit codes.

Only click is imported at module level: ``kabar --help`` must not pay for Scrapy,
SQLAlchemy or trafilatura. Each command imports what it needs when it runs.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar
from urllib.parse import urlsplit

import click

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine
    from sqlalchemy.orm import Session

F = TypeVar("F", bound=Callable[..., Any])

EXIT_INPUT = 1
EXIT_SITES_FAILED = 3
EXIT_HEALTH_ALERT = 4
EXIT_INTERRUPTED = 5
EXIT_CODES_HELP = """\b
Exit status:
  0  ok
  1  usage or input error (bad option, unknown site, no archive ...)
  3  a site failed hard (unreachable) in crawl or run
  4  health alert: kabar status found a failing site
  5  crawl stopped by a signal (SIGTERM, Ctrl-C) before its end"""

DATA_FORMATS = ("table", "json", "jsonl", "csv")

# Library errors that are the user's to fix, by module and class name: checked
# without importing the modules (a command that never touched Scrapy does not
# import it to find out that an exception is not Scrapy's).
USER_ERRORS = {
    ("crawler.sites", "SitesError"),
    ("archive.db", "ArchiveError"),
    ("crawler.distributed", "DistributedError"),
    ("crawler.pages", "ExtractionError"),
    ("crawler.pages.article", "ExtractionError"),
    ("kabar.jobs", "DemoError"),
    ("kabar.jobs", "FeedsError"),
    ("kabar.crawl", "SettingError"),
}


def _is_user_error(exc: BaseException) -> bool:
    for module_name, class_name in USER_ERRORS:
        module = sys.modules.get(module_name)
        cls = getattr(module, class_name, None) if module is not None else None
        if isinstance(cls, type) and isinstance(exc, cls):
            return True
    return False


def _is_database_error(exc: BaseException) -> bool:
    module = sys.modules.get("sqlalchemy.exc")
    cls = getattr(module, "SQLAlchemyError", None) if module is not None else None
    return isinstance(cls, type) and isinstance(exc, cls)


@contextmanager
def user_errors() -> Iterator[None]:
    """Turn the library's expected failures into one line and exit status 1.

    A closed pipe (``kabar export | head``) is not an error: it propagates to
    click, which silences the rest of the output.
    """
    try:
        yield
    except BrokenPipeError:
        raise
    except (click.ClickException, click.exceptions.Exit, click.Abort):
        raise
    except Exception as exc:
        if _is_user_error(exc):
            raise click.ClickException(str(exc)) from None
        if _is_database_error(exc):
            reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
            raise click.ClickException(f"database error: {reason}") from None
        if isinstance(exc, OSError):
            raise click.ClickException(str(exc)) from None
        if verbosity().verbose:
            raise
        # A bug, not the user's doing: still one line, with how to see more.
        reason = (str(exc).strip().splitlines() or [""])[0]
        raise click.ClickException(
            f"internal error {type(exc).__name__}: {reason} (kabar --verbose shows the traceback)"
        ) from None


class AliasOption(click.Option):
    """An option whose first name is the one shown in help; the others are old
    spellings that keep working (hidden aliases)."""

    def __init__(self, *args: Any, shown: int = 1, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._shown = shown

    def get_help_record(self, ctx: click.Context) -> tuple[str, str] | None:
        opts, self.opts = self.opts, self.opts[: self._shown]
        try:
            return super().get_help_record(ctx)
        finally:
            self.opts = opts


@dataclass
class Verbosity:
    """``kabar --quiet`` / ``--verbose``, for every command."""

    quiet: bool = False
    verbose: bool = False


def verbosity() -> Verbosity:
    ctx = click.get_current_context(silent=True)
    obj = ctx.find_object(Verbosity) if ctx is not None else None
    return obj or Verbosity()


def info(message: str) -> None:
    """A line about the work (not its data) for people, on stderr; silent with --quiet."""
    if not verbosity().quiet:
        click.echo(message, err=True)


def say(message: str) -> None:
    """A command's result line for people, on stdout; silent with --quiet."""
    if not verbosity().quiet:
        click.echo(message)


def db_option(func: F) -> F:
    return click.option(
        "--db",
        "db_url",
        envvar="KABAR_DB_URL",
        metavar="URL",
        help="Database URL (default sqlite:///kabar.db; env KABAR_DB_URL).",
    )(func)


def output_option(func: F) -> F:
    return click.option(
        "-o",
        "--output",
        type=click.Path(path_type=Path, dir_okay=False),
        help="Write to this file instead of stdout.",
    )(func)


def format_option(
    choices: tuple[str, ...] = DATA_FORMATS, default: str = "table"
) -> Callable[[F], F]:
    def decorate(func: F) -> F:
        return click.option(
            "--format",
            "fmt",
            type=click.Choice(choices),
            default=default,
            show_default=True,
            help="table for people; json, jsonl or csv for tools.",
        )(func)

    return decorate


def feeds_dir_option(*, default: str | None = "public", required: bool = False) -> Callable[[F], F]:
    """The feed directory: ``--out`` on every command (old names kept as hidden aliases)."""

    def decorate(func: F) -> F:
        return click.option(
            "--out",
            "--feeds-out",  # kabar run's old name
            "out_dir",
            cls=AliasOption,
            type=click.Path(path_type=Path, file_okay=False),
            default=default,
            required=required,
            show_default=default is not None,
            help="The feed directory.",
        )(func)

    return decorate


def base_url_option(func: F) -> F:
    return click.option(
        "--base-url",
        default="http://127.0.0.1:8080/",
        show_default=True,
        callback=_check_base_url,
        help="Where the feed directory is served (feeds name their own URL).",
    )(func)


def _check_base_url(_ctx: click.Context, _param: click.Parameter, value: str) -> str:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise click.BadParameter(
            f"{value!r} is not an absolute http(s) URL (e.g. https://news.example.org/feeds/)"
        )
    return value if value.endswith("/") else value + "/"


@contextmanager
def output_stream(output: Path | None, *, binary: bool = False) -> Iterator[Any]:
    """stdout, or the ``-o`` file (written in full or not at all is not promised:
    a file is for a person to look at, stdout for a pipe)."""
    if output is None:
        yield sys.stdout.buffer if binary else sys.stdout
        return
    with output.open("wb") if binary else output.open("w", encoding="utf-8", newline="") as out:
        yield out


@contextmanager
def open_archive(db_url: str | None, *, write: bool = False) -> Iterator[Engine]:
    """The archive's engine, disposed afterwards: the one way commands open it.

    Read-only (the default) never creates or migrates: a database that does not
    exist, holds no kabar schema or is behind is one line saying how to make it
    right. ``write`` applies pending migrations first.
    """
    from archive.db import open_engine

    engine = open_engine(db_url, write=write)
    try:
        yield engine
    finally:
        engine.dispose()


@contextmanager
def archive_session(db_url: str | None) -> Iterator[Session]:
    """A session on the archive opened read-only (see :func:`open_archive`)."""
    from archive.db import make_sessionmaker, session_scope

    with open_archive(db_url) as engine, session_scope(make_sessionmaker(engine)) as session:
        yield session
