"""End to end: the real `kabar` command crawls the mock web served on 127.0.0.1 into a
real SQLite file, re-crawls it incrementally, publishes feeds and exports."""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import feedparser
import pytest

from kabar.demo import build_web, write_sites_toml
from tests.conftest import run_kabar

pytestmark = pytest.mark.slow  # crawls of the whole mock web with the real `kabar`

FAST = [
    "--set", "AUTOTHROTTLE_ENABLED=False",
    "--set", "DOWNLOAD_DELAY=0",
    "--set", "CONCURRENT_REQUESTS_PER_DOMAIN=8",
    "--set", "KABAR_BACKOFF_BASE_S=0.1",
    # The trap site's very slow page must not hold the tests up.
    "--set", "DOWNLOAD_TIMEOUT=4",
    "--set", "RETRY_TIMES=1",
]  # fmt: skip
SEED_TITLE = "Rakor Kecamatan Tanjung Lago, Bupati Askolani Dengarkan Aspirasi Masyarakat"
LINE = re.compile(
    r"^(?P<site>[\w-]+): strategy (?P<strategy>\w+), (?P<requests>\d+) requests, "
    r"(?P<new>\d+) new, (?P<updated>\d+) updated, (?P<unchanged>\d+) unchanged, "
    r"(?P<skipped>\d+) skipped, (?P<dropped>\d+) dropped, errors: (?P<errors>.*)$"
)


def report(output: str) -> dict[str, dict[str, str]]:
    lines = {}
    for line in output.splitlines():
        match = LINE.match(line)
        if match:
            lines[match["site"]] = match.groupdict()
    return lines


def stored_urls(db: Path) -> list[tuple[str, str]]:
    with sqlite3.connect(db) as connection:
        return connection.execute(
            "SELECT s.name, a.url FROM articles a JOIN sites s ON s.id = a.site_id"
        ).fetchall()


@pytest.fixture(scope="module")
def crawled(
    mockweb: dict[str, str], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Path, Path, dict[str, dict[str, str]]]]:
    """The mock web crawled once (shared by the tests that only read the result)."""
    work = tmp_path_factory.mktemp("crawl")
    sites = write_sites_toml(mockweb, work / "sites.toml")
    db = work / "kabar.db"
    result = run_kabar("crawl", "--sites", str(sites), "--db", f"sqlite:///{db}", *FAST)
    assert result.returncode == 0, result.stdout + result.stderr
    yield sites, db, report(result.stdout)


def test_first_crawl_finds_every_article_and_nothing_else(
    crawled: tuple[Path, Path, dict[str, dict[str, str]]], mockweb: dict[str, str]
) -> None:
    _, db, lines = crawled
    assert set(lines) == set(mockweb)
    truth: dict[str, set[str]] = {}
    for article in build_web().articles():
        truth.setdefault(article.site, set()).add(article.path)
    stored: dict[str, set[str]] = {}
    for site, url in stored_urls(db):
        stored.setdefault(site, set()).add(urlsplit(url).path)
    for site, paths in truth.items():
        assert stored.get(site, set()) == paths, site  # recall 1.0, no listing pages
    # Faults are counted, not fatal.
    assert "http_500" in lines["halobanyuasin"]["errors"]
    assert int(lines["halobanyuasin"]["skipped"]) >= 1  # the PDF


def test_recrawl_is_incremental(
    crawled: tuple[Path, Path, dict[str, dict[str, str]]], mockweb: dict[str, str]
) -> None:
    sites, db, _ = crawled
    before = len(stored_urls(db))
    result = run_kabar("crawl", "--sites", str(sites), "--db", f"sqlite:///{db}", *FAST)
    assert result.returncode == 0, result.stderr
    lines = report(result.stdout)
    assert set(lines) == set(mockweb), result.stdout  # a report line for every site
    assert len(stored_urls(db)) == before
    for site, line in lines.items():
        assert int(line["new"]) == 0, line
        assert int(line["requests"]) <= 5, (site, line)  # robots.txt + what changed


