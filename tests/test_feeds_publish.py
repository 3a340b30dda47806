"""Publishing feeds: files written atomically and only when changed, ``index.html``,
OPML, and incremental publishing by fingerprint.
"""

from __future__ import annotations

import os
from pathlib import Path

import lxml.etree
import lxml.html
import pytest

from feeds import FeedEntry, FeedInfo, publish, render_rss
from feeds.model import FORMATS, PendingFeed, feed_filename
from tests.test_feeds import BASE_URL, INFO, make_entry

# --- publishing ---------------------------------------------------------------------------


def two_feeds() -> list[tuple[FeedInfo, list[FeedEntry]]]:
    topic = FeedInfo(
        slug="topic-pemerintahan",
        title="Pemerintahan & <Politik>",
        description="Berita pemerintahan",
        group="topic",
    )
    return [(INFO, [make_entry(n) for n in range(1, 8)]), (topic, [make_entry(1)])]


FEED_FILES = sorted(
    feed_filename(slug, fmt) for slug in ("all", "topic-pemerintahan") for fmt in FORMATS
)
FEED_PAGES = ["all.html", "topic-pemerintahan.html"]
DIRECTORY_FILES = ["index.html", "feeds.opml", "feed.css"]


def test_publish_writes_all_files(tmp_path: Path) -> None:
    report = publish(tmp_path, two_feeds(), base_url=BASE_URL)
    assert report.feeds == 2
    assert sorted(report.written) == sorted([*FEED_FILES, *FEED_PAGES, *DIRECTORY_FILES])
    assert report.unchanged == [] and report.removed == []
    assert (tmp_path / "all.xml").read_bytes() == render_rss(
        INFO, two_feeds()[0][1], base_url=BASE_URL
    )
    assert not list(tmp_path.glob("*.tmp"))
    assert (tmp_path / "all.atom").stat().st_mode & 0o777 == 0o644


def test_second_publish_with_same_input_rewrites_nothing(tmp_path: Path) -> None:
    publish(tmp_path, two_feeds(), base_url=BASE_URL)
    past = 1_600_000_000
    for path in tmp_path.iterdir():
        os.utime(path, (past, past))
    report = publish(tmp_path, two_feeds(), base_url=BASE_URL)
    assert report.written == [] and report.removed == []
    assert len(report.unchanged) == len(FEED_FILES) + len(FEED_PAGES) + len(DIRECTORY_FILES)
    assert all(path.stat().st_mtime == past for path in tmp_path.iterdir())


def test_publish_rewrites_only_changed_files(tmp_path: Path) -> None:
    feeds = two_feeds()
    publish(tmp_path, feeds, base_url=BASE_URL)
    topic, topic_entries = feeds[1]
    feeds[1] = (topic, [make_entry(1, title="Judul baru"), *topic_entries[1:]])
    report = publish(tmp_path, feeds, base_url=BASE_URL)
    changed_topic = [feed_filename(topic.slug, fmt) for fmt in FORMATS]
    assert sorted(report.written) == sorted(
        [*changed_topic, "topic-pemerintahan.html", "index.html"]
    )


def test_publish_removes_only_feeds_it_wrote(tmp_path: Path) -> None:
    publish(tmp_path, two_feeds(), base_url=BASE_URL)
    (tmp_path / "robots.txt").write_text("User-agent: *\n")
    report = publish(tmp_path, two_feeds()[:1], base_url=BASE_URL)
    assert sorted(report.removed) == [
        "topic-pemerintahan.atom",
        "topic-pemerintahan.html",
        "topic-pemerintahan.json",
        "topic-pemerintahan.xml",
    ]
    assert not (tmp_path / "topic-pemerintahan.xml").exists()
    assert (tmp_path / "robots.txt").exists()


