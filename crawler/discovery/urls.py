"""What a URL points to, judged from its shape; link extraction (URL identity is the core's:
:mod:`kabar.core.urls`).

Shared by every discovery strategy, so a listing or tag page is never taken for an
article whichever way it was found.
"""

from __future__ import annotations

import enum
import re
from urllib.parse import parse_qsl, urlsplit

from parsel import Selector

from kabar.core.urls import join_url


class UrlKind(enum.Enum):
    ARTICLE = "article"
    LISTING = "listing"
    OTHER = "other"


_NON_ARTICLE_SEGMENTS = frozenset(
    {
        "tag", "tags", "author", "penulis", "search", "cari", "feed", "rss", "wp-admin",
        "wp-content", "wp-includes", "wp-json", "wp-login.php", "comments", "amp", "login",
        "register", "privacy-policy", "kebijakan-privasi", "redaksi", "kontak", "contact",
        "about", "tentang-kami", "pedoman-media-siber", "disclaimer", "iklan",
    }
)  # fmt: skip
_LISTING_SEGMENTS = frozenset(
    {"category", "kategori", "kanal", "rubrik", "topik", "indeks", "index"}
)
_STATIC_SUFFIX = re.compile(
    r"\.(?:jpe?g|png|gif|webp|svg|ico|css|js|pdf|zip|rar|mp[34]|mov|avi|docx?|xlsx?|pptx?|xml|json|txt)$",
    re.IGNORECASE,
)
_DATE_PATH = re.compile(r"/(?:19|20)\d\d/(?:0?[1-9]|1[0-2])(?:/(?:0?[1-9]|[12]\d|3[01]))?/[^/]+")
_ID_SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+){2,}[-/]?\d*(?:\.html?)?/?$")
_NUMERIC_ID = re.compile(r"/(?:read|berita|news|artikel|post)/\d{3,}")
_PAGINATION = re.compile(r"/page/\d+/?$|[?&](?:page|paged)=\d+")
_FRONT_PATHS = frozenset({"/", "/index.php"})
"""Where WordPress's query-string URLs live ("Plain" permalinks: ``/?p=123``)."""
_WP_ARTICLE_QUERY = re.compile(r"^\d+$")
_WP_OTHER_QUERY = frozenset(
    {"page_id", "attachment_id", "feed", "replytocom", "preview", "rest_route", "s"}
)
"""Query keys of WordPress's front URLs that are no article and no listing: pages (an
outlet's "Redaksi" or "Pedoman Media Siber"), attachments, feeds, comment replies, the
REST API, previews and search."""
_WP_LISTING_QUERY = frozenset({"cat", "tag", "author", "m", "year", "monthnum", "day", "paged"})


def _front_query_kind(query: str) -> UrlKind | None:
    """What a WordPress front URL's query makes it (``/?p=123`` an article), or None."""
    params = dict(parse_qsl(query, keep_blank_values=True))
    if params.keys() & _WP_OTHER_QUERY:
        return UrlKind.OTHER
    if "p" in params:
        return UrlKind.ARTICLE if _WP_ARTICLE_QUERY.match(params["p"]) else UrlKind.OTHER
    if params.keys() & _WP_LISTING_QUERY:
        return UrlKind.LISTING
    return None


def classify_url(url: str, *, article_pattern: str | None = None) -> UrlKind:
    """Guess from its shape alone what a same-site URL points to.

    Regional WordPress sites put articles at ``/YYYY/MM/DD/slug/`` or ``/slug/``
    with a long hyphenated slug, or, with WordPress's default "Plain" permalinks, at
    ``/?p=123`` (its pages at ``/?page_id=2``: no articles); listings live under
    ``/category/`` and friends (``/?cat=3``).
    ``article_pattern`` (a site override) decides alone when given.
    """
    parts = urlsplit(url)
    path = parts.path or "/"
    if article_pattern is not None and re.search(article_pattern, url):
        return UrlKind.ARTICLE
    if _STATIC_SUFFIX.search(path):
        return UrlKind.OTHER
    segments = [s for s in path.lower().split("/") if s]
    if any(s in _NON_ARTICLE_SEGMENTS for s in segments) or "s=" in parts.query.split("&")[0]:
        return UrlKind.OTHER
    if parts.query and path in _FRONT_PATHS:
        kind = _front_query_kind(parts.query)
        if kind is UrlKind.ARTICLE and article_pattern is not None:
            return UrlKind.OTHER  # the site's pattern decides alone
        if kind is not None:
            return kind
    if not segments or _PAGINATION.search(path + ("?" + parts.query if parts.query else "")):
        return UrlKind.LISTING
    if segments[0] in _LISTING_SEGMENTS:
        return UrlKind.LISTING
    if article_pattern is not None:
        return UrlKind.OTHER
    if _DATE_PATH.search(path) or _NUMERIC_ID.search(path):
        return UrlKind.ARTICLE
    if _ID_SLUG.search(segments[-1]) and segments[-1].count("-") >= 3:
        return UrlKind.ARTICLE
    return UrlKind.OTHER


def base_url_of(html: Selector, url: str) -> str:
    """The URL a page's relative links resolve against: its ``<base href>`` if any."""
    base = html.xpath("//head/base/@href").get()
    return (join_url(url, base) or url) if base else url


def page_links(html: Selector, base_url: str) -> list[str]:
    """Absolute http(s) links of a page, fragment removed, de-duplicated in order; a
    malformed ``href`` is skipped, never fatal to the page."""
    base_url = base_url_of(html, base_url)
    seen: dict[str, None] = {}
    for href in html.xpath("//a/@href").getall():
        url = join_url(base_url, href)
        if url is not None:
            seen.setdefault(url, None)
    return list(seen)


def next_page_link(html: Selector, base_url: str) -> str | None:
    """The next page of a listing: ``rel=next`` (head or body), else a "next" pager link."""
    for query in (
        "//link[contains(concat(' ', normalize-space(@rel), ' '), ' next ')]/@href",
        "//a[contains(concat(' ', normalize-space(@rel), ' '), ' next ')]/@href",
        "//a[contains(concat(' ', normalize-space(@class), ' '), ' next ')]/@href",
    ):
        for href in html.xpath(query).getall():
            url = join_url(base_url_of(html, base_url), href)
            if url is not None:
                return url
    return None
