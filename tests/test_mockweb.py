"""The mock news web serves what the demo and the crawl tests rely on.

Pages are checked over real HTTP (the session's ``mockweb`` server from
``conftest.py``) with plain ``urllib``; link reachability is checked in-process
with :meth:`MockSite.render`, which the server only wraps.
"""

from __future__ import annotations

import calendar
import json
import re
import subprocess
import sys
import urllib.error
import urllib.request
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

import feedparser
import lxml.html
import pytest
from lxml import etree

from crawler.discovery import UrlKind, classify_url
from crawler.sites import load_sites
from kabar.demo import DEFAULT_NOW, build_web, write_sites_toml
from kabar.demo.text import WIB, day_date_time_words
from kabar.demo.web import SEED_TITLE, MockArticle, MockSite

SEED_TEXT = Path(__file__).parents[1] / "kabar" / "demo" / "data" / "seed_rakor_tanjung_lago.txt"
WEB = build_web()
SITE_NAMES = [site.name for site in WEB.sites]


def fetch(url: str) -> tuple[int, str, bytes, str]:
    """Status, content type, body and final URL (after redirects) of a GET."""
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, response.headers["Content-Type"], response.read(), response.url
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers["Content-Type"], exc.read(), url


def html_of(url: str) -> lxml.html.HtmlElement:
    status, content_type, body, _ = fetch(url)
    assert (status, content_type) == (200, "text/html; charset=utf-8"), url
    return lxml.html.fromstring(body)


def text_of(element: Any) -> str:
    return " ".join(element.text_content().split())


# -- ground truth ---------------------------------------------------------------


def test_sites_and_articles_are_plentiful_and_dated_before_now() -> None:
    assert len(WEB.sites) >= 3
    assert len({site.theme for site in WEB.sites}) >= 3
    for site in WEB.sites:
        assert 8 <= len(site.articles) <= 15, site.name
        assert len({a.path for a in site.articles}) == len(site.articles)
        for article in site.articles:
            assert article.published.utcoffset() == timedelta(hours=7)
            assert article.published <= article.modified <= WEB.now
    assert len(WEB.articles()) == sum(len(site.articles) for site in WEB.sites)


def test_seed_story_is_an_article_of_the_first_site() -> None:
    seed = WEB.seed_article
    assert seed.site == WEB.sites[0].name
    assert seed.title == SEED_TITLE
    assert seed.published == datetime(2023, 7, 17, 9, 30, tzinfo=WIB)
    assert seed.location == "Tanjung Lago"
    assert seed.credit == "(Deni)."
    lines = [line.strip() for line in SEED_TEXT.read_text().splitlines() if line.strip()]
    body = lines[lines.index(SEED_TITLE, 1) + 1 : lines.index("(Deni).")]
    assert list(seed.paragraphs) == body
    assert seed.paragraphs[0].startswith("TANJUNG LAGO, MERAHPUTIHNEWS.CO ID – ")


def test_seed_story_is_syndicated_with_light_edits() -> None:
    seed = WEB.seed_article
    [copy] = [a for a in WEB.articles() if a.syndicated_from]
    assert copy.syndicated_from == seed.site != copy.site
    assert copy.title == seed.title
    assert copy.published > seed.published
    assert copy.paragraphs[1:] == seed.paragraphs[1:]
    assert copy.paragraphs[0] != seed.paragraphs[0]
    assert copy.credit != seed.credit


def test_dates_follow_now_and_rendering_is_deterministic() -> None:
    later = build_web(DEFAULT_NOW + timedelta(days=2))
    for before, after in zip(WEB.articles(), later.articles(), strict=True):
        assert after.published - before.published == timedelta(days=2)
    assert "Rabu (19/7/2023)" in later.seed_article.paragraphs[0]
    fresh = build_web.__wrapped__(DEFAULT_NOW)
    base = "http://127.0.0.1:8000/"
    for site, again in zip(WEB.sites, fresh.sites, strict=True):
        for article in site.articles:
            assert site.render(article.path, base) == again.render(article.path, base)


# -- links ------------------------------------------------------------------------


