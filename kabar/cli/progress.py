"""Live progress of long commands.

A crawl: on a terminal a line per site as it finishes under a running total (rich),
off a terminal a plain line per site as it finishes. Fed by
:class:`kabar.crawl.CrawlProgress`'s two calls, which come from the crawl's own signals
(``spider_closed``) and a timer: the crawl engine is not changed.

``kabar feeds`` and ``kabar export`` (:func:`make_task_progress`): on a terminal a live
running total on stderr (stdout is the export's data), the done items' lines above it
with ``--verbose``; off a terminal plain lines on stderr; nothing with ``--quiet``.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import click

if TYPE_CHECKING:
    from kabar.crawl import SiteReport


class PlainProgress:
    """Off a terminal (cron, a pipe, a log file): each site's line when it finishes."""

    def __init__(self, total: int) -> None:
        self.total = total

    def started(self, sites: int) -> None:
        self.total = sites

    def site_done(self, report: SiteReport) -> None:
        click.echo(report.line())
        sys.stdout.flush()

    def tick(self, running: Sequence[SiteReport]) -> None:
        """Nothing between sites: a log wants finished facts, not a ticking total."""

    def close(self) -> None:
        """Nothing to tidy."""


class LiveProgress(PlainProgress):
    """On a terminal: the finished sites' lines scroll above a live running total."""

    def __init__(self, total: int) -> None:
        super().__init__(total)
        from rich.console import Console
        from rich.live import Live
        from rich.text import Text

        self._text = Text
        self.began = time.monotonic()
        self.done: list[SiteReport] = []
        self.running: Sequence[SiteReport] = ()
        self.console = Console(highlight=False)
        self.live: Any = Live(
            self._total(), console=self.console, refresh_per_second=4, transient=True
        )
        self.live.start()

    def _total(self) -> Any:
        reports = [*self.done, *self.running]
        requests = sum(r.requests for r in reports)
        new = sum(r.new for r in reports)
        errors = sum(sum(r.errors.values()) for r in reports)
        failed = sum(1 for r in self.done if r.unreachable)
        elapsed = time.monotonic() - self.began
        line = (
            f"{len(self.done)}/{self.total} sites done, {requests} requests, {new} new "
            f"articles, {errors} errors"
            + (f", {failed} failed" if failed else "")
            + f" ({elapsed:.0f} s)"
        )
        return self._text(line, style="bold")

    def site_done(self, report: SiteReport) -> None:
        self.done.append(report)
        self.running = [r for r in self.running if r.name != report.name]
        self.live.update(self._total())  # before the print, which redraws the total
        self.console.print(self._text(report.line()))

    def tick(self, running: Sequence[SiteReport]) -> None:
        self.running = running
        self.live.update(self._total())

    def close(self) -> None:
        self.live.stop()

    def abandon(self) -> None:
        self.live.stop()


def make_progress(total: int) -> PlainProgress:
    """The progress display that fits where stdout goes."""
    if sys.stdout.isatty():
        return LiveProgress(total)
    return PlainProgress(total)


class TaskProgress:
    """Off a terminal: a plain line on stderr per item that has one (a feed), or every
    ``every`` items (exported articles), and the total at the end."""

    def __init__(self, noun: str, *, total: int | None = None, every: int = 1) -> None:
        self.noun = noun
        self.total = total
        self.every = every
        self.done = 0
        self.began = time.monotonic()

    def total_line(self) -> str:
        of = f"/{self.total}" if self.total is not None else ""
        return f"{self.done}{of} {self.noun} ({time.monotonic() - self.began:.0f} s)"

    def advance(self, line: str | None = None) -> None:
        """One more item done; ``line`` says what it was."""
        self.done += 1
        if line is not None:
            click.echo(line, err=True)
        elif self.done % self.every == 0:
            click.echo(self.total_line(), err=True)

    def close(self) -> None:
        if self.done % self.every and self.every > 1:
            click.echo(self.total_line(), err=True)

    def abandon(self) -> None:
        """The task failed or its reader went away (``kabar export | head``): no total,
        the error, if any, says what happened."""


class QuietProgress(TaskProgress):
    """``--quiet``: counts, prints nothing."""

    def advance(self, line: str | None = None) -> None:
        self.done += 1

    def close(self) -> None:
        """Nothing was shown."""


class LiveTaskProgress(TaskProgress):
    """On a terminal: a live running total on stderr, redrawn by rich's own timer (an item
    costs one addition, not a redraw); with ``verbose`` each item's line scrolls above it."""

    def __init__(
        self, noun: str, *, total: int | None = None, every: int = 1, verbose: bool = False
    ) -> None:
        super().__init__(noun, total=total, every=every)
        from rich.console import Console
        from rich.live import Live
        from rich.text import Text

        self._text = Text
        self.verbose = verbose
        self.console = Console(stderr=True, highlight=False)
        self.live: Any = Live(
            console=self.console,
            refresh_per_second=4,
            transient=True,
            get_renderable=lambda: self._text(self.total_line(), style="bold"),
            # Never capture stdout: it is the export's data, not the display's.
            redirect_stdout=False,
            redirect_stderr=False,
        )
        self.live.start()

    def advance(self, line: str | None = None) -> None:
        self.done += 1
        if line is not None and self.verbose:
            self.live.refresh()  # the total under the line counts this item
            self.console.print(self._text(line))

    def close(self) -> None:
        self.live.stop()

    def abandon(self) -> None:
        self.live.stop()


def make_task_progress(
    noun: str, *, total: int | None = None, every: int = 1, quiet: bool, verbose: bool
) -> TaskProgress:
    """The progress display that fits where stderr goes and what ``--quiet``/``--verbose``
    ask; ``noun`` names the items (``feeds``, ``articles``)."""
    if quiet:
        return QuietProgress(noun, total=total, every=every)
    if sys.stderr.isatty():
        return LiveTaskProgress(noun, total=total, every=every, verbose=verbose)
    return TaskProgress(noun, total=total, every=every)
