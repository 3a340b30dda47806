"""The two directory files next to the feeds: ``index.html`` for people, ``feeds.opml`` for readers.

Both are built as lxml trees rather than string templates, so every title and URL is escaped
by the serializer, and both depend only on their input (no "generated at" clock), so the
publisher can leave them untouched when nothing changed.
"""

from __future__ import annotations

from email.utils import format_datetime
from typing import TYPE_CHECKING, Any, Final

import lxml.html
from lxml import etree

from feeds.model import (
    FORMATS,
    GROUPS,
    MEDIA_TYPE,
    FeedSummary,
    Headline,
    feed_url,
    home_url,
)
from feeds.text import absolute_url, clean_line
from kabar.core.times import aware

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence
    from datetime import datetime

    from feeds.model import FeedEntry, FeedFormat, FeedInfo

HEADLINES_PER_FEED: Final = 5
GROUP_TITLES: Final[dict[str, str]] = {
    "all": "Semua berita",
    "topic": "Topik",
    "region": "Wilayah",
    "site": "Situs",
}
FORMAT_LABELS: Final[dict[FeedFormat, str]] = {
    "rss": "RSS",
    "atom": "Atom",
    "json": "JSON Feed",
}
NO_ENTRIES_YET: Final = "Belum ada berita."


def summarize(info: FeedInfo, entries: Sequence[FeedEntry]) -> FeedSummary:
    """The part of a feed the index page and the OPML file show."""
    headlines = []
    for entry in entries[:HEADLINES_PER_FEED]:
        link = absolute_url(entry.link, entry.link)
        headlines.append(Headline(clean_line(entry.title) or link, link, aware(entry.published)))
    return FeedSummary(info, tuple(headlines), _newest(entries))


def render_index_html(feeds: Sequence[FeedSummary], *, base_url: str, site_title: str) -> bytes:
    """An HTML5 page listing every feed by group, with subscribe links and latest headlines."""
    html = etree.Element("html", lang="id")
    head = etree.SubElement(html, "head")
    etree.SubElement(head, "meta", charset="utf-8")
    etree.SubElement(head, "meta", name="viewport", content="width=device-width, initial-scale=1")
    _text_element(head, "title", site_title)
    for feed in _in_group(feeds, "all"):
        info = feed.info
        etree.SubElement(
            head,
            "link",
            rel="alternate",
            type="application/atom+xml",
            title=clean_line(info.title),
            href=feed_url(base_url, info.slug, "atom"),
        )
    body = etree.SubElement(html, "body")
    _text_element(body, "h1", site_title)
    for group in GROUPS:
        members = _in_group(feeds, group)
        if members:
            _group_section(body, group, members, base_url)
    serialized: bytes = lxml.html.tostring(
        html, doctype="<!DOCTYPE html>", encoding="utf-8", method="html", pretty_print=True
    )
    return serialized


def render_opml(feeds: Sequence[FeedSummary], *, base_url: str, site_title: str) -> bytes:
    """OPML 2.0 with one folder per group and one RSS outline per feed.

    No ``<docs>``: it is optional, and the W3C validator's OPML checker predates it.
    """
    opml = etree.Element("opml", version="2.0")
    head = etree.SubElement(opml, "head")
    _text_element(head, "title", site_title)
    newest = max((feed.updated for feed in feeds if feed.updated is not None), default=None)
    if newest is not None:
        _text_element(head, "dateModified", format_datetime(newest))
    body = etree.SubElement(opml, "body")
    for group in GROUPS:
        members = _in_group(feeds, group)
        if not members:
            continue
        folder = etree.SubElement(body, "outline", text=GROUP_TITLES[group])
        for feed in members:
            _opml_outline(folder, feed.info, base_url)
    serialized: bytes = etree.tostring(
        opml, encoding="UTF-8", xml_declaration=True, pretty_print=True
    )
    return serialized


def _in_group(feeds: Sequence[FeedSummary], group: str) -> list[FeedSummary]:
    return [feed for feed in feeds if feed.info.group == group]


def _group_section(body: Any, group: str, members: Sequence[FeedSummary], base_url: str) -> None:
    section = etree.SubElement(body, "section", id=f"group-{group}")
    _text_element(section, "h2", GROUP_TITLES[group])
    for feed in members:
        _feed_article(section, feed, base_url)


def _feed_article(parent: Any, feed: FeedSummary, base_url: str) -> None:
    info = feed.info
    article = etree.SubElement(parent, "article", id=f"feed-{info.slug}")
    heading = _text_element(article, "h3", "")
    if info.home_url:  # otherwise the home page is this very index
        _link(heading, home_url(info, base_url), clean_line(info.title))
    else:
        heading.text = clean_line(info.title)
    if info.description:
        _text_element(article, "p", info.description)
    _subscribe_links(article, info, base_url)
    if not feed.headlines:
        _text_element(article, "p", NO_ENTRIES_YET)
        return
    listing = etree.SubElement(article, "ul")
    for headline in feed.headlines:
        _headline(listing, headline)


def _subscribe_links(article: Any, info: FeedInfo, base_url: str) -> None:
    subscribe = _text_element(article, "p", "Berlangganan:")
    subscribe.set("class", "subscribe")
    subscribe.text += " "
    for position, fmt in enumerate(FORMATS):
        anchor = _link(subscribe, feed_url(base_url, info.slug, fmt), FORMAT_LABELS[fmt])
        anchor.set("type", MEDIA_TYPE[fmt])
        if position < len(FORMATS) - 1:
            anchor.tail = " · "


def _headline(listing: Any, headline: Headline) -> None:
    item = etree.SubElement(listing, "li")
    _link(item, headline.link, headline.title)
    item[-1].tail = " "
    published = headline.published
    stamp = etree.SubElement(item, "time", datetime=published.isoformat())
    stamp.text = published.strftime("%Y-%m-%d %H:%M")


def _opml_outline(folder: Any, info: FeedInfo, base_url: str) -> None:
    title = clean_line(info.title)
    etree.SubElement(
        folder,
        "outline",
        type="rss",
        text=title,
        title=title,
        description=clean_line(info.description),
        language=info.language,
        xmlUrl=feed_url(base_url, info.slug, "rss"),
        htmlUrl=home_url(info, base_url),
    )


def _newest(entries: Iterable[FeedEntry]) -> datetime | None:
    return max((aware(entry.updated) for entry in entries), default=None)


def _text_element(parent: Any, tag: str, text: str) -> Any:
    element = etree.SubElement(parent, tag)
    element.text = clean_line(text)
    return element


def _link(parent: Any, href: str, text: str) -> Any:
    anchor = etree.SubElement(parent, "a", href=href)
    anchor.text = text
    return anchor
