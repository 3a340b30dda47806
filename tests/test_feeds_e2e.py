"""End to end: feeds of the crawled mock web, read by real clients, stable across an edit.

One module-scoped run: the real ``kabar`` command crawls a mock web of its own (it is
advanced a day, so it is not the session's shared one) into SQLite and publishes feeds;
then the web advances a day (two new merahputih stories, one edited headline and body),
merahputih is re-crawled and the feeds are published again into the same directory
(incrementally) and, for comparison, into a fresh one.
"""

from __future__ import annotations

import asyncio
import json
import shutil
import sqlite3
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import feedparser
import lxml.etree
import pytest
from aiohttp import web

from feeds.collect import DEFAULT_FEED_SIZE
from feeds.publish import PublishReport
from feeds.serve import make_app
from kabar.demo import DEFAULT_NOW, serve_mockweb_subprocess, write_sites_toml
from kabar.jobs import build_feeds
from tests.conftest import run_kabar

BASE_URL = "http://127.0.0.1:8080/"
FAST = [
    "--set", "AUTOTHROTTLE_ENABLED=False",
    "--set", "DOWNLOAD_DELAY=0",
    "--set", "CONCURRENT_REQUESTS_PER_DOMAIN=8",
    "--set", "KABAR_BACKOFF_BASE_S=0.1",
    "--set", "DOWNLOAD_TIMEOUT=3",  # the mock web's slow trap page would hold a crawl 20 s
]  # fmt: skip
OLD_TITLE = "Harga Cabai Merah di Pasar Pangkalan Balai Turun Jadi Rp 28 Ribu per Kilogram"
NEW_TITLE = "Harga Cabai Merah di Pasar Pangkalan Balai Turun Jadi Rp 26 Ribu per Kilogram"
ATOM = "{http://www.w3.org/2005/Atom}"


@dataclass(frozen=True)
class Run:
    db: Path
    before: Path  # the feeds after the first crawl (a copy)
    after: Path  # the same directory re-published after the edit (incremental)
    full: Path  # a full rebuild after the edit, into an empty directory
    report: PublishReport  # what the incremental publication did


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Run]:
    work = tmp_path_factory.mktemp("feeds-e2e")
    db = work / "kabar.db"
    db_url = f"sqlite:///{db}"
    out = work / "public"
    with serve_mockweb_subprocess() as mockweb:
        sites = write_sites_toml(mockweb, work / "sites.toml")
        crawl = run_kabar("crawl", "--sites", str(sites), "--db", db_url, *FAST)
        assert crawl.returncode == 0, crawl.stdout + crawl.stderr
        feeds = run_kabar("feeds", "--db", db_url, "--out", str(out), "--base-url", BASE_URL)
        assert feeds.returncode == 0, feeds.stderr
        before = work / "before"
        shutil.copytree(out, before)
        assert mockweb.advance() == 1
        # The mock web lives in July 2023, but WordPress is asked for what changed since the
        # last run (today): reach back past the mock web's dates.
        overlap_s = int((datetime.now(UTC) - DEFAULT_NOW).total_seconds()) + 30 * 86400
        recrawl = run_kabar(
            "crawl", "--sites", str(sites), "--db", db_url, "--site", "merahputih", *FAST,
            "--set", f"KABAR_INCREMENTAL_OVERLAP_S={overlap_s}",
        )  # fmt: skip
        assert recrawl.returncode == 0, recrawl.stdout + recrawl.stderr
        assert "1 updated" in recrawl.stdout, recrawl.stdout
    report = build_feeds(db_url, out, base_url=BASE_URL)
    full = work / "full"
    build_feeds(db_url, full, base_url=BASE_URL)
    yield Run(db=db, before=before, after=out, full=full, report=report)


def feed_files(directory: Path) -> list[Path]:
    return sorted(
        p
        for p in directory.iterdir()
        if p.suffix in {".xml", ".atom", ".json"} and not p.name.startswith(".")
    )


