"""The mock web's discovery surfaces: the WordPress REST API, the sitemaps-only site,
and conditional requests on feeds, sitemaps and listings.

These only read, so they share the session's ``mockweb`` server (``conftest.py``).
"""

from __future__ import annotations

import gzip
import json
import urllib.error
import urllib.request
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlencode

import pytest
from lxml import etree
from parsel import Selector

from crawler.discovery.sitemaps import parse_sitemap
from crawler.discovery.wordpress import api_root, parse_posts, posts_url
from kabar.demo import build_web
from kabar.demo.text import WIB

WEB = build_web()
SITEMAP_NS = {
    "s": "http://www.sitemaps.org/schemas/sitemap/0.9",
    "news": "http://www.google.com/schemas/sitemap-news/0.9",
}


def get(url: str, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read()


def posts(base: str, **params: str | int) -> tuple[int, dict[str, str], Any]:
    status, headers, body = get(f"{base}wp-json/wp/v2/posts?{urlencode(params)}")
    return status, headers, json.loads(body)


# -- the WordPress REST API (merahputih) ------------------------------------------------


def test_homepage_advertises_the_api_and_the_index_names_the_posts_route(
    mockweb: dict[str, str],
) -> None:
    base = mockweb["merahputih"]
    root = api_root(Selector(text=get(base)[2].decode()), base)
    assert root == base + "wp-json/"
    status, headers, body = get(root)
    assert (status, headers["Content-Type"]) == (200, "application/json; charset=UTF-8")
    index = json.loads(body)
    assert "wp/v2" in index["namespaces"] and "/wp/v2/posts" in index["routes"]
    for name in ("halobanyuasin", "suarasumsel", "jebakan"):
        assert get(mockweb[name] + "wp-json/wp/v2/posts")[0] == 404


def test_posts_page_through_every_article_with_totals(mockweb: dict[str, str]) -> None:
    base, site = mockweb["merahputih"], WEB.site("merahputih")
    seen: list[int] = []
    for page in (1, 2, 3):
        status, headers, data = posts(base, per_page=5, page=page)
        assert status == 200
        assert (headers["X-WP-Total"], headers["X-WP-TotalPages"]) == ("12", "3")
        seen += [post["id"] for post in data]
    assert seen == [a.post_id for a in site.articles]  # newest first by date
    status, _, error = posts(base, per_page=5, page=4)
    assert (status, error["code"]) == (400, "rest_post_invalid_page_number")
    assert posts(base, per_page=101)[2]["code"] == "rest_invalid_param"
    assert posts(base, per_page=0)[0] == 400
    status, headers, data = posts(base, per_page=100)
    assert (status, len(data), headers["X-WP-TotalPages"]) == (200, 12, "1")


def test_post_fields_and_embeds_match_the_ground_truth(mockweb: dict[str, str]) -> None:
    base, site = mockweb["merahputih"], WEB.site("merahputih")
    _, _, data = posts(base, per_page=100, _embed=1)
    post = next(p for p in data if p["id"] == WEB.seed_article.post_id)
    seed = WEB.seed_article
    assert post["link"] == seed.url(base) and post["status"] == "publish"
    assert post["date"] == "2023-07-17T09:30:00"
    assert post["date_gmt"] == "2023-07-17T02:30:00"
    assert datetime.fromisoformat(post["modified_gmt"]).replace(tzinfo=UTC) == seed.modified
    assert post["title"]["rendered"] == seed.title
    assert seed.paragraphs[-1] in post["content"]["rendered"]
    embedded = post["_embedded"]
    assert embedded["author"][0]["name"] == seed.author
    terms: dict[str, list[str]] = {}
    for group in embedded["wp:term"]:
        for term in group:
            terms.setdefault(term["taxonomy"], []).append(term["name"])
    assert terms == {"category": [seed.category_label], "post_tag": list(seed.tags)}
    assert embedded["wp:featuredmedia"][0]["source_url"] == base + seed.image_path.lstrip("/")
    # What the crawler's own parser makes of it.
    [candidate] = [c for c in parse_posts(json.dumps(data)) if c.url == seed.url(base)]
    assert candidate.published_at == seed.published
    assert candidate.authors == (seed.author,) and candidate.tags == seed.tags
    assert len(site.articles) == len(data)


def test_embed_can_be_limited_and_is_absent_unless_asked(mockweb: dict[str, str]) -> None:
    base = mockweb["merahputih"]
    assert "_embedded" not in posts(base, per_page=1)[2][0]
    embedded = posts(base, per_page=1, _embed="author,wp:term")[2][0]["_embedded"]
    assert set(embedded) == {"author", "wp:term"}


def test_date_filters_and_ordering(mockweb: dict[str, str]) -> None:
    base, site = mockweb["merahputih"], WEB.site("merahputih")
    since = WEB.now - timedelta(days=2)
    after = since.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    data = posts(base, after=after, per_page=100)[2]
    assert [p["id"] for p in data] == [a.post_id for a in site.articles if a.published > since]
    # Without an offset a date is site-local time (WIB), as in WordPress.
    local = since.astimezone(WIB).strftime("%Y-%m-%dT%H:%M:%S")
    assert posts(base, after=local, per_page=100)[2] == data
    _, _, data = posts(base, modified_after=after, orderby="modified", order="asc", per_page=100)
    modified = [datetime.fromisoformat(p["modified_gmt"]) for p in data]
    assert modified == sorted(modified) and len(data) == sum(
        a.modified > since for a in site.articles
    )
    assert posts(base, orderby="nonsense")[0] == 400
    assert posts(base, after="yesterday")[0] == 400


def test_crawler_urls_work_with_pretty_and_plain_permalinks(mockweb: dict[str, str]) -> None:
    base = mockweb["merahputih"]
    cutoff = WEB.now - timedelta(days=30)
    for root in (base + "wp-json/", base + "?rest_route=/"):
        status, headers, body = get(posts_url(root, after=cutoff))
        assert status == 200, root
        assert len(json.loads(body)) == 12 and headers["X-WP-Total"] == "12"
    status, headers, body = get(base + "?rest_route=/wp/v2/posts&per_page=5")
    assert status == 200 and "rest_route=%2Fwp%2Fv2%2Fposts" in headers["Link"]


# -- the sitemaps-only WordPress site (sumselterkini) -----------------------------------


def test_sitemaps_only_site_has_no_feed_and_no_api(mockweb: dict[str, str]) -> None:
    base = mockweb["sumselterkini"]
    home = get(base)[2]
    assert b"api.w.org" not in home and b"application/rss+xml" not in home
    assert get(base + "feed/")[0] == 404
    for url in (base + "wp-json/", base + "wp-json/wp/v2/posts", base + "?rest_route=/"):
        status, _, body = get(url)
        assert (status, json.loads(body)["code"]) == (401, "rest_disabled")
    robots = get(base + "robots.txt")[2].decode()
    assert f"Sitemap: {base}sitemap_index.xml" in robots.splitlines()


def test_yoast_index_leads_to_every_article_through_a_gzipped_child(
    mockweb: dict[str, str],
) -> None:
    base, site = mockweb["sumselterkini"], WEB.site("sumselterkini")
    index = parse_sitemap(get(base + "sitemap_index.xml")[2], base)
    names = [url.removeprefix(base) for url, _ in index.children]
    assert names == [
        "post-sitemap.xml",
        "post-sitemap2.xml.gz",
        "page-sitemap.xml",
        "category-sitemap.xml",
        "news-sitemap.xml",
    ]
    status, headers, body = get(base + "post-sitemap2.xml.gz")
    assert (status, headers["Content-Type"], body[:2]) == (200, "application/x-gzip", b"\x1f\x8b")
    assert gzip.decompress(body).startswith(b"<?xml")
    found: dict[str, datetime | None] = {}
    for name in names[:2]:
        found |= {c.url: c.modified_at for c in parse_sitemap(get(base + name)[2], base).urls}
    for article in site.articles:
        assert found[article.url(base)] == article.modified
    pages = parse_sitemap(get(base + "page-sitemap.xml")[2], base).urls
    assert {c.url for c in pages} == {
        base + "redaksi/",
        base + "pedoman-media-siber/",
        base + "kontak/",
    }


def test_news_sitemap_lists_the_last_two_days(mockweb: dict[str, str]) -> None:
    base, site = mockweb["sumselterkini"], WEB.site("sumselterkini")
    root = etree.fromstring(get(base + "news-sitemap.xml")[2])
    titles = root.xpath("//news:title/text()", namespaces=SITEMAP_NS)
    recent = [a for a in site.articles if a.published > WEB.now - timedelta(days=2)]
    assert titles == [a.title for a in recent] and len(recent) >= 2
    [candidate, *_] = parse_sitemap(get(base + "news-sitemap.xml")[2], base).urls
    assert candidate.published_at == recent[0].published and candidate.title == recent[0].title


# -- conditional requests ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "path"),
    [
        ("merahputih", "feed/"),
        ("halobanyuasin", "feed/atom/"),
        ("merahputih", "sitemap.xml"),
        ("sumselterkini", "sitemap_index.xml"),
        ("sumselterkini", "news-sitemap.xml"),
        ("merahputih", "category/pemerintahan/"),
        ("suarasumsel", ""),
        ("jebakan", "arsip/"),
    ],
)
def test_feeds_sitemaps_and_listings_answer_conditional_requests(
    mockweb: dict[str, str], name: str, path: str
) -> None:
    url = mockweb[name] + path
    status, headers, body = get(url)
    etag, last_modified = headers["ETag"], headers["Last-Modified"]
    assert status == 200 and etag.startswith('"') and last_modified.endswith(" GMT")
    assert get(url, {"If-None-Match": etag})[:1] == (304,)
    assert get(url, {"If-None-Match": f'W/{etag}, "other"'})[0] == 304
    assert get(url, {"If-Modified-Since": last_modified})[0] == 304
    assert get(url, {"If-None-Match": '"stale"', "If-Modified-Since": last_modified})[0] == 200
    assert get(url, {"If-Modified-Since": "Sat, 01 Jul 2023 00:00:00 GMT"})[2] == body


def test_articles_carry_no_validators(mockweb: dict[str, str]) -> None:
    status, headers, _ = get(WEB.seed_article.url(mockweb["merahputih"]))
    assert status == 200 and "ETag" not in headers


def test_feeds_page_like_wordpress(mockweb: dict[str, str]) -> None:
    base, site = mockweb["merahputih"], WEB.site("merahputih")
    second = get(base + "feed/?paged=2")
    assert second[0] == 200
    links = etree.fromstring(second[2]).xpath("//item/link/text()")
    assert links == [a.url(base) for a in site.articles[10:]]
    assert get(base + "feed/?paged=3")[0] == 404
