"""Discovery's pure parts on the URLs, feeds and pagers of other platforms than WordPress
(the crawl of such sites is ``tests/test_other_cms.py``)."""

from __future__ import annotations

import pytest
from parsel import Selector

from crawler.discovery.feeds import linked_feeds, read_feed
from crawler.discovery.urls import (
    UrlKind,
    classify_url,
    excluded,
    page_links,
    pager_next_link,
    url_shape,
)
from crawler.sitecrawl import _following_page
from kabar.core.urls import canonical_url

JOOMLA = "https://x.id/index.php?option=com_content"


ARTICLES = (
    f"{JOOMLA}&view=article&id=123:banjir-di-kota&catid=8&Itemid=101",
    "https://x.id/berita.php?id=12345",
    "https://x.id/news/detail.php?newsid=12345&kat=2",
    "https://x.id/node/12345",  # Drupal without an alias
    "https://x.id/berita/12345/judul-slug",
    "https://x.id/read/2026/12/05/123/judul-slug",
    "https://x.id/2026/12/banjir-di-kota-lama.html",  # Blogger
    "https://x.id/daerah/12345/judul-berita",  # a number, then a short slug
    "https://x.id/berita/d-7654321/judul-slug",
    "https://x.id/12345-banjir-kota",
)
LISTINGS = (
    f"{JOOMLA}&view=category&id=8&Itemid=115&start=10",
    f"{JOOMLA}&view=featured&Itemid=101",
    "https://x.id/index.php?kategori=daerah&page=2",
    "https://x.id/kategori/daerah/2",
    "https://x.id/id/kanal/daerah",  # under a language prefix
    "https://x.id/berita?start=10",  # Joomla with friendly URLs
)
OTHERS = (
    f"{JOOMLA}&view=article&id=abc",
    "https://x.id/index.php?option=com_users&view=login",
    "https://x.id/index.php?option=com_search&searchword=banjir",
    "https://x.id/index.php?format=feed&type=rss",
    "https://x.id/berita.php?id=12345&print=1",
    "https://x.id/taxonomy/term/7",
    "https://x.id/user/3",
    "https://x.id/search/label/Daerah",
    "https://x.id/2026/12/",  # a month's archive is no article
    # A path that is no script keeps its query unread (?p= is WordPress's only).
    "https://x.id/berita?id=2",
)


@pytest.mark.parametrize(
    ("url", "kind"),
    [(u, UrlKind.ARTICLE) for u in ARTICLES]
    + [(u, UrlKind.LISTING) for u in LISTINGS]
    + [(u, UrlKind.OTHER) for u in OTHERS],
)
def test_classify_other_platforms(url: str, kind: UrlKind) -> None:
    assert classify_url(url) is kind


def test_excluded_is_only_what_is_surely_no_article() -> None:
    for url in (
        "https://x.id/tentang-kami",
        "https://x.id/taxonomy/term/7",
        "https://x.id/tag/banjir/",
        "https://x.id/index.php?option=com_contact&view=contact&id=1",
        "https://x.id/?page_id=2",
        "https://x.id/uploads/foto.jpg",
    ):
        assert excluded(url), url
    for url in (
        "https://x.id/banjir/",
        "https://x.id/node/12345",
        f"{JOOMLA}&view=article&id=123",
        "https://x.id/kategori/daerah/",  # a listing, not excluded: sitemaps may hold it
    ):
        assert not excluded(url), url


def test_url_shape_abstracts_what_varies() -> None:
    assert url_shape("https://x.id/berita/12345/judul-slug") == ("berita", "#", "*")
    assert url_shape("https://x.id/banjir-2/") == ("*",)
    assert url_shape("https://x.id/posts/banjir1/") == ("posts", "*")
    assert url_shape("https://x.id/about/") is None  # one page, not a pattern
    assert url_shape("https://x.id/") is None


def test_joomla_menu_ids_and_tracking_make_one_url() -> None:
    home = f"{JOOMLA}&view=article&id=123:banjir&catid=8&Itemid=101"
    section = f"{JOOMLA}&Itemid=115&view=article&id=123:banjir&catid=8"
    feed = f"{home}&utm_source=rss&utm_medium=feed"
    assert canonical_url(home) == canonical_url(section) == canonical_url(feed)
    assert "Itemid" not in canonical_url(home)