def entries_by_id(path: Path) -> dict[str, bytes]:
    """Each entry of a feed file as bytes, by its id, to compare entries across runs."""
    if path.suffix == ".json":
        items = json.loads(path.read_bytes())["items"]
        return {item["id"]: json.dumps(item, sort_keys=True).encode() for item in items}
    root = lxml.etree.fromstring(path.read_bytes())
    if path.suffix == ".atom":
        return {
            entry.findtext(f"{ATOM}id"): lxml.etree.tostring(entry, with_tail=False)
            for entry in root.iter(f"{ATOM}entry")
        }
    return {
        item.findtext("guid"): lxml.etree.tostring(item, with_tail=False)
        for item in root.iter("item")
    }


def stored(db: Path, sql: str) -> list[Any]:
    with sqlite3.connect(db) as connection:
        return connection.execute(sql).fetchall()


@pytest.mark.parametrize("stage", ["before", "after"])
def test_every_feed_parses_cleanly_with_the_expected_entries(run: Run, stage: str) -> None:
    directory = getattr(run, stage)
    files = feed_files(directory)
    assert len(files) >= 3 * 20
    for path in files:
        if path.suffix == ".json":
            feed = json.loads(path.read_bytes())
            assert feed["version"] == "https://jsonfeed.org/version/1.1"
            assert feed["feed_url"] == BASE_URL + path.name
            continue
        parsed = feedparser.parse(path.read_bytes())
        assert parsed.bozo == 0, (path.name, parsed.get("bozo_exception"))
        assert parsed.version in {"rss20", "atom10"}, path.name
        assert [link.href for link in parsed.feed.links if link.rel == "self"] == [
            BASE_URL + path.name
        ]
        for entry in parsed.entries:
            assert entry.id and entry.link.startswith("http://127.0.0.1:"), path.name


def test_all_feed_has_one_entry_per_story_and_opml_lists_every_feed(run: Run) -> None:
    stories = stored(run.db, "SELECT canonical_url FROM articles WHERE duplicate_of IS NULL")
    everything = feedparser.parse((run.after / "all.atom").read_bytes())
    ids = [entry.id for entry in everything.entries]
    assert len(ids) == len(set(ids)) == min(len(stories), DEFAULT_FEED_SIZE)
    assert set(ids) <= {url for (url,) in stories}  # one entry per story, copies collapsed
    opml = lxml.etree.parse(str(run.after / "feeds.opml")).getroot()
    listed = {o.get("xmlUrl") for o in opml.iter("outline") if o.get("type") == "rss"}
    assert listed == {BASE_URL + p.name for p in run.after.glob("*.xml")}


def test_syndicated_copy_collapses_into_one_entry_naming_the_other_source(run: Run) -> None:
    ((copy_url, original_url),) = stored(
        run.db,
        "SELECT a.canonical_url, o.canonical_url FROM articles a "
        "JOIN articles o ON o.id = a.duplicate_of",
    )
    everything = entries_by_id(run.after / "all.atom")
    assert copy_url not in everything
    assert b"Juga dimuat di" in everything[original_url]
    assert copy_url.encode() in everything[original_url]


def test_edit_changes_title_and_updated_and_keeps_the_id(run: Run) -> None:
    ((article_url,),) = stored(
        run.db, f"SELECT canonical_url FROM articles WHERE title = '{NEW_TITLE}'"
    )
    for fmt in ("xml", "atom"):
        old = {
            e.id: e
            for e in feedparser.parse((run.before / f"site-merahputih.{fmt}").read_bytes()).entries
        }
        new = {
            e.id: e
            for e in feedparser.parse((run.after / f"site-merahputih.{fmt}").read_bytes()).entries
        }
        assert old[article_url].title == OLD_TITLE and new[article_url].title == NEW_TITLE
        assert new[article_url].published_parsed == old[article_url].published_parsed
    old_json = {
        i["id"]: i for i in json.loads((run.before / "site-merahputih.json").read_bytes())["items"]
    }
    new_json = {
        i["id"]: i for i in json.loads((run.after / "site-merahputih.json").read_bytes())["items"]
    }
    assert new_json[article_url]["date_modified"] > old_json[article_url]["date_modified"]
    assert new_json[article_url]["date_published"] == old_json[article_url]["date_published"]
    atom_old = {
        e.id: e
        for e in feedparser.parse((run.before / "site-merahputih.atom").read_bytes()).entries
    }
    atom_new = {
        e.id: e for e in feedparser.parse((run.after / "site-merahputih.atom").read_bytes()).entries
    }
    assert atom_new[article_url].updated_parsed > atom_old[article_url].updated_parsed
    # modified_at is what moved, and one revision of the old text was kept.
    assert stored(run.db, "SELECT count(*) FROM revisions") == [(1,)]


