"""The ``kabar`` command line: a thin layer over crawler, archive and feeds.

One module per group of commands (:mod:`.crawling`, :mod:`.publishing`,
:mod:`.reading`, :mod:`.database`, :mod:`.extracting`), what they share in
:mod:`.common`. Every command has an example in its help; a library error becomes
one line on stderr and exit status 1, never a traceback. Only click is imported
here: ``kabar --help`` starts without Scrapy, SQLAlchemy or trafilatura.
"""

from __future__ import annotations

import logging
from typing import Any

import click

from kabar.cli import crawling, database, extracting, publishing, reading
from kabar.cli.common import EXIT_CODES_HELP, EXIT_INPUT, Verbosity


class InputError(click.UsageError):
    """A usage error as kabar shows it: one line, exit status 1 (click: usage, hint,
    error on three lines, status 2)."""

    exit_code = EXIT_INPUT

    def show(self, file: Any = None) -> None:
        hint = f" ({self.ctx.command_path} -h for help)" if self.ctx is not None else ""
        click.echo(f"Error: {self.format_message()}{hint}", err=True, file=file)


def _input_error(exc: click.UsageError) -> InputError:
    return InputError(exc.format_message(), exc.ctx)


class KabarGroup(click.Group):
    """click's group, with usage errors exiting 1."""

    def make_context(self, *args: Any, **kwargs: Any) -> click.Context:
        try:
            return super().make_context(*args, **kwargs)
        except InputError:
            raise
        except click.UsageError as exc:
            raise _input_error(exc) from None

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except InputError:
            raise
        except click.UsageError as exc:
            raise _input_error(exc) from None


@click.group(
    cls=KabarGroup,
    context_settings={"help_option_names": ["-h", "--help"]},
    epilog=EXIT_CODES_HELP,
)
@click.version_option(package_name="kabar")
@click.option("-q", "--quiet", is_flag=True, help="Print only data and errors.")
@click.option("-v", "--verbose", is_flag=True, help="Say more (a crawl's log at INFO).")
@click.pass_context
def main(ctx: click.Context, quiet: bool, verbose: bool) -> None:
    """kabar: crawl regional news sites, archive them, publish feeds.

    Example: kabar demo
    """
    if quiet and verbose:
        raise click.UsageError("--quiet and --verbose exclude each other")
    ctx.obj = Verbosity(quiet=quiet, verbose=verbose)
    if not verbose:
        # The pool logs a connection the server ended (kabar sql of
        # pg_terminate_backend, a dropped database) as a traceback; the command
        # already says it in one line.
        logging.getLogger("sqlalchemy.pool").addHandler(logging.NullHandler())


for _module in (crawling, publishing, reading, database, extracting):
    for _command in _module.COMMANDS:
        main.add_command(_command)

__all__ = ["main"]
