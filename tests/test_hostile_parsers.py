"""Property tests: random bad URLs, JSON and markup fed to every discovery parser.

Whatever one element holds, no exception escapes a parser but its own "not a feed /
sitemap / posts listing" error, and the good elements before and after the bad one
are all returned, in order. The parse-boundary wrapper is tested with a real spider
callback shape: what was yielded before a fault stands, the fault is one counter.
"""

from __future__ import annotations

import contextlib
import gzip
import json
from collections.abc import Iterator
from typing import Any
from xml.sax.saxutils import escape, quoteattr

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crawler.discovery.feeds import FeedError, parse_feed
from crawler.discovery.sitemaps import SitemapError, parse_sitemap
from crawler.discovery.urls import next_page_link, page_links
from crawler.discovery.wordpress import ApiError, parse_posts
from crawler.faults import Faults, _current, parse_boundary
from kabar.core.urls import http_url, join_url

PROPERTY = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
BASE = "https://contoh.id/"
KNOWN_BAD_URLS = [
    "http://example.com]/x",
    "//[object Object]",
    "http://[::1",
    "https://contoh.id:99999/a/",
    "https://contoh.id:port/a/",
    "javascript:alert(1)",
    " JaVaScRiPt:alert(1)",
    "vbscript:msgbox(1)",
    "DATA:text/html,<b>x</b>",
    "file:///etc/passwd",
    "http://",
    "https://" + "a" * 20000 + ".id/",
    "\x00\x0b\x1b",
    "&#11;",
]
bad_urls = st.one_of(
    st.sampled_from(KNOWN_BAD_URLS),
    st.text(max_size=60),
    st.builds(
        lambda scheme, host, path: f"{scheme}{host}{path}",
        st.sampled_from(["http://", "https://", "//", "", "javascript:", "data:"]),
        st.text(alphabet="[]:@%/?#.a1 \t\x01", max_size=20),
        st.text(max_size=20),
    ),
)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4)
    ),
    max_leaves=20,
)
good_slugs = st.lists(
    st.from_regex(r"[a-z]{3,8}(-[a-z]{3,8}){2}", fullmatch=True),
    min_size=2,
    max_size=5,
    unique=True,
)


@pytest.fixture(autouse=True)
def _collect_faults() -> Iterator[Faults]:
    """Parsers report into the current boundary; here, a fresh one per test."""
    faults = Faults()
    token = _current.set(faults)
    yield faults
    _current.reset(token)


def _url(slug: str) -> str:
    return f"{BASE}{slug}/"


# -- URLs ------------------------------------------------------------------------------


@PROPERTY
@given(href=bad_urls)
def test_url_functions_never_raise_and_keep_only_web_addresses(href: str) -> None:
    for url in (join_url(BASE, href), http_url(href)):
        assert url is None or url.startswith(("http://", "https://"))


@PROPERTY
@given(slugs=good_slugs, bad=bad_urls, at=st.integers(min_value=0))
def test_page_links_keep_the_good_links_around_a_bad_one(
    slugs: list[str], bad: str, at: int
) -> None:
    from parsel import Selector

    anchors = [f"<a href={quoteattr(_url(s))}>x</a>" for s in slugs]
    anchors.insert(at % (len(anchors) + 1), f"<a href={quoteattr(bad)}>bad</a>")
    html = Selector(text=f"<html><body>{''.join(anchors)}</body></html>")
    found = page_links(html, BASE)
    assert [u for u in found if u in {_url(s) for s in slugs}] == [_url(s) for s in slugs]
    next_page_link(Selector(text=f'<a rel="next" href={quoteattr(bad)}>n</a>'), BASE)


# -- feeds ------------------------------------------------------------------------------


def _rss_item(link: str, extra: str = "") -> str:
    return f"<item><title>t</title><link>{escape(link)}</link>{extra}</item>"