def test_only_the_edited_and_new_entries_change_byte_for_byte(run: Run) -> None:
    ((edited,),) = stored(run.db, f"SELECT canonical_url FROM articles WHERE title = '{NEW_TITLE}'")
    old_ids = set(entries_by_id(run.before / "all.atom"))
    new_ids = set(entries_by_id(run.after / "all.atom")) - old_ids
    assert len(new_ids) == 2  # merahputih's day-1 stories
    changed = {edited, *new_ids}
    touched = 0
    for path in feed_files(run.after):
        before = run.before / path.name
        after_entries = entries_by_id(path)
        if not changed & after_entries.keys():
            assert path.read_bytes() == before.read_bytes(), path.name
            continue
        touched += 1
        before_entries = entries_by_id(before)
        for entry_id, data in after_entries.items():
            if entry_id not in changed:
                assert data == before_entries[entry_id], (path.name, entry_id)
    assert 0 < touched < len(feed_files(run.after))


def test_incremental_rebuild_reads_only_changed_feeds_and_equals_a_full_one(run: Run) -> None:
    names = sorted(p.name for p in run.full.iterdir() if not p.name.startswith("."))
    assert sorted(p.name for p in run.after.iterdir() if not p.name.startswith(".")) == names
    for name in names:
        assert (run.after / name).read_bytes() == (run.full / name).read_bytes(), name
    assert run.report.skipped  # unchanged feeds were neither read nor rendered
    rebuilt = run.report.feeds - len(run.report.skipped)
    written_feeds = {name.rsplit(".", 1)[0] for name in run.report.written} - {"index", "feeds"}
    assert len(written_feeds) == rebuilt
    again = build_feeds(f"sqlite:///{run.db}", run.after, base_url=BASE_URL)
    assert again.written == [] and len(again.skipped) == again.feeds


@pytest.fixture(scope="module")
def served(run: Run) -> Iterator[str]:
    loop = asyncio.new_event_loop()
    runner = web.AppRunner(make_app(run.after))
    loop.run_until_complete(runner.setup())
    site = web.TCPSite(runner, "127.0.0.1", 0)
    loop.run_until_complete(site.start())
    port = runner.addresses[0][1]
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{port}/"
    finally:
        loop.call_soon_threadsafe(loop.stop)
        thread.join(5)
        loop.run_until_complete(runner.cleanup())
        loop.close()


@pytest.mark.parametrize("name", ["all.xml", "all.atom", "site-merahputih.xml"])
def test_feedparser_polls_the_served_feed_and_gets_304_with_its_etag(
    served: str, name: str
) -> None:
    first = feedparser.parse(served + name)
    assert first.status == 200 and first.bozo == 0, first.get("bozo_exception")
    assert first.headers["content-encoding"] == "gzip"  # feedparser asks for gzip
    assert first.entries and first.etag
    again = feedparser.parse(served + name, etag=first.etag, modified=first.modified)
    assert again.status == 304 and not again.entries


def test_index_page_groups_feeds_with_subscribe_links(served: str, run: Run) -> None:
    import lxml.html

    page = feedparser.parse(served)  # served as text/html: not a feed
    assert page.headers["content-type"].startswith("text/html")
    doc = lxml.html.fromstring((run.after / "index.html").read_bytes())
    assert [s.get("id") for s in doc.findall("body/section")] == [
        "group-all",
        "group-topic",
        "group-region",
        "group-site",
    ]
    merahputih = doc.get_element_by_id("feed-site-merahputih")
    assert NEW_TITLE in [a.text for a in merahputih.findall("ul/li/a")]
    assert len(merahputih.find_class("subscribe")[0].findall("a")) == 3
