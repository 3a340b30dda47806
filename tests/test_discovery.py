from __future__ import annotations

import pytest
from parsel import Selector

from crawler.discovery import (
    FeedError,
    UrlKind,
    classify_url,
    feed_links,
    page_links,
    parse_feed,
    same_site,
)


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