@PROPERTY
@given(slugs=good_slugs, bad=bad_urls, at=st.integers(min_value=0), date=st.text(max_size=40))
def test_feed_keeps_good_entries_around_a_bad_one(
    slugs: list[str], bad: str, at: int, date: str
) -> None:
    items = [_rss_item(_url(s)) for s in slugs]
    bad_item = _rss_item(bad, f"<pubDate>{escape(date)}</pubDate><author>{escape(bad)}</author>")
    items.insert(at % (len(items) + 1), bad_item)
    body = f"<rss><channel>{''.join(items)}</channel></rss>".encode("utf-8", "surrogatepass")
    try:
        found = [c.url for c in parse_feed(body, BASE + "feed/")]
    except FeedError:
        return  # a character lxml refuses outright: the document's fault, reported as such
    assert [u for u in found if u in {_url(s) for s in slugs}] == [_url(s) for s in slugs]


@PROPERTY
@given(markup=st.binary(max_size=400) | st.text(max_size=400).map(str.encode))
def test_feed_parser_raises_only_feed_error(markup: bytes) -> None:
    for body in (markup, b"<rss><channel>" + markup + b"</channel></rss>"):
        with contextlib.suppress(FeedError):
            parse_feed(body, BASE + "feed/")


def test_feed_entry_that_raises_is_counted_and_skipped(_collect_faults: Faults) -> None:
    items = [
        _rss_item(_url("satu-dua-tiga")),
        "<item><link/></item>",
        _rss_item("//[object Object]"),
    ]
    items.append(_rss_item(_url("empat-lima-enam")))
    body = f"<rss><channel>{''.join(items)}</channel></rss>".encode()
    found = [c.url for c in parse_feed(body, BASE)]
    assert found == [_url("satu-dua-tiga"), _url("empat-lima-enam")]
    assert _collect_faults.counts == {"no_link": 1, "bad_url": 1}


# -- sitemaps ------------------------------------------------------------------------------


@PROPERTY
@given(
    slugs=good_slugs,
    bad=bad_urls,
    at=st.integers(min_value=0),
    zipped=st.booleans(),
    index=st.booleans(),
)
def test_sitemap_keeps_good_entries_around_a_bad_one(
    slugs: list[str], bad: str, at: int, zipped: bool, index: bool
) -> None:
    tag, root = ("sitemap", "sitemapindex") if index else ("url", "urlset")
    entries = [f"<{tag}><loc>{escape(_url(s))}</loc></{tag}>" for s in slugs]
    entries.insert(
        at % (len(entries) + 1),
        f"<{tag}><loc>{escape(bad)}</loc><lastmod>{escape(bad)}</lastmod></{tag}>",
    )
    body = (
        f'<{root} xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{"".join(entries)}</{root}>'
    )
    data = body.encode("utf-8", "surrogatepass")
    try:
        sitemap = parse_sitemap(gzip.compress(data) if zipped else data, BASE)
    except SitemapError:
        return
    found = [url for url, _ in sitemap.children] if index else [c.url for c in sitemap.urls]
    assert [u for u in found if u in {_url(s) for s in slugs}] == [_url(s) for s in slugs]


@PROPERTY
@given(markup=st.binary(max_size=400) | st.text(max_size=400).map(str.encode))
def test_sitemap_parser_raises_only_sitemap_error(markup: bytes) -> None:
    for body in (markup, b"<urlset><url>" + markup + b"</url></urlset>", gzip.compress(markup)):
        with contextlib.suppress(SitemapError):
            parse_sitemap(body, BASE)


def test_sitemap_stops_at_its_url_cap(_collect_faults: Faults) -> None:
    body = (
        "<urlset>" + "".join(f"<url><loc>{BASE}a/{i}/</loc></url>" for i in range(30)) + "</urlset>"
    )
    sitemap = parse_sitemap(body.encode(), BASE, max_urls=10)
    assert [c.url for c in sitemap.urls] == [f"{BASE}a/{i}/" for i in range(10)]
    assert _collect_faults.counts == {"url_cap": 1}


