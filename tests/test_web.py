"""The web front on a real archive: the mock news web crawled by the real ``kabar crawl``, its
feeds published, served by ``feeds.serve`` with the archive (search, article pages), and read
over HTTP and in Debian's chromium, headless, driven by Playwright.

Browser tests are skipped, with the reason, when chromium or Playwright is missing, except in
CI (``CI`` set), where a missing browser is a failure. Screenshots at desktop (1280 px) and
phone (390 px) widths are saved under ``test-artifacts/screenshots/`` and their paths printed.
"""

from __future__ import annotations

import contextlib
import http.client
import os
import re
import shutil
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

import lxml.html
import pytest

from archive.db import ArchiveError, make_engine, make_sessionmaker, session_scope
from feeds.collect import plan_feeds
from feeds.publish import publish
from feeds.serve import make_app
from kabar.demo import write_sites_toml
from tests.conftest import PROJECT_ROOT, run_kabar
from tests.test_serve import guarded

FAST = [
    "--set", "AUTOTHROTTLE_ENABLED=False",
    "--set", "DOWNLOAD_DELAY=0",
    "--set", "CONCURRENT_REQUESTS_PER_DOMAIN=8",
    "--set", "KABAR_BACKOFF_BASE_S=0.1",
    "--set", "DOWNLOAD_TIMEOUT=3",
]  # fmt: skip
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENSHOTS = PROJECT_ROOT / "test-artifacts" / "screenshots"
WIDTHS = {"desktop": (1280, 900), "phone": (390, 844)}
# What a screen reader or keyboard user trips over first, checked in the rendered page.
ACCESSIBILITY_PROBLEMS = """() => {
  const problems = [];
  if (document.documentElement.lang !== "id") problems.push("page language is not id");
  if (document.querySelectorAll("h1").length !== 1) problems.push("not exactly one h1");
  let level = 0;
  for (const heading of document.querySelectorAll("h1, h2, h3, h4, h5, h6")) {
    const next = Number(heading.tagName[1]);
    if (next > level + 1) problems.push("heading level skipped at " + heading.textContent);
    level = next;
  }
  for (const link of document.querySelectorAll("a")) {
    if (!link.textContent.trim()) problems.push("link without text: " + link.href);
  }
  for (const control of document.querySelectorAll("input, select, textarea")) {
    const named = (control.labels && control.labels.length) || control.getAttribute("aria-label");
    if (!named) problems.push("control without a label: " + control.name);
  }
  return problems;
}"""


@dataclass(frozen=True)
class Served:
    url: str  # ends with "/"
    db: Path
    feeds: Path


