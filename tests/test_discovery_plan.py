"""The discovery plan's rules, without Scrapy (``crawler.discovery.plan``), and what a
site's crawl makes of a listed article it already holds (``crawler.sitecrawl``)."""

from __future__ import annotations

from datetime import UTC, datetime

from archive.discovery import Known
from crawler.discovery import Candidate
from crawler.discovery.plan import HOME, DiscoveryPlan
from crawler.sitecrawl import SiteCrawl, _same_title
from crawler.sites import STRATEGIES, SiteConfig


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


def _site_crawl() -> SiteCrawl:
    from scrapy.utils.test import get_crawler

    from crawler.spiders.site import SiteSpider

    site = SiteConfig(name="contoh", url="https://contoh.example/")
    crawler = get_crawler(SiteSpider.for_site(site))
    spider = crawler.spidercls.from_crawler(crawler)
    assert isinstance(spider, SiteSpider)
    crawler.spider = spider
    return spider.crawls["contoh"]


def test_a_listing_showing_another_title_refetches_a_stored_article() -> None:
    """Feeds, sitemaps and listings of WordPress carry no modified time: a retitled post
    is seen by its new title in the listing."""
    crawl = _site_crawl()
    url = "https://contoh.example/2024/05/01/banjir/"
    crawl.known[url] = Known(datetime.now(UTC), "Banjir Rendam Sekayu")
    crawl.looked_up.add(url)
    same, _ = crawl._consider(Candidate(url=url, title="Banjir Rendam Sekayu", strategy="feed"))
    assert same == "known"
    changed, request = crawl._consider(
        Candidate(url=url, title="Banjir Rendam Tiga Desa di Sekayu", strategy="feed")
    )
    assert changed == "new" and request is not None
    assert request.cb_kwargs["site"] == "contoh"


def test_title_refetches_are_capped_per_run() -> None:
    crawl = _site_crawl()
    cap = crawl.settings.getint("KABAR_TITLE_REFETCH_MAX_PER_RUN", 20)
    outcomes = []
    for index in range(cap + 5):
        url = f"https://contoh.example/2024/05/01/berita-{index}/"
        crawl.known[url] = Known(datetime.now(UTC), f"Judul lama {index}")
        candidate = Candidate(url=url, title=f"Kabar baru nomor {index}", strategy="feed")
        outcomes.append(crawl._consider(candidate)[0])
    assert outcomes.count("new") == cap
    assert outcomes[cap:] == ["known"] * 5