def test_sitemap_bomb_entities_are_not_expanded() -> None:
    bomb = (
        b'<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaaaaaaaa">'
        + b"".join(
            b'<!ENTITY %c "&%c;&%c;&%c;&%c;&%c;&%c;&%c;&%c;&%c;&%c;">' % ((c,) + (c - 1,) * 10)
            for c in range(ord("b"), ord("k"))
        )
        + b"]><urlset><url><loc>https://contoh.id/&j;</loc></url>"
        + b"<url><loc>https://contoh.id/baik-baik-saja/</loc></url></urlset>"
    )
    urls = [c.url for c in parse_sitemap(bomb, BASE).urls]
    assert "https://contoh.id/baik-baik-saja/" in urls
    assert all(len(u) < 200 for u in urls)


# -- WordPress REST -----------------------------------------------------------------------


def _post(slug: str) -> dict[str, Any]:
    return {
        "link": _url(slug),
        "status": "publish",
        "title": {"rendered": f"Judul {slug}"},
        "_embedded": {"author": [{"name": "Budi"}]},
    }


def _hostile_posts(value: Any) -> list[Any]:
    """Bad posts made from one random JSON value: the value itself, and a post whose
    fields (the ones issue 17 found raising) hold it."""
    return [
        value,
        {"link": value, "title": value},
        {"link": _url("rusak-tapi-ada"), "_embedded": value},
        {"link": _url("rusak-tapi-ada"), "_embedded": {"author": value, "wp:featuredmedia": value}},
        {"link": _url("rusak-tapi-ada"), "_embedded": {"wp:term": [value, [value]]}},
    ]


@PROPERTY
@given(slugs=good_slugs, value=json_values, at=st.integers(min_value=0))
def test_posts_keep_good_posts_around_a_bad_one(slugs: list[str], value: Any, at: int) -> None:
    for bad in _hostile_posts(value):
        posts: list[Any] = [_post(s) for s in slugs]
        posts.insert(at % (len(posts) + 1), bad)
        found = [c.url for c in parse_posts(json.dumps(posts))]
        assert [u for u in found if u in {_url(s) for s in slugs}] == [_url(s) for s in slugs]


def test_a_post_nested_too_deep_costs_that_post_alone(_collect_faults: Faults) -> None:
    deep = "[" * 100_000 + "]" * 100_000
    body = (
        f'[{json.dumps(_post("satu-dua-tiga"))}, {{"link": "{BASE}x/", "meta": {deep}}},'
        f' 7, {{"link": "http://example.com]/x"}}, {json.dumps(_post("empat-lima-enam"))}]'
    )
    found = [c.url for c in parse_posts(body)]
    assert found == [_url("satu-dua-tiga"), _url("empat-lima-enam")]
    assert _collect_faults.counts == {"bad_post": 2, "bad_url": 1}


def test_posts_with_fields_of_the_wrong_type_are_kept(_collect_faults: Faults) -> None:
    post = _post("satu-dua-tiga") | {
        "_embedded": {"author": 5, "wp:featuredmedia": 3, "wp:term": "x"}
    }
    (candidate,) = parse_posts(json.dumps([post]))
    assert candidate.url == _url("satu-dua-tiga") and candidate.authors == ()
    assert _collect_faults.counts == {"bad_field": 3}


@pytest.mark.parametrize(
    "image",
    [
        "javascript:alert(1)",
        " javascript:alert(1)",
        "JaVaScRiPt:alert(1)",
        "vbscript:x",
        "DATA:image/png;base64,AA",
        "file:///etc/passwd",
    ],
)
def test_post_image_must_be_a_web_address(image: str, _collect_faults: Faults) -> None:
    post = _post("satu-dua-tiga") | {"_embedded": {"wp:featuredmedia": [{"source_url": image}]}}
    (candidate,) = parse_posts(json.dumps([post]))
    assert candidate.image_url is None
    assert _collect_faults.counts == {"bad_image_url": 1}