@pytest.fixture(scope="module")
def archive_db(mockweb: dict[str, str], tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The mock web crawled into SQLite by the real command line."""
    work = tmp_path_factory.mktemp("web")
    db = work / "kabar.db"
    sites = write_sites_toml(mockweb, work / "sites.toml")
    crawl = run_kabar("crawl", "--sites", str(sites), "--db", f"sqlite:///{db}", *FAST)
    assert crawl.returncode == 0, crawl.stdout + crawl.stderr
    return db


@pytest.fixture(scope="module")
def served(archive_db: Path) -> Iterator[Served]:
    """The archive's feeds published for the server's own URL, served with the archive."""
    feeds = archive_db.parent / "public"
    feeds.mkdir()
    with guarded(make_app(feeds, f"sqlite:///{archive_db}")) as port:
        url = f"http://127.0.0.1:{port}/"
        engine = make_engine(f"sqlite:///{archive_db}")
        with session_scope(make_sessionmaker(engine)) as session:
            publish(feeds, plan_feeds(session), base_url=url)
        engine.dispose()
        yield Served(url, archive_db, feeds)


def get(served: Served, path: str) -> tuple[int, dict[str, str], str]:
    parts = urlsplit(served.url)
    connection = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=30)
    connection.request("GET", path)
    response = connection.getresponse()
    body = response.read().decode("utf-8")
    connection.close()
    return response.status, {k.lower(): v for k, v in response.getheaders()}, body


def stored(db: Path, sql: str, *params: Any) -> list[Any]:
    with sqlite3.connect(db) as connection:
        return connection.execute(sql, params).fetchall()


def search_word(db: Path) -> tuple[str, str]:
    """A word of the newest story's title that search must find, and that title."""
    ((title,),) = stored(
        db, "SELECT title FROM articles WHERE duplicate_of IS NULL ORDER BY published_at DESC"
    )[:1]
    word = max(re.findall(r"\w+", title), key=len)
    return word, title


# --- over HTTP ----------------------------------------------------------------------------


def test_index_shows_the_search_form_only_when_served_with_the_archive(served: Served) -> None:
    status, _, body = get(served, "/")
    assert status == 200
    form = lxml.html.fromstring(body).get_element_by_id("cari")
    assert form.get("hidden") is None and form.get("action") == "search"
    # The published file itself keeps it hidden: a static host cannot answer it.
    published = lxml.html.fromstring((served.feeds / "index.html").read_bytes())
    assert published.get_element_by_id("cari").get("hidden") is not None


def test_search_finds_a_story_and_links_its_article_page(served: Served) -> None:
    word, title = search_word(served.db)
    status, _, body = get(served, f"/search?q={quote(word)}")
    assert status == 200
    doc = lxml.html.fromstring(body)
    results = doc.get_element_by_id("hasil").findall("li")
    titles = [li.findtext("h2/a") for li in results]
    assert title in titles
    link = results[titles.index(title)].find("h2/a").get("href")
    assert re.fullmatch(r"/article/\d+", link)
    assert [m.text.casefold() for m in doc.iter("mark")][:1] == [word.casefold()]


def test_search_filters_are_those_of_kabar_search(served: Served) -> None:
    word, _ = search_word(served.db)
    ((site,),) = stored(
        served.db,
        "SELECT s.name FROM articles a JOIN sites s ON s.id = a.site_id "
        "WHERE a.title LIKE ? ORDER BY a.id LIMIT 1",
        f"%{word}%",
    )
    _, _, body = get(served, f"/search?q={quote(word)}&site={site}")
    sites = {s.text for s in lxml.html.fromstring(body).find_class("site")}
    assert sites == {site}
    _, _, body = get(served, f"/search?q={quote(word)}&since=2099-01-01")
    assert "Tidak ada hasil" in body
    status, _, body = get(served, f"/search?q={quote(word)}&site=nosuch")
    assert status == 400
    notice = lxml.html.fromstring(body).find_class("notice")[0].text_content()
    assert "nosuch" in notice and site in notice  # names the valid sites
    status, _, body = get(served, f"/search?q={quote(word)}&since=kemarin")
    assert status == 400 and "TTTT-BB-HH" in body


def test_search_text_is_escaped(served: Served) -> None:
    query = '<script>alert(1)</script> "dana'
    status, _, body = get(served, "/search?q=" + quote(query))
    assert status == 200
    assert "<script>" not in body and "&lt;script&gt;" in body


def test_article_page_shows_fields_copies_and_fetches(served: Served) -> None:
    ((original, copy, copy_site),) = stored(
        served.db,
        "SELECT a.duplicate_of, a.id, s.name FROM articles a JOIN sites s ON s.id = a.site_id "
        "WHERE a.duplicate_of IS NOT NULL ORDER BY a.id LIMIT 1",
    )
    ((title, url),) = stored(
        served.db, "SELECT title, canonical_url FROM articles WHERE id = ?", original
    )
    status, _, body = get(served, f"/article/{original}")
    assert status == 200
    doc = lxml.html.fromstring(body)
    assert doc.findtext(".//h1") == title
    assert url in [a.get("href") for a in doc.iter("a")]
    copies = doc.get_element_by_id("salinan")
    assert f"/article/{copy}" in [a.get("href") for a in copies.iter("a")]
    assert copy_site in copies.text_content()
    assert "Data arsip" in doc.get_element_by_id("data").text_content()
    assert "200" in doc.get_element_by_id("pengambilan").text_content()
    assert get(served, "/article/99999999")[0] == 404


def test_stored_script_urls_never_become_links(served: Served, tmp_path: Path) -> None:
    db = tmp_path / "kabar.db"
    shutil.copy(served.db, db)
    with contextlib.closing(sqlite3.connect(db)) as database, database:
        database.execute(
            "UPDATE articles SET canonical_url = ' JaVaScRiPt:alert(1)', "
            "title = '<img src=x onerror=alert(1)>' WHERE id = 1"
        )
    with guarded(make_app(served.feeds, f"sqlite:///{db}")) as port:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        connection.request("GET", "/article/1")
        body = connection.getresponse().read().decode()
        connection.close()
    doc = lxml.html.fromstring(body)
    assert doc.findtext(".//h1") == "<img src=x onerror=alert(1)>"
    assert not doc.xpath("//img") and "javascript" not in " ".join(
        a.get("href", "").lower() for a in doc.iter("a")
    )


def test_the_archive_is_opened_read_only_and_never_created(tmp_path: Path) -> None:
    missing = tmp_path / "typo.db"
    with pytest.raises(ArchiveError, match="no such database"):
        make_app(tmp_path, f"sqlite:///{missing}")
    assert not missing.exists()
    empty = tmp_path / "empty.db"
    sqlite3.connect(empty).close()
    with pytest.raises(ArchiveError, match="no kabar archive"):
        make_app(tmp_path, f"sqlite:///{empty}")
    assert stored(empty, "SELECT name FROM sqlite_master") == []  # nothing migrated


def test_without_an_archive_there_is_no_search_page(tmp_path: Path) -> None:
    (tmp_path / "index.html").write_text("<!doctype html><title>x</title>")
    with guarded(make_app(tmp_path)) as port:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        connection.request("GET", "/search?q=x")
        assert connection.getresponse().status == 404
        connection.close()


# --- in a real browser --------------------------------------------------------------------


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Debian's chromium, headless, through Playwright (never a downloaded browser)."""
    reason = None
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        reason = "Playwright for Python is not installed (pip install playwright)"
    if reason is None and not CHROMIUM.exists():
        reason = f"{CHROMIUM} is missing (apt-get install chromium)"
    if reason is not None:
        if os.environ.get("CI"):
            pytest.fail(f"browser tests cannot run in CI: {reason}")
        pytest.skip(reason)
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield launched
        finally:
            launched.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="id-ID")
    opened = context.new_page()
    errors: list[str] = []
    opened.on("pageerror", lambda error: errors.append(str(error)))
    yield opened
    context.close()
    assert errors == []


