"""Feeds: autodiscovery in page heads, and RSS 2.0 / RSS 1.0 / Atom parsing."""

from __future__ import annotations

from datetime import datetime
from email.utils import parsedate_to_datetime

from lxml import etree
from parsel import Selector

from crawler.discovery.candidate import Candidate
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


def parse_feed(body: bytes, base_url: str) -> list[Candidate]:
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
    items: list[Candidate] = []
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
        url = join_url(base_url, link)
        if url is None:
            continue  # no link, or one that is not a web address: the entry alone is lost
        categories = tuple(
            c for c in (_text(e) or e.get("term") for e in entry.findall("category")) if c
        )
        items.append(
            Candidate(
                url=url,
                title=_text(entry.find("title")),
                published_at=_date(
                    _text(entry.find("pubDate"))
                    or _text(entry.find("published"))
                    or _text(entry.find("date"))
                ),
                modified_at=_date(_text(entry.find("updated"))),
                categories=categories,
                authors=tuple(a for a in (_text(e) for e in entry.findall("creator")) if a),
                strategy="feed",
            )
        )
    return items