@PROPERTY
@given(body=st.binary(max_size=300) | st.text(max_size=300).map(str.encode))
def test_posts_parser_raises_only_api_error(body: bytes) -> None:
    for variant in (body, b"[" + body + b"]", b"[" + body):
        with contextlib.suppress(ApiError):
            parse_posts(variant)


# -- the parse boundary -------------------------------------------------------------------


class _Stats:
    def __init__(self) -> None:
        self.values: dict[str, int] = {}

    def inc_value(self, key: str, count: int = 1, start: int = 0) -> None:
        self.values[key] = self.values.get(key, start) + count


class _Crawler:
    def __init__(self) -> None:
        self.stats = _Stats()


class _Response:
    url = "https://contoh.id/feed/"


class _Spider:
    name = "contoh"

    def __init__(self) -> None:
        self.crawler = _Crawler()

    @parse_boundary("feed")
    def parse(self, response: _Response, *, fail_after: int) -> Iterator[str]:
        yield from page_links_of_a_bad_page()
        for n in range(fail_after):
            yield f"request {n}"
        raise TypeError("'int' object is not iterable")


class _SpiderWithHook(_Spider):
    def __init__(self) -> None:
        super().__init__()
        self.lost: list[tuple[str, str]] = []

    def parse_fault(self, response: _Response, where: str) -> Iterator[str]:
        self.lost.append((response.url, where))
        yield "the next strategy"


def test_boundary_asks_the_spider_what_a_lost_response_means() -> None:
    spider = _SpiderWithHook()
    out = list(spider.parse(_Response(), fail_after=1))
    assert out == [BASE + "a-b-c/", "request 0", "the next strategy"]
    assert spider.lost == [(_Response.url, "feed")]


def page_links_of_a_bad_page() -> Iterator[str]:
    from parsel import Selector

    html = Selector(text='<a href="http://example.com]/x">x</a><a href="/a-b-c/">y</a>')
    yield from page_links(html, BASE)


def test_boundary_keeps_what_was_yielded_and_counts_the_fault(
    caplog: pytest.LogCaptureFixture,
) -> None:
    spider = _Spider()
    with caplog.at_level("WARNING", logger="crawler.faults"):
        out = list(spider.parse(_Response(), fail_after=3))
    assert out == [BASE + "a-b-c/", "request 0", "request 1", "request 2"]
    assert spider.crawler.stats.values == {
        "kabar/errors/feed/typeerror": 1,
        "kabar/errors/feed/bad_url": 1,
    }
    (record,) = caplog.records
    assert record.exc_info is None and "\n" not in record.getMessage()
    faults = Faults()
    faults.add("bad_url", "http://x]/\n2026-01-01 INJECTED\x1b[31m")
    assert faults.details["bad_url"] == "http://x]/ 2026-01-01 INJECTED[31m"
    assert _Response.url in record.getMessage()


# -- issue 12: what kabar's own feed parser dropped -------------------------------------------


@pytest.mark.parametrize(
    ("written", "offset_h"),
    [
        ("Mon, 17 Jul 2023 10:15:00 WIB", 7),
        ("Mon, 17 Jul 2023 10:15:00 WITA", 8),
        ("Mon, 17 Jul 2023 10:15 WIT", 9),
        ("Senin, 17 Juli 2023 10:15 WIB", 7),
        ("Mon, 17 Jul 2023 10:15:00 +0700", 7),
        ("Mon, 17 Jul 2023 03:15:00 GMT", 0),
    ],
)
def test_feed_reads_indonesian_zones(written: str, offset_h: int) -> None:
    from datetime import UTC, datetime

    body = f"<rss><channel>{_rss_item(_url('satu-dua-tiga'), f'<pubDate>{written}</pubDate>')}"
    (item,) = parse_feed(f"{body}</channel></rss>".encode(), BASE)
    assert item.published_at is not None
    assert item.published_at.utcoffset() is not None
    assert item.published_at.utcoffset().total_seconds() == offset_h * 3600  # type: ignore[union-attr]
    assert item.published_at.astimezone(UTC) == datetime(
        2023, 7, 17, 10 - offset_h if offset_h else 3, 15, tzinfo=UTC
    )


