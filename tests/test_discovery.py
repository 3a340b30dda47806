from __future__ import annotations

import gzip
import json
from datetime import UTC, datetime

import pytest
from parsel import Selector

from crawler.discovery import (
    Candidate,
    FeedError,
    UrlKind,
    classify_url,
    feed_links,
    page_links,
    parse_feed,
    same_site,
)
from crawler.discovery.sitemaps import (
    SitemapError,
    may_hold_articles,
    parse_sitemap,
    robots_sitemaps,
)
from crawler.discovery.urls import next_page_link
from crawler.discovery.wordpress import ApiError, api_root, parse_posts, posts_url
from crawler.sitecrawl import _fill_from_hint
from kabar.core.article import Article


@pytest.mark.parametrize(
    ("url", "kind"),
    [
        ("https://x.id/2023/07/17/rakor-kecamatan-tanjung-lago/", UrlKind.ARTICLE),
        ("https://x.id/rakor-kecamatan-tanjung-lago-bupati-askolani/", UrlKind.ARTICLE),
        ("https://x.id/berita/read/123456/banjir-di-kota/", UrlKind.ARTICLE),
        ("https://x.id/category/pemerintahan/", UrlKind.LISTING),
        ("https://x.id/category/pemerintahan/page/2/", UrlKind.LISTING),
        ("https://x.id/", UrlKind.LISTING),
        ("https://x.id/tag/banyuasin/", UrlKind.OTHER),
        ("https://x.id/author/deni/", UrlKind.OTHER),
        ("https://x.id/?s=banjir", UrlKind.OTHER),
        ("https://x.id/wp-content/uploads/2023/07/foto-kegiatan-bupati-1.jpg", UrlKind.OTHER),
        ("https://x.id/feed/", UrlKind.OTHER),
        ("https://x.id/kontak/", UrlKind.OTHER),
    ],
)
def test_classify_url(url: str, kind: UrlKind) -> None:
    assert classify_url(url) is kind


def test_article_pattern_override_decides() -> None:
    pattern = r"/news/\d+$"
    assert classify_url("https://x.id/news/42", article_pattern=pattern) is UrlKind.ARTICLE
    assert (
        classify_url("https://x.id/2023/07/17/a-b-c-d/", article_pattern=pattern) is UrlKind.OTHER
    )


def test_same_site_ignores_www_but_not_port() -> None:
    assert same_site("https://www.x.id/a", "x.id")
    assert not same_site("http://127.0.0.1:8001/a", "127.0.0.1:8002")


def test_feed_and_page_links() -> None:
    html = Selector(
        text="""<html><head>
        <link rel="alternate" type="application/rss+xml" href="/feed/">
        <link rel="alternate" type="application/rss+xml" href="/comments/feed/">
        <link rel="alternate" type="application/atom+xml" href="https://x.id/feed/atom/">
        </head><body><a href="/a-b#c">1</a><a href="/a-b">2</a><a href="mailto:x@y">3</a>
        </body></html>"""
    )
    assert feed_links(html, "https://x.id/") == ["https://x.id/feed/", "https://x.id/feed/atom/"]
    assert page_links(html, "https://x.id/") == ["https://x.id/a-b"]


RSS = b"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel><title>t</title>
<item><title>Satu &amp; dua</title><link>https://x.id/2023/07/17/satu/</link>
<pubDate>Mon, 17 Jul 2023 09:30:00 +0700</pubDate><category>Pemerintahan</category></item>
<item><title>no link</title></item>
</channel></rss>"""

ATOM = b"""<feed xmlns="http://www.w3.org/2005/Atom"><title>t</title>
<entry><title>A</title><link rel="alternate" href="/2023/07/18/a/"/>
<link rel="enclosure" href="/img.jpg"/><published>2023-07-18T10:00:00+07:00</published>
<updated>2023-07-19T10:00:00+07:00</updated><category term="Hukum"/></entry></feed>"""


def test_parse_rss() -> None:
    (item,) = parse_feed(RSS, "https://x.id/feed/")
    assert item.url == "https://x.id/2023/07/17/satu/"
    assert item.title == "Satu & dua"
    assert item.published_at is not None and item.published_at.isoformat() == (
        "2023-07-17T09:30:00+07:00"
    )
    assert item.categories == ("Pemerintahan",)


def test_parse_atom() -> None:
    (item,) = parse_feed(ATOM, "https://x.id/feed/atom/")
    assert item.url == "https://x.id/2023/07/18/a/"
    assert item.modified_at is not None and item.modified_at.day == 19
    assert item.categories == ("Hukum",)


@pytest.mark.parametrize("body", [b"", b"<html><body>not a feed</body></html>", b"\x00\xff junk"])
def test_parse_feed_rejects_non_feeds(body: bytes) -> None:
    with pytest.raises(FeedError):
        parse_feed(body, "https://x.id/feed/")


def test_robots_sitemaps_and_child_filter() -> None:
    robots = "User-agent: *\nDisallow: /wp-admin/\nSitemap: /sitemap_index.xml\nsitemap: https://x.id/news.xml\n"
    assert robots_sitemaps(robots, "https://x.id/") == [
        "https://x.id/sitemap_index.xml",
        "https://x.id/news.xml",
    ]
    assert may_hold_articles("https://x.id/post-sitemap.xml")
    assert may_hold_articles("https://x.id/wp-sitemap-posts-post-1.xml")
    assert may_hold_articles("https://x.id/sitemap-news.xml")
    for name in ("page-sitemap.xml", "category-sitemap.xml", "post_tag-sitemap.xml",
                 "author-sitemap.xml", "wp-sitemap-taxonomies-category-1.xml",
                 "wp-sitemap-users-1.xml", "wp-sitemap-posts-page-1.xml"):  # fmt: skip
        assert not may_hold_articles(f"https://x.id/{name}"), name


INDEX = b"""<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<sitemap><loc>https://x.id/post-sitemap.xml</loc><lastmod>2023-07-17T10:00:00+07:00</lastmod></sitemap>
<sitemap><loc>https://x.id/page-sitemap.xml</loc></sitemap></sitemapindex>"""

