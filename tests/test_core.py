"""The core layer's rules: text hygiene, URL identity and policy, the HTML policy.

Each rule is also checked where production applies it (a page object, a feed parser, a
sitemap, the normalize step), since a rule nobody calls protects nothing.
"""

from __future__ import annotations

import pytest
from parsel import Selector

from crawler.discovery.feeds import parse_feed
from crawler.discovery.sitemaps import parse_sitemap
from crawler.discovery.urls import next_page_link, page_links
from crawler.pages.article import ArticlePage
from kabar.core.html import sanitize_html
from kabar.core.text import clean_line, clean_paragraphs, strip_controls
from kabar.core.urls import canonical_url, http_url, join_url, url_key

CONTROL_REFERENCES = ["&#11;", "&#12;", "&#1;", "&#8;", "&#27;", "&#xFFFE;", "&#x7f;", "&#x85;"]
DANGEROUS_URLS = [
    "javascript:alert(1)",
    " javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    "java\tscript:alert(1)",
    "vbscript:msgbox(1)",
    "DATA:image/png;base64,AAAA",
    "file:///etc/passwd",
]
MALFORMED_URLS = [
    "http://example.com]/x",
    "//[object Object]",
    "http://[::1/x",
    "http://a.id:99999/",
]


@pytest.mark.parametrize("reference", CONTROL_REFERENCES)
def test_control_references_are_stripped_like_raw_controls(reference: str) -> None:
    assert strip_controls(f"Banjir{reference} di Muara Enim") == "Banjir di Muara Enim"


def test_strip_controls_keeps_text_and_other_references() -> None:
    text = "Tab\tnewline\n&amp; &#233; &#x1F600; é"
    assert strip_controls(text) == text
    assert strip_controls("a\x00b\x1bc\x85d\ufffee") == "abcde"


def test_clean_line_and_paragraphs() -> None:
    assert clean_line("  Pemkab\u00a0 Lahat\r\n gelar  rapat ") == "Pemkab Lahat gelar rapat"
    assert clean_line("x" * 5000) == "x" * 2000
    assert clean_paragraphs("Satu\n\n  dua \r\nTiga&#11;") == "Satu\ndua\nTiga"


@pytest.mark.parametrize("url", DANGEROUS_URLS + MALFORMED_URLS + ["/relative", "", "mailto:a@b"])
def test_only_web_addresses_pass_the_url_policy(url: str) -> None:
    assert http_url(url) is None


def test_web_addresses_pass_percent_encoded() -> None:
    assert http_url(" https://contoh.id/berita ä?q=1 ") == "https://contoh.id/berita%20%C3%A4?q=1"
    assert join_url("https://contoh.id/a/b", "../c#top") == "https://contoh.id/c"
    assert join_url("https://contoh.id/a/b", "#top", keep_fragment=True) == (
        "https://contoh.id/a/b#top"
    )
    for bad in MALFORMED_URLS + DANGEROUS_URLS:
        assert join_url("https://contoh.id/", bad) is None


def test_url_identity() -> None:
    url = "HTTPS://www.Contoh.id/berita/1/amp/?utm_source=x&b=2&a=1#komentar"
    assert canonical_url(url) == "https://www.contoh.id/berita/1/?a=1&b=2"
    assert url_key(canonical_url(url)) == "contoh.id/berita/1/?a=1&b=2"
    assert url_key("http://contoh.id/berita/1/?a=1&b=2") == url_key(canonical_url(url))


def test_sanitizer_removes_active_content_and_bad_urls() -> None:
    html = (
        '<p onclick="x()">Teks <a href=" JaVaScRiPt:alert(1)">a</a> '
        '<a href="http://example.com]/x">b</a> <a href="/rel">c</a> <a href="#catatan">d</a>'
        '<img src="DATA:image/png;base64,AA"><img src="/foto.jpg"></p><script>x()</script>'
        "<p>Kontrol&#11; di sini</p>"
    )
    out = sanitize_html(html, "https://contoh.id/berita/1/")
    assert "script" not in out.lower() and "onclick" not in out
    assert "javascript" not in out.lower() and "data:" not in out.lower()
    assert 'href="https://contoh.id/rel"' in out
    assert 'href="https://contoh.id/berita/1/#catatan"' in out
    assert 'src="https://contoh.id/foto.jpg"' in out
    assert "example.com]" not in out
    assert "Kontrol di sini" in out


def test_links_skip_malformed_hrefs_and_follow_base_href() -> None:
    page = Selector(
        text="<html><head><base href='https://cdn.contoh.id/arsip/'></head><body>"
        "<a href='http://example.com]/x'>bad</a><a href='//[object Object]'>bad</a>"
        "<a href='berita-satu-dua-tiga/'>ok</a><a href='javascript:void(0)'>js</a>"
        "<a class='next' href='http://[bad'>n</a><a class='next' href='page/2/'>n</a>"
        "</body></html>"
    )
    assert page_links(page, "https://contoh.id/") == [
        "https://cdn.contoh.id/arsip/berita-satu-dua-tiga/",
        "https://cdn.contoh.id/arsip/page/2/",
    ]
    assert next_page_link(page, "https://contoh.id/") == "https://cdn.contoh.id/arsip/page/2/"


def test_a_bad_feed_entry_loses_only_itself() -> None:
    feed = b"""<?xml version="1.0"?><rss version="2.0"><channel>
      <item><title>A</title><link>http://example.com]/x</link></item>
      <item><title>B</title><link>https://contoh.id/berita/b/</link></item>
      <item><title>C</title><link>javascript:alert(1)</link></item>
      <item><title>D</title><link>/berita/d/</link></item>
    </channel></rss>"""
    urls = [c.url for c in parse_feed(feed, "https://contoh.id/feed/")]
    assert urls == ["https://contoh.id/berita/b/", "https://contoh.id/berita/d/"]


def test_a_bad_sitemap_entry_loses_only_itself() -> None:
    sitemap = b"""<?xml version="1.0"?>
    <urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
      <url><loc>//[object Object]</loc></url>
      <url><loc>https://contoh.id/berita/a/</loc></url>
      <url><loc>file:///etc/passwd</loc></url>
    </urlset>"""
    urls = [c.url for c in parse_sitemap(sitemap, "https://contoh.id/sitemap.xml").urls]
    assert urls == ["https://contoh.id/berita/a/"]


def test_a_control_reference_in_the_body_keeps_the_article() -> None:
    paragraphs = "".join(
        f"<p>Paragraf {i} tentang banjir{ref} yang melanda desa di Kabupaten Lahat pada "
        "Senin pagi, warga mengungsi ke balai desa.</p>"
        for i, ref in enumerate(CONTROL_REFERENCES)
    )
    html = (
        "<html><head><title>Banjir Lahat</title>"
        "<meta property='og:image' content=' JaVaScRiPt:alert(1)'></head><body><article>"
        f"<h1>Banjir Lahat</h1>{paragraphs}</article></body></html>"
    )
    page = ArticlePage("https://contoh.id/2024/01/02/banjir-lahat/", html)
    assert page.body is not None and len(page.body) > 500
    assert "Paragraf 7 tentang banjir yang melanda" in page.body
    assert page.image_url is None
