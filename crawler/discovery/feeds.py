"""Feeds: autodiscovery in page heads, and RSS 2.0 / RSS 1.0 / Atom parsing."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from email.utils import parsedate_to_datetime

from lxml import etree
from parsel import Selector

from crawler.discovery.candidate import Candidate
from crawler.discovery.sitemaps import SitemapError, without_doctype
from crawler.faults import isolated, report, web_url
from crawler.pages.dates import parse_date
from kabar.core.text import clean_line
from kabar.core.urls import join_url

FEED_TYPES = ("application/rss+xml", "application/atom+xml", "application/feed+xml")
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


def parse_feed(body: bytes, base_url: str) -> list[Candidate]:
    """Items of an RSS 2.0/1.0 or Atom feed, in feed order; namespaces are ignored. An
    entry that cannot be read (no link, a malformed one, anything raising) is reported
    (:mod:`crawler.faults`) and skipped; the others are kept."""
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
    entries = root.iter("item", "entry")
    return list(isolated(entries, lambda entry: _candidate(entry, base_url), "bad_entry"))
