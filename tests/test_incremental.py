"""Complete discovery and incremental crawling on the mock web, measured by the mock
web's own request counts: recall, no listing page stored, traps bounded, re-crawls
that fetch only what changed, and one revision for an edited article."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from kabar.demo import serve_mockweb_subprocess, write_sites_toml
from kabar.demo.process import ServedMockWeb
from kabar.demo.web import MockArticle, build_web
from tests.conftest import run_kabar
from tests.test_crawl_e2e import FAST, report

pytestmark = pytest.mark.slow  # several crawls of the whole mock web

QUICK = FAST
START = datetime.now(UTC) - timedelta(days=1, minutes=30)
"""The web's clock runs a day behind, so its next day is today (new articles appear
after the previous crawl, as on a real site)."""


@pytest.fixture(scope="module")
def web() -> Iterator[ServedMockWeb]:
    with serve_mockweb_subprocess(now=START) as served:
        yield served


def stored(db: Path) -> dict[str, dict[str, str]]:
    """site -> path -> title of the stored articles."""
    with sqlite3.connect(db) as connection:
        rows = connection.execute(
            "SELECT s.name, a.url, a.title FROM articles a JOIN sites s ON s.id = a.site_id"
        ).fetchall()
    out: dict[str, dict[str, str]] = {}
    for site, url, title in rows:
        out.setdefault(site, {})[urlsplit(url).path] = title
    return out


def truth(day: int) -> dict[str, list[MockArticle]]:
    by_site: dict[str, list[MockArticle]] = {}
    for article in build_web(START).articles(day=day):
        by_site.setdefault(article.site, []).append(article)
    return by_site


def _changed(old: MockArticle | None, new: MockArticle) -> bool:
    return old is None or (old.title, old.body) != (new.title, new.body)


def article_requests(web: ServedMockWeb, day: int) -> dict[str, int]:
    paths = {(a.site, a.path) for a in build_web(START).articles(day=day)}
    stats = web.stats()["sites"]
    return {
        site: sum(n for path, n in counts["paths"].items() if (site, path) in paths)
        for site, counts in stats.items()
    }


def test_discovery_then_incremental_recrawls(web: ServedMockWeb, tmp_path: Path) -> None:
    sites = write_sites_toml(web, tmp_path / "sites.toml")
    db = tmp_path / "kabar.db"
    crawl = ["crawl", "--sites", str(sites), "--db", f"sqlite:///{db}", *QUICK]

    # 1. First crawl: every article inside the age window, nothing else.
    web.reset_stats()
    first = run_kabar(*crawl, timeout=300)
    assert first.returncode == 0, first.stdout + first.stderr
    lines = report(first.stdout)
    day0 = truth(0)
    have = stored(db)
    for site, articles in day0.items():
        expected = {a.path for a in articles}
        found = set(have.get(site, {}))
        recall = len(expected & found) / len(expected)
        assert recall >= 0.99, (site, sorted(expected - found))
        assert found <= expected, (site, sorted(found - expected))  # no listing pages
    with sqlite3.connect(db) as connection:
        (rows,) = connection.execute("SELECT count(*) FROM articles").fetchone()
    assert rows == sum(len(v) for v in have.values())  # no ?sid=, AMP or print copies
    strategies = {site: line["strategy"] for site, line in lines.items()}
    assert strategies["merahputih"] == "wp_rest"
    assert strategies["sumselterkini"] == "sitemap"
    assert strategies["suarasumsel"] == "listing"
    # The trap site ended by itself, its faults counted; robots.txt was obeyed.
    assert lines["jebakan"]["errors"] != "none"
    paths = web.stats()["sites"]["jebakan"]["paths"]
    assert not [p for p in paths if p.startswith("/rahasia/")]

    # 2. Nothing changed: no article page fetched again, at most 5 requests a site.
    web.reset_stats()
    same = run_kabar(*crawl, timeout=300)
    assert same.returncode == 0, same.stderr
    counts = web.stats()["sites"]
    for site, refetched in article_requests(web, 0).items():
        assert refetched == 0, site
        assert counts[site]["requests"] <= 5, (site, counts[site])
    assert stored(db) == have

    # 3. A day later: k new or edited articles cost at most k + 5 requests a site.
    day = web.advance()
    day1 = truth(day)
    web.reset_stats()
    after = run_kabar(*crawl, timeout=300)
    assert after.returncode == 0, after.stderr
    counts = web.stats()["sites"]
    have = stored(db)
    before = {(a.site, a.path): a for articles in day0.values() for a in articles}
    for site, articles in day1.items():
        changed = [a for a in articles if _changed(before.get((site, a.path)), a)]
        assert counts[site]["requests"] <= len(changed) + 5, (site, len(changed), counts[site])
        for article in articles:
            assert have[site].get(article.path) == article.title, (site, article.path)

    # The edited article: the row holds the new title, one revision holds the old.
    edited = [
        a for a in day1["merahputih"]
        if (old := before.get(("merahputih", a.path))) and old.title != a.title
    ]  # fmt: skip
    assert len(edited) == 1
    with sqlite3.connect(db) as connection:
        revisions = connection.execute(
            "SELECT r.title FROM revisions r JOIN articles a ON a.id = r.article_id "
            "WHERE a.url LIKE ?",
            (f"%{edited[0].path}",),
        ).fetchall()
    assert revisions == [(before[("merahputih", edited[0].path)].title,)]