TRAPS = re.compile(r"/kalender/|/arsip/")
"""Paths whose links lead on forever: followed from their entry page only."""


def crawl(site: MockSite, base: str) -> dict[str, int]:
    """Status of every same-site path reachable by ``<a href>`` from the homepage."""
    seen: dict[str, int] = {}
    queue = ["/"]
    while queue:
        path = queue.pop()
        if path in seen:
            continue
        response = site.render(path, base)
        seen[path] = response.status
        if response.status != 200 or not response.content_type.startswith("text/html"):
            continue
        if TRAPS.search(path) and path not in {f.path for f in site.faults}:
            continue
        for href in lxml.html.fromstring(response.body).xpath("//a/@href"):
            url = urlsplit(urljoin(base + path.lstrip("/"), href))
            if url.netloc == urlsplit(base).netloc:
                queue.append(url.path)
    return seen


@pytest.mark.parametrize("name", SITE_NAMES)
def test_listings_reach_every_article_and_every_link_resolves(name: str) -> None:
    site = WEB.site(name)
    statuses = crawl(site, "http://127.0.0.1:8000/")
    assert {a.path for a in site.articles} <= set(statuses)
    faults = {f.path: f.status for f in WEB.faults() if f.site == name}
    faults |= {f.target: 302 for f in site.faults if f.target}
    broken = {p: s for p, s in statuses.items() if s != 200 and faults.get(p) != s}
    assert broken == {}
    assert {f.path for f in WEB.faults() if f.site == name} <= set(statuses)


@pytest.mark.parametrize("name", SITE_NAMES)
def test_links_mix_absolute_and_root_relative(mockweb: dict[str, str], name: str) -> None:
    base = mockweb[name]
    hrefs = html_of(base).xpath("//a/@href")
    assert any(h.startswith(base) for h in hrefs)
    assert any(h.startswith("/") and not h.startswith("//") for h in hrefs)


def test_pagination_links_next_and_ends_in_404(mockweb: dict[str, str]) -> None:
    base = mockweb["merahputih"]
    first = html_of(base + "category/pemerintahan/")
    assert first.xpath('//link[@rel="next"]/@href') == [base + "category/pemerintahan/page/2/"]
    second = html_of(base + "category/pemerintahan/page/2/")
    assert second.xpath('//link[@rel="prev"]/@href') == [base + "category/pemerintahan/"]
    assert len(second.xpath("//main//article")) == 1
    assert fetch(base + "category/pemerintahan/page/3/")[0] == 404
    home = html_of(mockweb["suarasumsel"])
    assert home.xpath('//a[@rel="next"]/@href') == ["/page/2/"]


def test_slashless_urls_redirect(mockweb: dict[str, str]) -> None:
    status, _, _, final = fetch(mockweb["halobanyuasin"] + "tag/banyuasin")
    assert (status, final) == (200, mockweb["halobanyuasin"] + "tag/banyuasin/")


# -- article pages ------------------------------------------------------------------


def check_article_page(base: str, article: MockArticle, site: MockSite) -> lxml.html.HtmlElement:
    page = html_of(article.url(base))
    assert page.findtext(".//title") == f"{article.title} - {site.title}"
    assert [text_of(h) for h in page.xpath("//h1")] == [article.title]
    text = text_of(page)
    for paragraph in (*article.paragraphs, article.credit):
        assert paragraph in text
    assert re.search(r"Baca juga:", text, re.IGNORECASE)
    assert "Tinggalkan Balasan" in text
    assert "Alamat email Anda tidak akan dipublikasikan." in text
    return page


def ld_json(page: lxml.html.HtmlElement) -> list[Any]:
    return [json.loads(s) for s in page.xpath('//script[@type="application/ld+json"]/text()')]