def test_feeds_linked_from_the_body() -> None:
    page = Selector(
        text='<a href="/index.xml" class="rss">RSS</a><a href="/sitemap.xml">peta</a>'
        '<a href="/rss">rss</a><a href="/comments/feed/">c</a><a href="/berita/1/a-b">x</a>'
        '<a href="/index.php?format=feed&amp;type=rss">j</a><a href="/rss.xml">d</a>'
    )
    assert linked_feeds(page_links(page, "https://x.id/")) == [
        "https://x.id/index.xml",
        "https://x.id/rss",
        "https://x.id/index.php?format=feed&type=rss",
        "https://x.id/rss.xml",
    ]


ATOM = """<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><id>t</id>
<link rel="self" href="https://x.id/feeds/posts/default"/>{paging}
<entry><id>1</id><title>A</title><link rel="alternate" href="/2026/12/a-b-c.html"/>
<published>2026-12-01T10:00:00+07:00</published></entry></feed>"""


def test_atom_paging_by_its_own_links() -> None:
    first = read_feed(
        ATOM.format(paging='<link rel="next" href="?start-index=26&amp;max-results=25"/>').encode(),
        "https://x.id/feeds/posts/default",
    )
    assert first.next_url == "https://x.id/feeds/posts/default?start-index=26&max-results=25"
    assert first.paged
    assert [c.url for c in first.candidates] == ["https://x.id/2026/12/a-b-c.html"]
    last = read_feed(
        ATOM.format(paging='<link rel="previous" href="/feeds/posts/default"/>').encode(),
        "https://x.id/feeds/posts/default",
    )
    assert last.next_url is None and last.paged  # its last page: no ?paged= guessed
    plain = read_feed(ATOM.format(paging="").encode(), "https://x.id/feed")
    assert plain.next_url is None and not plain.paged


@pytest.mark.parametrize(
    "pager",
    [
        '<a class="blog-pager-older-link" href="/search?updated-max=2026">Posting Lama</a>',
        '<li class="pager__item--next"><a href="/search?updated-max=2026">›</a></li>',
        '<a class="nextpostslink" href="/search?updated-max=2026">»</a>',
        '<a href="/search?updated-max=2026">Berikutnya</a>',
    ],
)
def test_pager_next_link_by_class_or_words(pager: str) -> None:
    page = Selector(text=f'<a href="/2026/12/a-b.html">Berita</a><a href="/p/1">1</a>{pager}')
    assert pager_next_link(page, "https://x.id/") == "https://x.id/search?updated-max=2026"


def test_pager_next_link_none_without_a_pager() -> None:
    page = Selector(text='<a href="/2026/12/a-b.html">Berita</a><a class="prev" href="/p">‹</a>')
    assert pager_next_link(page, "https://x.id/") is None


@pytest.mark.parametrize(
    ("url", "links", "following"),
    [
        # Numbered path pages of a hand-written portal.
        ("https://x.id/kategori/daerah", ["https://x.id/kategori/daerah/2"], "/kategori/daerah/2"),
        (
            "https://x.id/kategori/daerah/2",
            ["https://x.id/kategori/daerah", "https://x.id/kategori/daerah/3"],
            "/kategori/daerah/3",
        ),
        # Drupal counts from 0: the first page has no number, the second is ?page=1.
        (
            "https://x.id/berita",
            ["https://x.id/berita?page=1", "https://x.id/berita?page=2"],
            "/berita?page=1",
        ),
        # Joomla pages by offset.
        (
            "https://x.id/index.php?id=8&start=5",
            ["https://x.id/index.php?id=8", "https://x.id/index.php?id=8&start=10"],
            "/index.php?id=8&start=10",
        ),
        ("https://x.id/category/a/", ["https://x.id/category/b/page/2/"], None),
    ],
)
def test_following_page_by_number(url: str, links: list[str], following: str | None) -> None:
    expected = f"https://x.id{following}" if following else None
    assert _following_page(url, links) == expected


def test_feedburner_items_give_their_original_link() -> None:
    body = b"""<rss version="2.0" xmlns:feedburner="http://rssnamespace.org/feedburner/ext/1.0">
    <channel><item><title>A</title>
    <link>https://feedproxy.google.com/~r/contoh/~3/abc/</link>
    <feedburner:origLink>https://x.id/2026/12/a-b-c.html</feedburner:origLink>
    </item></channel></rss>"""
    feed = read_feed(body, "https://feeds.feedburner.com/contoh")
    assert [c.url for c in feed.candidates] == ["https://x.id/2026/12/a-b-c.html"]