def test_feed_time_without_a_zone_is_not_guessed() -> None:
    body = (
        f"<rss><channel>{_rss_item(_url('satu-dua-tiga'), '<pubDate>17 Jul 2023 10:15</pubDate>')}"
    )
    (item,) = parse_feed(f"{body}</channel></rss>".encode(), BASE)
    assert item.published_at is None


def test_feed_reads_atom_author_names_and_rss_author() -> None:
    atom = f"""<feed xmlns="http://www.w3.org/2005/Atom"><entry>
      <link href="{_url("satu-dua-tiga")}"/><author><name>Siti Aminah</name>
      <email>siti@contoh.id</email></author><author><name> Budi </name></author></entry></feed>"""
    (entry,) = parse_feed(atom.encode(), BASE)
    assert entry.authors == ("Siti Aminah", "Budi")
    rss = _rss_item(_url("satu-dua-tiga"), "<author>redaksi@contoh.id (Deni Saputra)</author>")
    (item,) = parse_feed(f"<rss><channel>{rss}</channel></rss>".encode(), BASE)
    assert item.authors == ("Deni Saputra",)


def test_feed_with_an_entity_bomb_keeps_its_items() -> None:
    """Issue 17, item 14: a feed whose entity is a billion-laughs bomb gave no items."""
    entities = "".join(
        f'<!ENTITY {chr(c)} "{("&" + chr(c - 1) + ";") * 10}">' for c in range(ord("b"), ord("k"))
    )
    items = "".join(_rss_item(_url(s)) for s in ("satu-dua-tiga", "empat-lima-enam"))
    body = (
        f'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY a "aaaaaaaaaa">{entities}]>'
        f"<rss><channel><title>&j;</title>{items}</channel></rss>"
    )
    found = [c.url for c in parse_feed(body.encode(), BASE)]
    assert found == [_url("satu-dua-tiga"), _url("empat-lima-enam")]


# -- the article page object ------------------------------------------------------------------

_PARAGRAPHS = "".join(
    f"<p>Paragraf {i} tentang banjir di desa, cukup panjang untuk dibaca orang.</p>"
    for i in range(6)
)


@PROPERTY
@given(bad=bad_urls, value=json_values, junk=st.text(max_size=200))
def test_article_page_survives_bad_urls_metadata_and_markup(
    bad: str, value: Any, junk: str
) -> None:
    """Bad addresses in og:image, canonical, links and pictures, any JSON as structured
    data, any text as a date or headline: the page reads, or says it cannot."""
    from datetime import UTC, datetime
    from html import escape as html_escape

    from crawler.pages import ExtractionError
    from crawler.sites import SiteConfig

    attr = html_escape(bad, quote=True)
    ld = {"@type": "NewsArticle", "headline": value, "author": value, "image": value}
    ld |= {"datePublished": value, "keywords": value, "articleSection": value}
    html = (
        f'<html><head><meta property="og:image" content="{attr}">'
        f'<link rel="canonical" href="{attr}">'
        f'<meta property="article:published_time" content="{html_escape(junk, quote=True)}">'
        f'<script type="application/ld+json">{json.dumps(value)}</script>'
        f'<script type="application/ld+json">{json.dumps(ld)}</script></head>'
        f"<body><article><h1>{html_escape(junk)}</h1>{_PARAGRAPHS}"
        f'<a href="{attr}">x</a><img src="{attr}">{junk}</article></body></html>'
    )
    site = SiteConfig(name="contoh", url=BASE)
    try:
        page = site.read_page(
            BASE + "2026/01/01/banjir-di-desa/",
            html.encode("utf-8", "surrogatepass"),
            fetched_at=datetime.now(UTC),
        )
        fields = page.to_fields()
    except ExtractionError:
        return
    image = fields.get("image_url")
    assert image is None or str(image).startswith(("http://", "https://"))
