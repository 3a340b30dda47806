"""A site's discovery plan for one run: which strategy to try, when to fall back.

A plain state machine, without Scrapy or the archive, so its rules are tested alone
(``tests/test_discovery_plan.py``) and the spider only routes. The spider asks
:meth:`DiscoveryPlan.next_step` what to do, tells it what each entry point gave
(:meth:`started`, :meth:`entry_ok`, :meth:`entry_failed`), and asks once whether a
strategy that may miss articles should be completed by listing pages
(:meth:`backfill`).

Order: the strategies cheapest and most structured first (``crawler.sites.STRATEGIES``),
less those the site skips; a strategy that worked on the last complete run goes first,
the others stay behind it as fallbacks. A strategy starts once one of its entry points
is known (the API root, a feed, a sitemap); when none is known yet, the homepage is
fetched first (it advertises them), once.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Final

HOME: Final = "home"
""":meth:`DiscoveryPlan.next_step`'s answer when the homepage must be read first."""


@dataclass
class DiscoveryPlan:
    """The strategies still to try, the one in use and the fate of its entry points."""

    remaining: list[str]
    strategy: str | None = None
    """The strategy in use (None before the first starts, or after all failed)."""
    home_fetched: bool = False
    entries_open: int = 0
    entry_succeeded: bool = False
    settled: set[str] = field(default_factory=set)
    """Entry points already counted as worked or failed (once each: a crash after the
    count must not count it again)."""
    backfilled: bool = False

    @classmethod
    def for_site(
        cls,
        strategies: Iterable[str],
        *,
        skip: Iterable[str] = (),
        remembered: str | None = None,
        listed_before: bool = False,
    ) -> DiscoveryPlan:
        """The plan of a run: ``remembered`` (what worked last time) first when the site
        was once listed completely (``listed_before``), the others as fallbacks."""
        skipped = set(skip)
        order = [s for s in strategies if s not in skipped]
        if remembered in order and listed_before:
            order = [remembered] + [s for s in order if s != remembered]
        return cls(remaining=order)

    def next_step(self, has_entry: Callable[[str], bool]) -> str | None:
        """What to do next: :data:`HOME` (fetch the homepage, then ask again), the name
        of the strategy to try (removed from the plan: if it does not apply, ask again),
        or None when no strategy is left."""
        if not self.remaining:
            return None
        name = self.remaining[0]
        if not self.home_fetched and not has_entry(name):
            return HOME
        return self.remaining.pop(0)

    def started(self, name: str, entries: int) -> None:
        """``name`` applies and starts with ``entries`` entry points."""
        self.strategy = name
        self.entries_open = entries
        self.entry_succeeded = False

    def entry_ok(self, url: str) -> bool:
        """An entry point answered usably; False when it was settled already."""
        if url in self.settled:
            return False
        self.settled.add(url)
        self.entries_open -= 1
        self.entry_succeeded = True
        return True

    def entry_failed(self, url: str) -> bool:
        """An entry point failed. True when the strategy failed as a whole (no other
        entry point of it worked and none is still open): try the next one."""
        if url in self.settled:
            return False
        self.settled.add(url)
        self.entries_open -= 1
        if self.entries_open <= 0 and not self.entry_succeeded:
            self.strategy = None
            return True
        return False

    def backfill(self, *, listing_allowed: bool) -> bool:
        """Whether to read listing pages as well, now (once per run): the strategy in use
        may miss articles (a feed holds only the latest items, a feed that repeats
        itself instead of paging)."""
        if self.backfilled or not listing_allowed:
            return False
        self.backfilled = True
        return True
