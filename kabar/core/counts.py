"""kabar's counters in a crawl's stats: a total per key, and the same per site.

One crawler crawls many sites, so every count a component makes (the spider, the
middlewares, the pipelines) is kept twice in Scrapy's stats collector:
``kabar/<key>`` for the crawl, ``kabar/sites/<site>/<key>`` for the site it concerns.
A site's report line (``kabar.crawl.SiteReport``) reads the second with
:func:`site_counts`; tests and ``scrapy crawl`` logs read the first.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final, Protocol

PREFIX: Final = "kabar"
SITES: Final = f"{PREFIX}/sites/"


class Stats(Protocol):
    def inc_value(self, key: str, count: int = 1, start: int = 0) -> None: ...

    def set_value(self, key: str, value: Any) -> None: ...


def site_key(site: str, key: str) -> str:
    return f"{SITES}{site}/{key}"


def inc(stats: Stats | None, key: str, count: int = 1, *, site: str | None = None) -> None:
    """Add ``count`` to ``kabar/<key>`` and, when ``site`` is given, to the site's own."""
    if stats is None:
        return
    stats.inc_value(f"{PREFIX}/{key}", count)
    if site:
        stats.inc_value(site_key(site, key), count)


def put(stats: Stats | None, key: str, value: Any, *, site: str | None = None) -> None:
    """Set ``kabar/<key>`` (and the site's) to ``value``."""
    if stats is None:
        return
    stats.set_value(f"{PREFIX}/{key}", value)
    if site:
        stats.set_value(site_key(site, key), value)


def site_counts(stats: Mapping[str, Any] | Any, site: str) -> dict[str, Any]:
    """The site's values, keyed without the ``kabar/sites/<site>/`` prefix: from the
    collector's index when it keeps one (``crawler.stats.SiteStatsCollector``), else
    from a scan of every value (a mapping, or another collector's ``get_stats()``)."""
    indexed = getattr(stats, "site_values", None)
    if callable(indexed):
        return dict(indexed(site))
    prefix = site_key(site, "")
    return {k.removeprefix(prefix): v for k, v in _values(stats).items() if k.startswith(prefix)}


def by_site(stats: Mapping[str, Any] | Any) -> dict[str, dict[str, Any]]:
    """Every site's values (as :func:`site_counts`), from the index or in one pass."""
    indexed = getattr(stats, "sites_values", None)
    if callable(indexed):
        return dict(indexed())
    sites: dict[str, dict[str, Any]] = {}
    for key, value in _values(stats).items():
        if key.startswith(SITES):
            site, _, rest = key[len(SITES) :].partition("/")
            sites.setdefault(site, {})[rest] = value
    return sites


def _values(stats: Mapping[str, Any] | Any) -> Mapping[str, Any]:
    if isinstance(stats, Mapping):
        return stats
    return stats.get_stats() if stats is not None else {}