def test_failed_write_keeps_old_file_and_leaves_no_temp(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    publish(tmp_path, two_feeds(), base_url=BASE_URL)
    before = (tmp_path / "all.xml").read_bytes()

    def broken_replace(src: str, dst: str) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", broken_replace)
    changed = [(INFO, [make_entry(9)])]
    with pytest.raises(OSError, match="disk full"):
        publish(tmp_path, changed, base_url=BASE_URL)
    assert (tmp_path / "all.xml").read_bytes() == before
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


def test_publish_ignores_manifest_names_outside_the_directory(tmp_path: Path) -> None:
    out_dir = tmp_path / "feeds"
    out_dir.mkdir()
    (tmp_path / "precious.txt").write_text("keep")
    (out_dir / ".kabar-manifest.json").write_text('["../precious.txt", "/etc/hosts", ".x"]')
    report = publish(out_dir, [(INFO, [])], base_url=BASE_URL)
    assert report.removed == []
    assert (tmp_path / "precious.txt").exists()


def test_publish_rejects_repeated_slug(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="used twice"):
        publish(tmp_path, [(INFO, []), (INFO, [])], base_url=BASE_URL)


def test_feed_info_rejects_unsafe_slug_and_unknown_group() -> None:
    with pytest.raises(ValueError, match="slug"):
        FeedInfo(slug="../etc/passwd", title="x", description="x")
    with pytest.raises(ValueError, match="group"):
        FeedInfo(slug="ok", title="x", description="x", group="misc")


# --- index.html and OPML ------------------------------------------------------------------


def test_index_html_groups_feeds_with_subscribe_links_and_headlines(tmp_path: Path) -> None:
    publish(tmp_path, two_feeds(), base_url=BASE_URL, site_title="kabar & co")
    raw = (tmp_path / "index.html").read_bytes()
    assert raw.startswith(b"<!DOCTYPE html>")
    assert b"&amp;lt;" not in raw
    doc = lxml.html.fromstring(raw)
    assert doc.findtext("head/title") == "kabar & co"
    sections = doc.findall("body/section")
    assert [s.get("id") for s in sections] == ["group-all", "group-topic"]
    topic = doc.get_element_by_id("feed-topic-pemerintahan")
    assert topic.findtext("h3") == "Pemerintahan & <Politik>"
    subscribe = [a.get("href") for a in topic.find_class("subscribe")[0].iter("a")]
    assert subscribe == [
        BASE_URL + "topic-pemerintahan.xml",
        BASE_URL + "topic-pemerintahan.atom",
        BASE_URL + "topic-pemerintahan.json",
    ]
    headlines = doc.get_element_by_id("feed-all").findall("ul/li/a")
    assert [a.text for a in headlines] == [f"Berita nomor {n}" for n in range(1, 6)]


def test_index_html_links_site_home_and_marks_empty_feeds(tmp_path: Path) -> None:
    site = FeedInfo(
        slug="site-merahputih",
        title="Merah Putih",
        description="Dari satu situs",
        group="site",
        home_url="https://merahputih.example/",
    )
    publish(tmp_path, [(INFO, []), (site, [make_entry()])], base_url=BASE_URL)
    doc = lxml.html.fromstring((tmp_path / "index.html").read_bytes())
    site_heading = doc.get_element_by_id("feed-site-merahputih").find("h3/a")
    assert site_heading.get("href") == "https://merahputih.example/"
    assert "Belum ada berita." in doc.get_element_by_id("feed-all").text_content()


def test_opml_lists_every_feed(tmp_path: Path) -> None:
    publish(tmp_path, two_feeds(), base_url=BASE_URL)
    opml = lxml.etree.parse(str(tmp_path / "feeds.opml")).getroot()
    assert opml.get("version") == "2.0"
    assert opml.findtext("head/title") == "kabar"
    feeds = opml.findall("body/outline/outline")
    assert [(o.get("text"), o.get("xmlUrl"), o.get("type")) for o in feeds] == [
        ("kabar: semua berita", BASE_URL + "all.xml", "rss"),
        ("Pemerintahan & <Politik>", BASE_URL + "topic-pemerintahan.xml", "rss"),
    ]


def test_opml_head_holds_only_what_the_w3c_validator_knows(tmp_path: Path) -> None:
    publish(tmp_path, two_feeds(), base_url=BASE_URL)
    opml = lxml.etree.parse(str(tmp_path / "feeds.opml")).getroot()
    assert [child.tag for child in opml.find("head")] == ["title", "dateModified"]


# --- incremental publishing ---------------------------------------------------------------


def pending(
    info: FeedInfo, entries: list[FeedEntry], fingerprint: str, loads: list[str]
) -> PendingFeed:
    """A feed whose loads are recorded in ``loads``."""

    def load() -> list[FeedEntry]:
        loads.append(info.slug)
        return entries

    return PendingFeed(info, load, fingerprint=fingerprint)


def test_unchanged_fingerprint_skips_loading_and_keeps_output(tmp_path: Path) -> None:
    (all_info, all_entries), (topic, topic_entries) = two_feeds()
    loads: list[str] = []
    publish(
        tmp_path,
        [pending(all_info, all_entries, "a1", loads), pending(topic, topic_entries, "t1", loads)],
        base_url=BASE_URL,
    )
    full = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    loads.clear()
    changed = [make_entry(1, title="Judul baru"), *topic_entries[1:]]
    report = publish(
        tmp_path,
        [pending(all_info, all_entries, "a1", loads), pending(topic, changed, "t2", loads)],
        base_url=BASE_URL,
    )
    assert loads == [topic.slug] and report.skipped == [all_info.slug]
    assert sorted(report.written) == sorted(
        [*(feed_filename(topic.slug, f) for f in FORMATS), "topic-pemerintahan.html", "index.html"]
    )
    # Identical to a full rebuild of the same input, index page included.
    fresh = tmp_path / "fresh"
    publish(fresh, [(all_info, all_entries), (topic, changed)], base_url=BASE_URL)
    for path in fresh.iterdir():
        if not path.name.startswith("."):
            assert (tmp_path / path.name).read_bytes() == path.read_bytes(), path.name
    assert (tmp_path / "all.xml").read_bytes() == full["all.xml"]


def test_missing_file_or_new_base_url_rebuilds_despite_fingerprint(tmp_path: Path) -> None:
    (info, entries), _ = two_feeds()
    loads: list[str] = []
    publish(tmp_path, [pending(info, entries, "f", loads)], base_url=BASE_URL)
    (tmp_path / "all.atom").unlink()
    publish(tmp_path, [pending(info, entries, "f", loads)], base_url=BASE_URL)
    assert (tmp_path / "all.atom").exists() and loads == ["all", "all"]
    report = publish(
        tmp_path, [pending(info, entries, "f", loads)], base_url="http://other.example/"
    )
    assert loads == ["all"] * 3 and "all.xml" in report.written


def test_unreadable_state_means_a_full_rebuild(tmp_path: Path) -> None:
    (info, entries), _ = two_feeds()
    loads: list[str] = []
    publish(tmp_path, [pending(info, entries, "f", loads)], base_url=BASE_URL)
    (tmp_path / ".kabar-feeds.json").write_text("{not json")
    report = publish(tmp_path, [pending(info, entries, "f", loads)], base_url=BASE_URL)
    assert loads == ["all", "all"] and report.skipped == [] and report.written == []
