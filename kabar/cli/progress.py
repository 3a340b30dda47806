"""Live progress of a crawl: on a terminal a line per site as it finishes under a
running total (rich), off a terminal a plain line per site as it finishes.

Fed by :class:`kabar.crawl.CrawlProgress`'s two calls, which come from the crawl's
own signals (``spider_closed``) and a timer: the crawl engine is not changed.
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


def make_progress(total: int) -> PlainProgress:
    """The progress display that fits where stdout goes."""
    if sys.stdout.isatty():
        return LiveProgress(total)
    return PlainProgress(total)