URLSET = b"""<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"
 xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">
<url><loc>https://x.id/2023/07/17/rakor/</loc><lastmod>2023-07-18T01:00:00Z</lastmod>
<news:news><news:publication_date>2023-07-17T09:30:00+07:00</news:publication_date>
<news:title>Rakor</news:title></news:news></url>
<url><loc>https://x.id/tentang/</loc></url></urlset>"""


def test_parse_sitemap_index_urlset_and_gzip() -> None:
    index = parse_sitemap(INDEX, "https://x.id/sitemap_index.xml")
    assert [url for url, _ in index.children] == [
        "https://x.id/post-sitemap.xml",
        "https://x.id/page-sitemap.xml",
    ]
    assert index.children[0][1] is not None and index.children[1][1] is None
    urlset = parse_sitemap(gzip.compress(URLSET), "https://x.id/post-sitemap.xml.gz")
    first = urlset.urls[0]
    assert first.url == "https://x.id/2023/07/17/rakor/"
    assert first.title == "Rakor" and first.strategy == "sitemap"
    assert first.published_at is not None and first.published_at.hour == 9
    assert first.modified_at is not None and first.modified_at.tzinfo is not None
    with pytest.raises(SitemapError):
        parse_sitemap(b"<html/>", "https://x.id/sitemap.xml")
    with pytest.raises(SitemapError):
        parse_sitemap(b"\x1f\x8b broken", "https://x.id/sitemap.xml.gz")


POSTS = json.dumps(
    [
        {
            "id": 7,
            "link": "https://x.id/2023/07/17/rakor/",
            "status": "publish",
            "date_gmt": "2023-07-17T02:30:00",
            "modified_gmt": "2023-07-18T01:00:00",
            "title": {"rendered": "Rakor &#8211; Bupati <em>Askolani</em>"},
            "_embedded": {
                "author": [{"name": "Deni"}],
                "wp:term": [
                    [{"taxonomy": "category", "name": "Pemerintahan"}],
                    [{"taxonomy": "post_tag", "name": "Banyuasin"}],
                ],
                "wp:featuredmedia": [{"source_url": "https://x.id/img.jpg"}],
            },
        },
        {"id": 8, "status": "draft", "link": "https://x.id/draft/"},
        "junk",
    ]
)


def test_wordpress_posts_and_urls() -> None:
    (post,) = parse_posts(POSTS)
    assert post.title == "Rakor – Bupati Askolani"
    assert post.published_at is not None and post.published_at.isoformat() == (
        "2023-07-17T02:30:00+00:00"
    )
    assert post.categories == ("Pemerintahan",) and post.tags == ("Banyuasin",)
    assert post.authors == ("Deni",) and post.image_url == "https://x.id/img.jpg"
    url = posts_url("https://x.id/wp-json/", page=2)
    assert url.startswith("https://x.id/wp-json/wp/v2/posts?per_page=50&page=2")
    assert "/wp/v2/posts&" in posts_url("https://x.id/?rest_route=/")
    html = Selector(text='<link rel="https://api.w.org/" href="https://x.id/wp-json/">')
    assert api_root(html, "https://x.id/") == "https://x.id/wp-json/"
    for bad in (b"{}", b"not json", b"\xff\xfe"):
        with pytest.raises(ApiError):
            parse_posts(bad)


def test_next_page_link() -> None:
    html = Selector(text='<a class="next page-numbers" href="/category/a/page/2/">Next</a>')
    assert next_page_link(html, "https://x.id/category/a/") == "https://x.id/category/a/page/2/"
    html = Selector(text='<link rel="next" href="https://x.id/?page=3">')
    assert next_page_link(html, "https://x.id/") == "https://x.id/?page=3"
    assert next_page_link(Selector(text="<p>x</p>"), "https://x.id/") is None


def test_rest_title_and_instants_win_unless_the_site_selected_them() -> None:
    def article() -> Article:
        # og:title is the SEO title an editor wrote for sharing; the page gave only the day.
        return Article(
            url="https://x.example.id/a/",
            site="x",
            title="Jembatan Baru! Simak Faktanya",
            published_at=datetime(2023, 7, 17, tzinfo=UTC),
        )

    posted = datetime(2023, 7, 17, 3, 15, tzinfo=UTC)
    rest = Candidate(url="https://x.example.id/a/", title="Jembatan Baru Diresmikan",
                     published_at=posted, strategy="wp_rest")  # fmt: skip
    filled = article()
    _fill_from_hint(filled, rest)
    assert (filled.title, filled.published_at) == ("Jembatan Baru Diresmikan", posted)
    kept = article()
    _fill_from_hint(kept, rest, chosen={"title", "published_at"})
    assert (kept.title, kept.published_at) == (article().title, article().published_at)
    feed = Candidate(url=rest.url, title=rest.title, published_at=posted, strategy="feed")
    from_feed = article()
    _fill_from_hint(from_feed, feed)
    assert (from_feed.title, from_feed.published_at) == (article().title, article().published_at)