def visible_text(page: Any) -> str:
    return str(page.inner_text("body"))


def test_browser_index_shows_latest_stories_with_their_sites(page: Any, served: Served) -> None:
    page.goto(served.url)
    assert page.title() == "kabar"
    heading = page.locator("h1")
    assert heading.count() == 1 and heading.inner_text().startswith("Berita daerah terbaru")
    sites = [name for (name,) in stored(served.db, "SELECT name FROM sites")]
    latest = page.locator("#group-all li")
    assert latest.count() == 5
    for n in range(latest.count()):
        item = latest.nth(n)
        assert item.locator("a").first.is_visible()
        assert item.locator(".site").inner_text() in sites  # the source site per headline
    toc = page.get_by_role("navigation", name="Daftar isi")
    assert toc.is_visible() and toc.get_by_role("link", name="Topik").is_visible()
    assert page.get_by_role("link", name="OPML").first.get_attribute("href") == "feeds.opml"


def test_browser_follows_a_topic_to_its_feed_page(page: Any, served: Served) -> None:
    page.goto(served.url)
    chip = page.locator("nav.toc a[href^='#feed-topic-']").first
    topic = chip.evaluate("a => a.firstChild.textContent.trim()")
    count = int(chip.locator(".count").inner_text().replace(".", ""))
    chip.click()
    card = page.locator(f"article{chip.get_attribute('href')}")
    assert card.is_visible() and card.locator("h3").inner_text() == topic
    card.get_by_role("link", name=re.compile(r"^Semua .* berita")).click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == topic
    stories = page.locator("ol.stories > li")
    assert stories.count() == count
    hrefs = stories.locator("h2 a").evaluate_all("links => links.map(a => a.href)")
    assert all(href.startswith("http") for href in hrefs)
    # The subscribe links work: the RSS file opens as a page through feed.css.
    page.get_by_role("link", name="RSS").first.click()
    page.wait_for_load_state()
    assert page.evaluate("document.contentType") == "application/xml"
    assert page.locator("item").count() == count
    assert page.locator("item > title").first.is_visible()
    assert not page.locator("item > guid").first.is_visible()


