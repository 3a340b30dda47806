"""Finding a site's article URLs: feed autodiscovery, feed parsing, URL-shape classification.

Pure functions over text and URLs (no Scrapy), so they are tested without a crawl
and reused by every discovery strategy.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass, field
from datetime import datetime
from email.utils import parsedate_to_datetime
from urllib.parse import urljoin, urlsplit

from lxml import etree
from parsel import Selector

FEED_TYPES = ("application/rss+xml", "application/atom+xml", "application/feed+xml")
COMMON_FEED_PATHS = ("feed/",)
"""Tried when a homepage advertises no feed (WordPress serves ``/feed/``)."""


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


def classify_url(url: str, *, article_pattern: str | None = None) -> UrlKind:
    """Guess from its shape alone what a same-site URL points to.

    Regional WordPress sites put articles at ``/YYYY/MM/DD/slug/`` or ``/slug/``
    with a long hyphenated slug; listings live under ``/category/`` and friends.
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


def feed_links(html: Selector, base_url: str) -> list[str]:
    """Feeds a page advertises with ``<link rel="alternate">``, in page order."""
    urls: list[str] = []
    for link in html.xpath("//link[@href]"):
        rel = (link.attrib.get("rel") or "").lower().split()
        kind = (link.attrib.get("type") or "").lower().strip()
        if "alternate" in rel and kind in FEED_TYPES:
            url = urljoin(base_url, link.attrib["href"].strip())
            if "/comments/" not in url and url not in urls:
                urls.append(url)
    return urls


def page_links(html: Selector, base_url: str) -> list[str]:
    """Absolute http(s) links of a page, fragment removed, de-duplicated in order."""
    seen: dict[str, None] = {}
    for href in html.xpath("//a/@href").getall():
        url = urljoin(base_url, href.strip()).split("#", 1)[0]
        if url.startswith(("http://", "https://")):
            seen.setdefault(url, None)
    return list(seen)


@dataclass(frozen=True)
class FeedItem:
    """What a feed says of one article: hints that spare fetches and fill gaps."""

    url: str
    title: str | None = None
    published_at: datetime | None = None
    modified_at: datetime | None = None
    categories: tuple[str, ...] = field(default_factory=tuple)


class FeedError(ValueError):
    """The document is not a readable RSS or Atom feed."""


def _text(element: etree._Element | None) -> str | None:
    if element is None or element.text is None:
        return None
    return element.text.strip() or None


def _date(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        parsed = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        try:
            parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return None
    return parsed if parsed.tzinfo is not None else None


def parse_feed(body: bytes, base_url: str) -> list[FeedItem]:
    """Items of an RSS 2.0/1.0 or Atom feed, in feed order; namespaces are ignored."""
    parser = etree.XMLParser(recover=True, resolve_entities=False, no_network=True, huge_tree=False)
    try:
        root = etree.fromstring(body, parser=parser)
    except etree.XMLSyntaxError as exc:
        raise FeedError(f"not XML: {exc}") from None
    if root is None:
        raise FeedError("empty document")
    for element in root.iter():
        if isinstance(element.tag, str):
            element.tag = etree.QName(element).localname
    if root.tag not in ("rss", "feed", "RDF"):
        raise FeedError(f"not a feed (root element <{root.tag}>)")
    items: list[FeedItem] = []
    for entry in root.iter("item", "entry"):
        link = None
        for candidate in entry.findall("link"):
            href = candidate.get("href")
            if href is not None:  # Atom
                if candidate.get("rel", "alternate") == "alternate":
                    link = href
                    break
            elif candidate.text:
                link = candidate.text
                break
        if not link:
            guid = entry.find("guid")
            if guid is not None and guid.get("isPermaLink", "true") == "true":
                link = _text(guid)
        if not link:
            continue
        categories = tuple(
            c for c in (_text(e) or e.get("term") for e in entry.findall("category")) if c
        )
        items.append(
            FeedItem(
                url=urljoin(base_url, link.strip()),
                title=_text(entry.find("title")),
                published_at=_date(
                    _text(entry.find("pubDate"))
                    or _text(entry.find("published"))
                    or _text(entry.find("date"))
                ),
                modified_at=_date(_text(entry.find("updated"))),
                categories=categories,
            )
        )
    return items
