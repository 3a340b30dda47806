"""What a URL points to, judged from its shape; its one canonical form; link extraction.

Shared by every discovery strategy, so a listing or tag page is never taken for an
article whichever way it was found.
"""

from __future__ import annotations

import enum
import re
from urllib.parse import parse_qsl, urljoin, urlsplit, urlunsplit

from parsel import Selector
from w3lib.url import canonicalize_url, url_query_cleaner

TRACKING_PARAMS = (
    "utm_source", "utm_medium", "utm_campaign", "utm_term", "utm_content", "utm_id",
    "fbclid", "gclid", "dclid", "msclkid", "yclid", "_ga", "mc_cid", "mc_eid",
    "amp", "amp_js_v", "share", "ref", "src", "print",
    # Session ids make one page many URLs (a crawler trap as much as a duplicate).
    "sid", "session", "sessionid", "session_id", "phpsessid", "jsessionid", "s_id",
)  # fmt: skip
_AMP_SUFFIX = re.compile(r"/(?:amp|print)/?$")


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


def same_site(url: str, netloc: str) -> bool:
    """Whether ``url`` is on the site whose host[:port] is ``netloc`` (``www.`` ignored)."""
    host = urlsplit(url).netloc.lower()
    return host.removeprefix("www.") == netloc.lower().removeprefix("www.")


def page_links(html: Selector, base_url: str) -> list[str]:
    """Absolute http(s) links of a page, fragment removed, de-duplicated in order."""
    seen: dict[str, None] = {}
    for href in html.xpath("//a/@href").getall():
        url = urljoin(base_url, href.strip()).split("#", 1)[0]
        if url.startswith(("http://", "https://")):
            seen.setdefault(url, None)
    return list(seen)


def next_page_link(html: Selector, base_url: str) -> str | None:
    """The next page of a listing: ``rel=next`` (head or body), else a "next" pager link."""
    href = (
        html.xpath(
            "//link[contains(concat(' ', normalize-space(@rel), ' '), ' next ')]/@href"
        ).get()
        or html.xpath(
            "//a[contains(concat(' ', normalize-space(@rel), ' '), ' next ')]/@href"
        ).get()
        or html.xpath(
            "//a[contains(concat(' ', normalize-space(@class), ' '), ' next ')]/@href"
        ).get()
    )
    return urljoin(base_url, href.strip()) if href else None


def canonical_url(url: str) -> str:
    """One URL per article: tracking parameters, AMP/print suffixes and fragments removed,
    host lower-cased, query sorted (w3lib)."""
    cleaned = url_query_cleaner(url, TRACKING_PARAMS, remove=True, keep_fragments=False)
    parts = urlsplit(cleaned)
    path = _AMP_SUFFIX.sub("/", parts.path) or "/"
    rebuilt = urlunsplit((parts.scheme.lower(), parts.netloc.lower(), path, parts.query, ""))
    return canonicalize_url(rebuilt, keep_fragments=False)
