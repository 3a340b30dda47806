"""Fault injection end to end: the real ``kabar crawl`` against a hostile local site
(:mod:`tests.hostile.site`), into a real SQLite file, then ``kabar feeds``.

The same site is crawled four times, once per discovery strategy, each under its own
address (a site of its own for kabar). Every listing holds one bad element and some
articles hold hostile content; what must hold (issue 17): every good article stored
(19/19 per strategy), no traceback, each fault counted by kind in the site's report
line, no dangerous URL stored or published. On failure the test prints what was tried
and what the crawl counted.
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

import feedparser
import pytest

from tests.conftest import run_kabar, serve_app
from tests.hostile import site as hostile
from tests.test_crawl_e2e import FAST, report

STRATEGIES = {
    # site name: strategies it may not use, so each crawl reads one kind of listing
    "hostile-feed": ["wp_rest", "sitemap"],
    "hostile-sitemap": ["wp_rest", "feed", "listing"],
    "hostile-listing": ["wp_rest", "feed", "sitemap"],
    "hostile-rest": ["feed", "sitemap", "listing"],
}
EXPECTED_FAULTS = {
    # kinds that must be counted (at least once, or exactly when a number is given)
    "hostile-feed": {"feed/bad_url": 1, "home/bad_url": 2, "article/bad_url": None},
    "hostile-sitemap": {"sitemap/bad_url": 1, "article/bad_url": None},
    "hostile-listing": {"home/bad_url": 2, "article/bad_url": None},
    "hostile-rest": {
        "api/bad_post": 2,
        "api/bad_field": 2,
        "api/bad_image_url": len(hostile.DANGEROUS_IMAGES) + 1,  # and a malformed one
        "article/bad_url": None,
    },
}
DANGEROUS = re.compile(r"^\s*(?:javascript|vbscript|data|file)\s*:", re.IGNORECASE)
SCRIPT_SCHEME = re.compile(r"(?:javascript|vbscript)\s*:", re.IGNORECASE)
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff]")


@dataclass
class Crawl:
    db: Path
    feeds: Path
    stdout: str
    stderr: str
    lines: dict[str, dict[str, str]]
    base_urls: dict[str, str]

    def summary(self) -> str:
        """What was tried and what was counted: printed with any failed assertion."""
        out = ["hostile site probes:", *(f"  - {probe}" for probe in hostile.PROBES)]
        out.append("crawl report:")
        out += [f"  {line}" for line in self.stdout.splitlines() if line.startswith("hostile")]
        tail = [line for line in self.stderr.splitlines() if line.strip()][-15:]
        out += ["stderr (last lines):", *(f"  {line}" for line in tail)]
        return "\n".join(out)


def _errors(line: dict[str, str]) -> dict[str, int]:
    if line["errors"] == "none":
        return {}
    return {
        kind: int(count)
        for kind, count in (item.rsplit(" ", 1) for item in line["errors"].split(", "))
    }


@pytest.fixture(scope="module")
def crawl(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Crawl]:
    work = tmp_path_factory.mktemp("hostile")
    with ExitStack() as stack:
        base_urls = {
            name: f"http://127.0.0.1:{stack.enter_context(serve_app(hostile.make_app()))}/"
            for name in STRATEGIES
        }
        sites = work / "sites.toml"
        sites.write_text(
            "\n".join(
                f"[[site]]\nname = {json.dumps(name)}\nurl = {json.dumps(url)}\n"
                f"skip_strategies = {json.dumps(STRATEGIES[name])}\nmax_age_days = 3\n"
                for name, url in base_urls.items()
            ),
            encoding="utf-8",
        )
        db = work / "kabar.db"
        result = run_kabar("crawl", "--sites", str(sites), "--db", f"sqlite:///{db}", *FAST)
        crawl = Crawl(
            db, work / "feeds", result.stdout, result.stderr, report(result.stdout), base_urls
        )
        assert result.returncode == 0, crawl.summary()
    published = run_kabar("feeds", "--db", f"sqlite:///{db}", "--out", str(crawl.feeds))
    assert published.returncode == 0, published.stdout + published.stderr
    yield crawl


def test_every_good_article_is_stored(crawl: Crawl) -> None:
    assert set(crawl.lines) == set(STRATEGIES), crawl.summary()
    with sqlite3.connect(crawl.db) as connection:
        stored = dict(
            connection.execute(
                "SELECT s.name, count(*) FROM articles a JOIN sites s ON s.id = a.site_id "
                "WHERE a.body IS NOT NULL AND length(a.body) > 200 GROUP BY s.name"
            ).fetchall()
        )
    for name in STRATEGIES:
        assert stored.get(name) == hostile.ARTICLES, f"{name}: {stored}\n{crawl.summary()}"
        assert int(crawl.lines[name]["new"]) == hostile.ARTICLES, crawl.summary()


def test_no_traceback(crawl: Crawl) -> None:
    assert "Traceback" not in crawl.stderr, crawl.summary()
    assert "Spider error processing" not in crawl.stderr, crawl.summary()


def test_each_fault_is_counted_by_kind_in_the_report_line(crawl: Crawl) -> None:
    for name, expected in EXPECTED_FAULTS.items():
        counted = _errors(crawl.lines[name])
        for kind, count in expected.items():
            if count is None:
                assert counted.get(kind, 0) >= 1, f"{name}: {kind} not counted\n{crawl.summary()}"
            else:
                assert counted.get(kind) == count, f"{name}: {kind}\n{crawl.summary()}"


def test_control_references_do_not_cost_the_article(crawl: Crawl) -> None:
    with sqlite3.connect(crawl.db) as connection:
        rows = connection.execute(
            "SELECT title, body, body_html, lead FROM articles WHERE url LIKE ?",
            (f"%-{hostile.CONTROL_ARTICLE}/",),
        ).fetchall()
    assert len(rows) == len(STRATEGIES), crawl.summary()
    for title, body, body_html, lead in rows:
        assert title.startswith("Jalan Pasar Masjid") or "Laporan Nomor" in title, title
        for n in range(len(hostile.CONTROL_REFERENCES)):
            assert f"ke-{n} tetap utuh" in body, body
        for text in (title, body, body_html or "", lead or ""):
            assert not CONTROL.search(text), repr(text)
            assert "&#" not in text or not re.search(
                r"&#(?:0*(?:1|8|11|12|27)|x0*fffe);", text, re.I
            )


def _stored_urls(db: Path) -> list[tuple[str, str]]:
    with sqlite3.connect(db) as connection:
        rows = connection.execute(
            "SELECT url, canonical_url, image_url, body_html FROM articles"
        ).fetchall()
    urls: list[tuple[str, str]] = []
    for url, canonical, image, body_html in rows:
        urls += [("url", url), ("canonical_url", canonical), ("image_url", image or "")]
        urls += [("body_html", m) for m in re.findall(r'(?:href|src)="([^"]*)"', body_html or "")]
    return urls


def test_no_dangerous_url_is_stored(crawl: Crawl) -> None:
    urls = _stored_urls(crawl.db)
    assert urls, crawl.summary()
    bad = [(where, url) for where, url in urls if url and DANGEROUS.search(url)]
    assert not bad, f"{bad}\n{crawl.summary()}"
    for where, url in urls:
        if where in ("url", "canonical_url", "image_url") and url:
            assert url.startswith(("http://", "https://")), (where, url)
    with sqlite3.connect(crawl.db) as connection:
        images = connection.execute(
            "SELECT url, image_url FROM articles WHERE image_url IS NOT NULL"
        ).fetchall()
    for url, image in images:
        assert "/wp-content/uploads/foto-" in image, (url, image)


def test_no_dangerous_url_is_published(crawl: Crawl) -> None:
    files = sorted(p for p in crawl.feeds.rglob("*") if p.is_file())
    assert any(p.suffix == ".xml" for p in files) and any(p.suffix == ".json" for p in files)
    published: list[str] = []
    for path in files:
        text = path.read_text(encoding="utf-8")
        assert not SCRIPT_SCHEME.search(text), f"{path.name}\n{crawl.summary()}"
        if path.suffix == ".xml" and path.name != "feeds.opml":
            parsed = feedparser.parse(text)
            for entry in parsed.entries:
                published += [e.get("href", "") for e in entry.get("enclosures", [])]
                published += [link.get("href", "") for link in entry.get("links", [])]
        elif path.suffix == ".json" and isinstance(feed := json.loads(text), dict):
            for item in feed.get("items", []):
                published += [item.get(key) or "" for key in ("url", "image", "banner_image")]
                published += [a.get("url") or "" for a in item.get("attachments", [])]
    assert published, crawl.summary()
    bad = [url for url in published if url and not url.startswith(("http://", "https://"))]
    assert not bad, f"{bad}\n{crawl.summary()}"