def test_jurnal_theme_has_graph_json_ld_and_article_meta(mockweb: dict[str, str]) -> None:
    site, seed = WEB.site("merahputih"), WEB.seed_article
    page = check_article_page(mockweb["merahputih"], seed, site)
    [data] = ld_json(page)
    [news] = [node for node in data["@graph"] if node["@type"] == "NewsArticle"]
    assert datetime.fromisoformat(news["datePublished"]) == seed.published
    meta = page.xpath('//meta[@property="article:published_time"]/@content')
    assert [datetime.fromisoformat(m) for m in meta] == [seed.published]
    assert page.xpath("//div[@class='entry-content']/p[1]/strong/text()") == [
        "TANJUNG LAGO, MERAHPUTIHNEWS.CO ID"
    ]


def test_terang_theme_has_plain_json_ld_and_og_meta(mockweb: dict[str, str]) -> None:
    site = WEB.site("halobanyuasin")
    article = next(a for a in site.articles if not a.malformed)
    page = check_article_page(mockweb["halobanyuasin"], article, site)
    [data] = ld_json(page)
    assert data["@type"] == "NewsArticle"
    assert datetime.fromisoformat(data["datePublished"]) == article.published
    assert page.xpath('//meta[@property="og:title"]/@content') == [article.title]


def test_klasik_theme_has_no_structured_data_only_a_date_in_words(
    mockweb: dict[str, str],
) -> None:
    site = WEB.site("suarasumsel")
    for article in site.articles[:3]:
        page = check_article_page(mockweb["suarasumsel"], article, site)
        assert ld_json(page) == []
        assert page.xpath("//meta[@property] | //time | //*[@datetime] | //*[@itemprop]") == []
        date = page.xpath("//span[@class='post-date']/text()")
        assert date == [day_date_time_words(article.published)]
        assert article.path.startswith("/berita/") and article.path.endswith(".html")


def test_images_are_served_as_png(mockweb: dict[str, str]) -> None:
    article = WEB.seed_article
    page = html_of(article.url(mockweb["merahputih"]))
    [image] = page.xpath('//meta[@property="og:image"]/@content')
    status, content_type, body, _ = fetch(image)
    assert (status, content_type, body[:8]) == (200, "image/png", b"\x89PNG\r\n\x1a\n")


# -- feeds, sitemaps, robots ---------------------------------------------------------------


def test_rss_feed_is_advertised_and_describes_the_latest_articles(mockweb: dict[str, str]) -> None:
    base, site = mockweb["merahputih"], WEB.site("merahputih")
    feeds = html_of(base).xpath('//link[@rel="alternate"][@type="application/rss+xml"]/@href')
    assert base + "feed/" in feeds
    status, content_type, body, _ = fetch(base + "feed/")
    assert (status, content_type) == (200, "application/rss+xml; charset=utf-8")
    feed = feedparser.parse(body)
    assert not feed.bozo and feed.version == "rss20"
    assert [e.link for e in feed.entries] == [a.url(base) for a in site.articles[:10]]
    entry, article = feed.entries[0], site.articles[0]
    assert entry.author == article.author
    published = datetime.fromtimestamp(calendar.timegm(entry.published_parsed), UTC)
    assert published == article.published
    assert article.category_label in [t.term for t in entry.tags]
    assert entry.id == f"{base}?p={article.post_id}"
    assert article.paragraphs[-1] in entry.content[0].value
    assert entry.published.endswith("+0000")


def test_atom_feed(mockweb: dict[str, str]) -> None:
    base, site = mockweb["halobanyuasin"], WEB.site("halobanyuasin")
    feeds = html_of(base).xpath('//link[@rel="alternate"][@type="application/atom+xml"]/@href')
    assert feeds == ["/feed/atom/"]
    status, content_type, body, _ = fetch(base + "feed/atom/")
    assert (status, content_type) == (200, "application/atom+xml; charset=utf-8")
    feed = feedparser.parse(body)
    assert not feed.bozo and feed.version == "atom10"
    assert [e.link for e in feed.entries] == [a.url(base) for a in site.articles[:10]]


def test_listing_only_site_has_no_feed_and_no_sitemap(mockweb: dict[str, str]) -> None:
    base = mockweb["suarasumsel"]
    assert html_of(base).xpath('//link[@rel="alternate"]') == []
    assert fetch(base + "feed/")[0] == 404
    assert fetch(base + "sitemap.xml")[0] == 404
    status, content_type, robots, _ = fetch(base + "robots.txt")
    assert (status, content_type) == (200, "text/plain; charset=utf-8")
    assert b"Sitemap:" not in robots