def test_browser_search_then_article_page(page: Any, served: Served) -> None:
    word, title = search_word(served.db)
    page.goto(served.url)
    box = page.get_by_role("searchbox", name="Cari di arsip berita")
    box.fill(word)
    box.press("Enter")
    page.wait_for_url(re.compile(r"/search\?"))
    result = page.locator("#hasil li h2 a", has_text=title)
    assert result.count() == 1 and result.is_visible()
    assert page.get_by_role("status").inner_text().endswith(f"“{word}”")
    result.click()
    page.wait_for_url(re.compile(r"/article/\d+$"))
    assert page.locator("h1").inner_text() == title
    assert page.get_by_role("heading", name="Data arsip").is_visible()
    original = page.get_by_role("link", name="Baca di situs asli →")
    assert original.get_attribute("href").startswith("http")
    text = visible_text(page)
    assert "Salinan di situs lain" in text and "Revisi" in text and "Pengambilan" in text


@pytest.mark.parametrize("width", list(WIDTHS))
def test_browser_screenshots(
    browser: Any, served: Served, width: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """Each page at desktop and phone width: saved for people to look at; checked for what a
    small screen gets wrong (content wider than the screen)."""
    viewport_width, viewport_height = WIDTHS[width]
    context = browser.new_context(
        viewport={"width": viewport_width, "height": viewport_height}, locale="id-ID"
    )
    page = context.new_page()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    word, _ = search_word(served.db)
    ((article_id,),) = stored(
        served.db, "SELECT duplicate_of FROM articles WHERE duplicate_of IS NOT NULL LIMIT 1"
    )
    pages = {
        "index": served.url,
        "search": f"{served.url}search?q={quote(word)}",
        "article": f"{served.url}article/{article_id}",
        "feed": f"{served.url}all.xml",  # the RSS file itself, through feed.css
    }
    page.goto(served.url)
    pages["topic"] = served.url + str(
        page.locator("#group-topic .more a").first.get_attribute("href")
    )
    saved = []
    try:
        for name, url in pages.items():
            page.goto(url)
            overflow = page.evaluate(
                "document.documentElement.scrollWidth - document.documentElement.clientWidth"
            )
            assert overflow <= 0, f"{name} is wider than a {viewport_width} px screen"
            if name != "feed":
                assert page.evaluate(ACCESSIBILITY_PROBLEMS) == [], name
            path = SCREENSHOTS / f"{name}-{width}.png"
            page.screenshot(path=str(path))
            assert path.stat().st_size > 10_000  # a rendered page, not a blank one
            saved.append(path)
    finally:
        context.close()
    with capsys.disabled():
        for path in saved:
            print(f"\nscreenshot: {path}")


# --- the published pages -----------------------------------------------------------------


def test_a_syndicated_story_is_listed_once_with_every_site_that_carried_it(
    served: Served,
) -> None:
    ((title, original_site, copy_site),) = stored(
        served.db,
        "SELECT o.title, so.name, sc.name FROM articles c "
        "JOIN articles o ON o.id = c.duplicate_of "
        "JOIN sites so ON so.id = o.site_id JOIN sites sc ON sc.id = c.site_id "
        "ORDER BY c.id LIMIT 1",
    )
    all_page = lxml.html.fromstring((served.feeds / "all.html").read_bytes())
    items = [li for li in all_page.iter("li") if li.findtext("h2/a") == title]
    assert len(items) == 1  # one entry per story
    byline = items[0].find_class("source")[0]
    assert byline.find_class("site")[0].text == original_site
    assert "juga di" in byline.text_content()
    assert [a.text for a in byline.iter("a")] == [copy_site]


def test_published_pages_escape_what_sites_wrote(tmp_path: Path) -> None:
    from datetime import UTC, datetime

    from feeds.model import FeedEntry, FeedInfo

    hostile = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    entry = FeedEntry(
        id="https://contoh.id/1",
        link="javascript:alert(1)",
        title=hostile,
        published=datetime(2023, 7, 20, 3, tzinfo=UTC),
        updated=datetime(2023, 7, 20, 3, tzinfo=UTC),
        summary=hostile,
        source_name=hostile,
        also_at=((hostile, "https://lain.id/1"),),
    )
    info = FeedInfo("all", hostile, hostile)
    publish(tmp_path, [(info, [entry])], base_url="http://127.0.0.1:8080/", site_title=hostile)
    for name in ("index.html", "all.html"):
        page = (tmp_path / name).read_bytes()
        doc = lxml.html.fromstring(page)
        assert not doc.xpath("//script | //img | //*[@onerror]"), name
        assert b"&lt;script&gt;" in page, name
        hrefs = [a.get("href", "") for a in doc.iter("a")]
        assert not [h for h in hrefs if h.lower().startswith("javascript")], name
