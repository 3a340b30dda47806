"""The crawl's stats collector (crawler.stats): a site's values read from its index are
exactly those a scan of every value gives, whatever wrote them."""

from __future__ import annotations

import warnings

from scrapy.statscollectors import MemoryStatsCollector
from scrapy.utils.test import get_crawler

from crawler import settings as kabar_settings
from crawler.stats import SiteStatsCollector
from kabar.core.counts import by_site, inc, put, site_counts


def write(stats: MemoryStatsCollector) -> None:
    for _ in range(3):
        inc(stats, "items/new", site="alpha")
        inc(stats, "requests", 2, site="beta")
    put(stats, "strategy", "feed", site="alpha")
    stats.max_value("kabar/sites/beta/max_depth", 3)
    stats.max_value("kabar/sites/beta/max_depth", 2)
    stats.min_value("kabar/sites/alpha/first", 5)
    stats.min_value("kabar/sites/alpha/first", 4)
    stats.inc_value("downloader/request_count")  # Scrapy's own, of no site


def test_the_index_gives_what_a_scan_gives() -> None:
    crawler = get_crawler(settings_dict={"STATS_CLASS": kabar_settings.STATS_CLASS})
    indexed = SiteStatsCollector(crawler)
    plain = MemoryStatsCollector(crawler)
    write(indexed)
    write(plain)
    assert indexed.get_stats() == plain.get_stats()
    for site in ("alpha", "beta", "nobody"):
        assert site_counts(indexed, site) == site_counts(plain.get_stats(), site)
    assert (
        by_site(indexed)
        == by_site(plain)
        == {
            "alpha": {"items/new": 3, "strategy": "feed", "first": 4},
            "beta": {"requests": 6, "max_depth": 3},
        }
    )
    # Copies: a reader cannot change the counts.
    site_counts(indexed, "alpha")["items/new"] = 99
    assert indexed.get_value("kabar/sites/alpha/items/new") == 3


def test_replaced_and_cleared_stats_are_reindexed() -> None:
    stats = SiteStatsCollector(get_crawler())
    write(stats)
    stats.set_stats({"kabar/sites/gamma/items/new": 7, "other": 1})
    assert by_site(stats) == {"gamma": {"items/new": 7}}
    stats.clear_stats()
    assert by_site(stats) == {} and stats.get_stats() == {}


def test_no_deprecation_shim_on_the_hot_path() -> None:
    stats = SiteStatsCollector(get_crawler())
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        stats.inc_value("kabar/x")
        stats.set_value("kabar/y", 1)
    assert SiteStatsCollector.__dict__["__getattribute__"] is object.__getattribute__