def sitemap_urls(url: str) -> dict[str, str]:
    """``loc -> lastmod`` of a sitemap, following a sitemap index."""
    status, content_type, body, _ = fetch(url)
    assert (status, content_type) == (200, "application/xml; charset=utf-8")
    root = etree.fromstring(body)
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    if etree.QName(root).localname == "sitemapindex":
        found: dict[str, str] = {}
        for child in root.xpath("//s:sitemap/s:loc/text()", namespaces=ns):
            found |= sitemap_urls(child)
        return found
    return {
        node.findtext("s:loc", namespaces=ns): node.findtext("s:lastmod", namespaces=ns)
        for node in root.xpath("//s:url", namespaces=ns)
    }


@pytest.mark.parametrize(
    ("name", "kind"), [("merahputih", "sitemapindex"), ("halobanyuasin", "urlset")]
)
def test_robots_names_the_sitemap_which_lists_every_article(
    mockweb: dict[str, str], name: str, kind: str
) -> None:
    base, site = mockweb[name], WEB.site(name)
    robots = fetch(base + "robots.txt")[2].decode()
    assert f"Sitemap: {base}sitemap.xml" in robots.splitlines()
    assert etree.QName(etree.fromstring(fetch(base + "sitemap.xml")[2])).localname == kind
    urls = sitemap_urls(base + "sitemap.xml")
    for article in site.articles:
        assert datetime.fromisoformat(urls[article.url(base)]) == article.modified


# -- faults -------------------------------------------------------------------------


def test_fault_urls_are_linked_from_the_homepage_and_fail_as_described(
    mockweb: dict[str, str],
) -> None:
    base = mockweb["halobanyuasin"]
    links = set(html_of(base).xpath("//a/@href"))
    faults = {f.kind: f for f in WEB.faults() if f.site == "halobanyuasin"}
    assert set(faults) == {"server_error", "not_found", "not_html"}
    for fault in faults.values():
        assert fault.path in links
    assert fetch(base + faults["server_error"].path.lstrip("/"))[:2] == (
        500,
        "text/html; charset=utf-8",
    )
    assert fetch(base + faults["not_found"].path.lstrip("/"))[:2] == (
        404,
        "text/html; charset=utf-8",
    )
    pdf_url = base + faults["not_html"].path.lstrip("/")
    status, content_type, body, _ = fetch(pdf_url)
    assert (status, content_type, body[:5]) == (200, "application/pdf", b"%PDF-")
    assert classify_url(pdf_url) is UrlKind.ARTICLE


def test_malformed_article_is_still_an_article(mockweb: dict[str, str]) -> None:
    site = WEB.site("halobanyuasin")
    [article] = [a for a in site.articles if a.malformed]
    status, _, body, _ = fetch(article.url(mockweb["halobanyuasin"]))
    assert status == 200
    assert b"</p>" not in body and not body.rstrip().endswith(b"</html>")
    check_article_page(mockweb["halobanyuasin"], article, site)


# -- the server process and the sites file -----------------------------------------------


def test_server_exits_when_its_stdin_closes() -> None:
    server = subprocess.Popen(
        [sys.executable, "-m", "kabar.demo.server"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
    )
    try:
        assert server.stdout is not None and server.stdin is not None
        sites = json.loads(server.stdout.readline())["sites"]
        assert set(sites) == set(SITE_NAMES)
        server.stdin.close()
        assert server.wait(timeout=10) == 0
    finally:
        if server.poll() is None:
            server.kill()
        server.wait()
        if server.stdout is not None:
            server.stdout.close()


def test_sites_toml_points_kabar_at_the_mock_web(mockweb: dict[str, str], tmp_path: Path) -> None:
    sites = load_sites(write_sites_toml(mockweb, tmp_path / "sites.toml"))
    assert {s.name: s.url for s in sites} == mockweb
    assert {s.name: s.region for s in sites} == {s.name: s.region for s in WEB.sites}