def test_export_holds_the_seed_story(crawled: tuple[Path, Path, dict[str, dict[str, str]]]) -> None:
    _, db, _ = crawled
    result = run_kabar("export", "--db", f"sqlite:///{db}", "--format", "jsonl")
    assert result.returncode == 0, result.stderr
    records = [json.loads(line) for line in result.stdout.splitlines()]
    seed = [r for r in records if r["title"] == SEED_TITLE and r["site"] == "merahputih"]
    assert len(seed) == 1
    assert seed[0]["published_at"].startswith("2023-07-17T")
    assert seed[0]["published_at"].endswith("+07:00")
    assert seed[0]["location"] == "Tanjung Lago"
    assert "Tinggalkan Balasan" not in seed[0]["body"]


def test_feeds_parse_with_the_crawled_entries(
    crawled: tuple[Path, Path, dict[str, dict[str, str]]], tmp_path: Path
) -> None:
    _, db, _ = crawled
    out = tmp_path / "feeds"
    result = run_kabar("feeds", "--db", f"sqlite:///{db}", "--out", str(out))
    assert result.returncode == 0, result.stderr
    files = sorted(out.glob("*.xml")) + sorted(out.glob("*.atom"))
    assert len(files) >= 4
    for file in files:
        parsed = feedparser.parse(file.read_bytes())
        assert parsed.bozo == 0, (file.name, parsed.get("bozo_exception"))
        assert parsed.entries, file.name
    everything = feedparser.parse((out / "all.xml").read_bytes())
    titles = [entry.title for entry in everything.entries]
    assert SEED_TITLE in titles
    seed = everything.entries[titles.index(SEED_TITLE)]
    assert seed.published_parsed[:3] == (2023, 7, 17)
    assert (out / "index.html").exists() and (out / "feeds.opml").exists()


def test_unreachable_site_is_one_line_and_loses_nothing(
    crawled: tuple[Path, Path, dict[str, dict[str, str]]], tmp_path: Path
) -> None:
    sites, db, _ = crawled
    before = stored_urls(db)
    bad = tmp_path / "sites.toml"
    bad.write_text(
        sites.read_text(encoding="utf-8")
        + '\n[[site]]\nname = "mati"\nurl = "http://127.0.0.1:9/"\n',
        encoding="utf-8",
    )
    result = run_kabar("crawl", "--sites", str(bad), "--db", f"sqlite:///{db}", *FAST)
    assert result.returncode == 3
    assert "Traceback" not in result.stdout + result.stderr
    (line,) = [x for x in result.stdout.splitlines() if x.startswith("mati:")]
    assert line.startswith("mati: UNREACHABLE (connection_refused)")
    assert sorted(stored_urls(db)) == sorted(before)


def test_site_selectors_reach_the_crawl(mockweb: dict[str, str], tmp_path: Path) -> None:
    """A site's selectors in sites.toml decide the stored fields; one that finds nothing
    falls back to generic extraction, and the site's report line counts it."""
    sites = write_sites_toml({"merahputih": mockweb["merahputih"]}, tmp_path / "sites.toml")
    with sites.open("a", encoding="utf-8") as out:
        # The raw <title>, site name and all: unlike anything generic extraction returns.
        out.write('[site.selectors]\ntitle = "title::text"\nauthors = ".no-such-byline"\n')
    db = tmp_path / "kabar.db"
    result = run_kabar("crawl", "--sites", str(sites), "--db", f"sqlite:///{db}", *FAST)
    assert result.returncode == 0, result.stdout + result.stderr
    with sqlite3.connect(db) as connection:
        rows = connection.execute("SELECT title, authors FROM articles").fetchall()
    expected = {a.title for a in build_web().articles() if a.site == "merahputih"}
    assert {title.removesuffix(" - Merah Putih News") for title, _ in rows} == expected
    assert all(title.endswith(" - Merah Putih News") for title, _ in rows)
    assert all(json.loads(authors) for _, authors in rows)  # generic bylines
    line = report(result.stdout)["merahputih"]
    assert line["errors"] == f"selector_miss/authors {len(rows)}", line
