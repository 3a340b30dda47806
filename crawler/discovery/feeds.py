"""Feeds: autodiscovery in page heads, and RSS 2.0 / RSS 1.0 / Atom parsing."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from email.utils import parsedate_to_datetime
from urllib.parse import urlsplit

from lxml import etree
from parsel import Selector

from crawler.discovery.candidate import Candidate
from crawler.discovery.sitemaps import SitemapError, without_doctype
from crawler.faults import isolated, report, web_url
from crawler.pages.dates import parse_date
from kabar.core.text import clean_line
from kabar.core.urls import join_url

FEED_TYPES = (
    "application/rss+xml",
    "application/atom+xml",
    "application/feed+xml",
    "application/x-rss+xml",
    "application/rdf+xml",
)
COMMON_FEED_PATHS = ("feed/",)
"""Tried when a homepage advertises no feed (WordPress serves ``/feed/``)."""


def feed_links(html: Selector, base_url: str) -> list[str]:
    """Feeds a page advertises with ``<link rel="alternate">``, in page order."""
    urls: list[str] = []
    for link in html.xpath("//link[@href]"):
        rel = (link.attrib.get("rel") or "").lower().split()
        kind = (link.attrib.get("type") or "").lower().strip()
        if "alternate" in rel and kind in FEED_TYPES:
            url = join_url(base_url, link.attrib.get("href"))
            if url is not None and "/comments/" not in url and url not in urls:
                urls.append(url)
    return urls


_FEED_PATH = re.compile(
    r"(?:\.(?:rss|atom|rdf)|/(?:feeds?|rss|atom|rss2)(?:\.xml)?/?|/(?:index|rss|atom|feed|"
    r"backend)\.xml|/feeds/posts/default)$",
    re.IGNORECASE,
)
_FEED_QUERY = re.compile(r"(?:^|&)(?:format=feed|feed=(?:rss2?|atom)|type=rss)(?:&|$)")


def linked_feeds(links: Iterable[str]) -> list[str]:
    """The feeds among a page's links (:func:`~crawler.discovery.urls.page_links`): an
    RSS icon's ``/index.xml``, ``/rss``, ``/rss.xml``, ``?format=feed``, for sites that
    advertise none in their head; comment feeds left out. A guess: the link is read as
    a feed and dropped when it is none."""
    urls: list[str] = []
    for url in links:
        if "comment" in url.lower() or url in urls:
            continue
        parts = urlsplit(url)
        if _FEED_PATH.search(parts.path) or _FEED_QUERY.search(parts.query):
            urls.append(url)
    return urls


class FeedError(ValueError):
    """The document is not a readable RSS or Atom feed."""


def _text(element: etree._Element | None) -> str | None:
    if element is None or element.text is None:
        return None
    return element.text.strip() or None


_NO_ZONE = timezone(timedelta(0), "no zone named")
"""Marks a time :func:`crawler.pages.dates.parse_date` read without a zone: a feed gives
no site zone to read it in, so such a time is not used."""
_RSS_AUTHOR = re.compile(r"^\s*\S+@\S+\s*\((?P<name>[^)]+)\)\s*$")
"""RSS 2.0 ``<author>``: ``editor@contoh.id (Nama Penulis)``."""


def _date(value: str | None) -> datetime | None:
    """An RFC 822 date (RSS), an ISO 8601 one (Atom), or what the page date parser reads:
    ``… 10:15 WIB``, WITA, WIT (Indonesian feeds write their zone so). None without a zone."""
    if not value:
        return None
    try:
        parsed: datetime | None = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError, OverflowError):
        parsed = None
    if parsed is None or parsed.tzinfo is None:
        parsed = parse_date(value, tz=_NO_ZONE)
    if parsed is None or parsed.tzinfo is None or parsed.tzinfo is _NO_ZONE:
        return None
    return parsed


def _authors(entry: etree._Element) -> tuple[str, ...]:
    """``dc:creator`` (RSS), ``author/name`` (Atom) and the name in RSS ``<author>``."""
    names: list[str] = []
    for element in entry.findall("creator"):
        names.append(_text(element) or "")
    for element in entry.findall("author"):
        name = element.find("name")
        if name is not None:
            names.append(_text(name) or "")
        elif (text := _text(element)) is not None:
            match = _RSS_AUTHOR.match(text)
            if match is not None:
                names.append(match["name"].strip())
            elif "@" not in text:
                names.append(text)
    return tuple(dict.fromkeys(clean_line(n) for n in names if n.strip()))


def _link(entry: etree._Element) -> str | None:
    """The entry's page: FeedBurner's ``origLink`` (its ``link`` goes through the
    proxy's host), Atom's alternate link, RSS's link, a permalink guid."""
    original = _text(entry.find("origLink"))
    if original:
        return original
    for candidate in entry.findall("link"):
        href = candidate.get("href")
        if href is not None:  # Atom
            if candidate.get("rel", "alternate") == "alternate":
                return str(href)
        elif candidate.text:
            return str(candidate.text)
    guid = entry.find("guid")
    if guid is not None and guid.get("isPermaLink", "true") == "true":
        return _text(guid)
    return None


def _candidate(entry: etree._Element, base_url: str) -> Candidate | None:
    link = _link(entry)
    if not link:
        report("no_link")
        return None
    url = web_url(base_url, link)
    if url is None:
        return None  # reported: one entry lost, not the feed
    categories = tuple(
        c for c in (_text(e) or e.get("term") for e in entry.findall("category")) if c
    )
    return Candidate(
        url=url,
        title=_text(entry.find("title")),
        published_at=_date(
            _text(entry.find("pubDate"))
            or _text(entry.find("published"))
            or _text(entry.find("issued"))
            or _text(entry.find("date"))
        ),
        modified_at=_date(_text(entry.find("updated")) or _text(entry.find("modified"))),
        categories=categories,
        authors=_authors(entry),
        strategy="feed",
    )


@dataclass(frozen=True)
class Feed:
    """A feed document: its entries, and how it pages when it says so (RFC 5005's
    ``<link rel="next">``, which Blogger and others write: ``?start-index=26``)."""

    candidates: list[Candidate] = field(default_factory=list)
    next_url: str | None = None
    paged: bool = False
    """The feed declares its paging (a next, previous, first or last link): without a
    next link it is its last page."""


_PAGING_RELS = frozenset({"next", "previous", "prev", "first", "last"})


def _paging(root: etree._Element, base_url: str) -> tuple[str | None, bool]:
    """The next page's URL and whether the feed declares paging at all: ``<link
    rel="next">`` of the feed (Atom) or its channel (RSS with ``atom:link``)."""
    channel = root.find("channel")
    holders = [root] if channel is None else [root, channel]
    next_url, paged = None, False
    for holder in holders:
        for link in holder.findall("link"):
            rel = (link.get("rel") or "").lower()
            if rel in _PAGING_RELS and link.get("href"):
                paged = True
                if rel == "next" and next_url is None:
                    next_url = join_url(base_url, link.get("href"))
    return next_url, paged


def read_feed(body: bytes, base_url: str) -> Feed:
    """An RSS 2.0/1.0 or Atom feed: its items (:func:`parse_feed`) and its paging."""
    root = _root(body)
    next_url, paged = _paging(root, base_url)
    entries = root.iter("item", "entry")
    candidates = list(isolated(entries, lambda entry: _candidate(entry, base_url), "bad_entry"))
    return Feed(candidates=candidates, next_url=next_url, paged=paged)


def parse_feed(body: bytes, base_url: str) -> list[Candidate]:
    """Items of an RSS 2.0/1.0 or Atom feed, in feed order; namespaces are ignored. An
    entry that cannot be read (no link, a malformed one, anything raising) is reported
    (:mod:`crawler.faults`) and skipped; the others are kept."""
    return read_feed(body, base_url).candidates


def _root(body: bytes) -> etree._Element:
    """The feed's root element, namespaces dropped from every tag."""
    parser = etree.XMLParser(recover=True, resolve_entities=False, no_network=True, huge_tree=False)
    try:
        root = etree.fromstring(without_doctype(body), parser=parser)
    except (etree.XMLSyntaxError, SitemapError) as exc:
        raise FeedError(f"not XML: {exc}") from None
    if root is None:
        raise FeedError("empty document")
    for element in root.iter():
        if isinstance(element.tag, str):
            element.tag = etree.QName(element).localname
    if root.tag not in ("rss", "feed", "RDF"):
        raise FeedError(f"not a feed (root element <{root.tag}>)")
    return root
