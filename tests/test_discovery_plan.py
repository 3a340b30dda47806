"""The discovery plan's rules, without Scrapy (``crawler.discovery.plan``)."""

from __future__ import annotations

from crawler.discovery.plan import HOME, DiscoveryPlan
from crawler.sitecrawl import _same_title
from crawler.sites import STRATEGIES


def never(_: str) -> bool:
    return False


def always(_: str) -> bool:
    return True


def test_first_run_tries_the_strategies_in_order_after_the_homepage() -> None:
    plan = DiscoveryPlan.for_site(STRATEGIES)
    assert plan.next_step(never) == HOME  # nothing known: the homepage advertises entries
    plan.home_fetched = True
    assert [plan.next_step(never) for _ in range(5)] == [*STRATEGIES, None]


def test_a_strategy_with_a_known_entry_starts_without_the_homepage() -> None:
    plan = DiscoveryPlan.for_site(STRATEGIES)
    assert plan.next_step(lambda name: name == "wp_rest") == "wp_rest"
    assert plan.next_step(lambda name: name == "wp_rest") == HOME


def test_what_worked_last_time_goes_first_only_after_a_complete_listing() -> None:
    plan = DiscoveryPlan.for_site(STRATEGIES, remembered="sitemap", listed_before=True)
    assert plan.remaining == ["sitemap", "wp_rest", "feed", "listing"]
    unfinished = DiscoveryPlan.for_site(STRATEGIES, remembered="sitemap", listed_before=False)
    assert unfinished.remaining == list(STRATEGIES)


def test_skipped_strategies_are_never_tried() -> None:
    plan = DiscoveryPlan.for_site(STRATEGIES, skip=["wp_rest", "listing"], remembered="listing")
    plan.home_fetched = True
    assert [plan.next_step(always) for _ in range(3)] == ["feed", "sitemap", None]


def test_a_strategy_fails_only_when_all_its_entries_failed() -> None:
    plan = DiscoveryPlan.for_site(STRATEGIES)
    plan.home_fetched = True
    assert plan.next_step(always) == "wp_rest"
    plan.started("feed", entries=2)
    assert plan.entry_failed("https://x.test/feed/") is False  # the other may work
    assert plan.entry_failed("https://x.test/rss") is True  # none worked: next strategy
    assert plan.strategy is None


def test_one_working_entry_keeps_the_strategy() -> None:
    plan = DiscoveryPlan.for_site(STRATEGIES)
    plan.started("feed", entries=2)
    assert plan.entry_ok("https://x.test/feed/") is True
    assert plan.entry_failed("https://x.test/rss") is False
    assert plan.strategy == "feed"


def test_an_entry_is_settled_once() -> None:
    """A callback that crashed after its entry was counted must not count it again
    (twice "failed" would skip a working strategy)."""
    plan = DiscoveryPlan.for_site(STRATEGIES)
    plan.started("sitemap", entries=2)
    assert plan.entry_ok("https://x.test/sitemap.xml") is True
    assert plan.entry_failed("https://x.test/sitemap.xml") is False
    assert plan.entry_ok("https://x.test/sitemap.xml") is False
    assert plan.entries_open == 1


def test_backfill_happens_once_and_only_where_listings_are_allowed() -> None:
    plan = DiscoveryPlan.for_site(STRATEGIES)
    assert plan.backfill(listing_allowed=False) is False
    assert plan.backfill(listing_allowed=True) is True
    assert plan.backfill(listing_allowed=True) is False


def test_titles_compare_as_feeds_and_themes_vary_them() -> None:
    stored = "Bupati Tinjau Banjir di Sekayu"
    assert _same_title("Bupati Tinjau Banjir di Sekayu &#8211; Sumsel Terkini", stored)
    assert _same_title("<b>bupati</b> tinjau banjir di sekayu", stored)
    # Containment is "the same" (a site name added to either side); an edit that only
    # appends words is then seen by the revisit schedule, not by the listing.
    assert _same_title("Bupati Tinjau Banjir di Sekayu dan Babat Toman", stored)
    assert not _same_title("Wali Kota Resmikan Pasar Baru", stored)
