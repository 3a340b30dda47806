"""Discovery beyond WordPress: the real ``kabar crawl`` on sites built the way Drupal,
Joomla, Ghost, Blogger, a hand-written PHP portal, a sitemap-only site, a site with
quirky feeds, a site whose homepage moved and a blog whose feed lives on a
proxy build theirs (:mod:`tests.othercms`).

Each site must give every article, fetch no page an article crawler has no use for
(tags, authors, search, login, static pages), store nothing but articles; a second run
of the unchanged web must cost only a few requests, and a third, after each site
published a few posts, must find them at the cost of little more than fetching them."""

from __future__ import annotations

import copy
from collections.abc import Iterator

import pytest

from tests.conftest import run_kabar
from tests.othercms.measure import HEADER, Row, found_in, measure
from tests.othercms.server import OtherWeb, serve_other_web
from tests.test_crawl_e2e import FAST, report

pytestmark = pytest.mark.slow  # three crawls of nine sites with the real `kabar`

SECOND_RUN_MAX_REQUESTS = 6
"""robots.txt, the homepage or the entry point, and a page or two more."""
PUBLISHED = 3
"""Posts each site publishes between the second run and the third."""


@pytest.fixture(scope="module")
def crawled(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[OtherWeb, dict[str, Row]]]:
    work = tmp_path_factory.mktemp("othercms")
    with serve_other_web() as web:
        sites = web.write_sites_toml(work / "sites.toml")
        db = work / "kabar.db"
        crawl = ["crawl", "--sites", str(sites), "--db", f"sqlite:///{db}", *FAST]
        first = run_kabar(*crawl, timeout=300)
        assert first.returncode in (0, 4), first.stdout + first.stderr
        first_hits = copy.deepcopy(web.hits)
        rows = measure(web, db, first_hits)
        web.reset()
        second = run_kabar(*crawl, timeout=300)
        assert second.returncode in (0, 4), second.stdout + second.stderr
        lines = report(second.stdout)
        for name, row in rows.items():
            row.second_requests = web.hits[name].total()
            row.second_new = int(lines.get(name, {}).get("new", -1))
        fresh = {
            name: {p.number for p in site.publish(PUBLISHED)} for name, site in web.sites.items()
        }
        web.reset()
        third = run_kabar(*crawl, timeout=300)
        assert third.returncode in (0, 4), third.stdout + third.stderr
        for name, row in rows.items():
            found, _ = found_in(web, db, name)
            row.later_found = len(found & fresh[name])
            row.later_total = len(fresh[name])
            row.third_requests = web.hits[name].total()
        print("\n" + HEADER)
        for row in rows.values():
            print(row.line())
        yield web, rows


SITES = ("drupal", "joomla", "ghost", "blogger", "portal", "newsmap", "quirky", "moved", "burner")


@pytest.mark.parametrize("site", SITES)
def test_every_article_found(crawled: tuple[OtherWeb, dict[str, Row]], site: str) -> None:
    row = crawled[1][site]
    assert row.found == row.total, row


@pytest.mark.parametrize("site", SITES)
def test_nothing_but_articles(crawled: tuple[OtherWeb, dict[str, Row]], site: str) -> None:
    row = crawled[1][site]
    assert row.stored_non_articles == [], row
    assert row.never_fetched == [], row
    assert row.fetched_as_articles == [], row


@pytest.mark.parametrize("site", SITES)
def test_second_run_is_incremental(crawled: tuple[OtherWeb, dict[str, Row]], site: str) -> None:
    row = crawled[1][site]
    assert row.second_new == 0, row
    assert row.second_requests <= SECOND_RUN_MAX_REQUESTS, row


@pytest.mark.parametrize("site", SITES)
def test_later_run_finds_what_was_published(
    crawled: tuple[OtherWeb, dict[str, Row]], site: str
) -> None:
    row = crawled[1][site]
    assert row.later_found == row.later_total == PUBLISHED, row
    # What the second run cost, plus the new articles and a page or two that list them.
    assert row.third_requests <= SECOND_RUN_MAX_REQUESTS + PUBLISHED + 2, row
