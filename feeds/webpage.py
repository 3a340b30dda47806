"""The one skeleton of every HTML page kabar shows people, its stylesheet and its dates.

The published pages (``index.html``, a page per feed) and the pages ``kabar serve`` answers
from the archive (search, article) share this skeleton, so they look alike and are escaped
alike: pages are lxml trees and every caller-supplied string goes in as element text or an
attribute value, escaped by the serializer, never pasted into markup. Text passes through
`feeds.text.clean_line` first (control characters cannot be serialized). The stylesheet is
inlined, so a page works opened from disk and needs no other request; no script, font or
image is ever loaded from elsewhere.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from importlib.resources import files
from typing import TYPE_CHECKING, Any, Final
from urllib.parse import urlsplit

import lxml.html
from lxml import etree

from feeds.text import clean_line

if TYPE_CHECKING:
    from collections.abc import Iterable

PAGE_CSS: Final = files("feeds").joinpath("static/kabar.css").read_text(encoding="utf-8")
FEED_CSS: Final = files("feeds").joinpath("static/feed.css").read_bytes()
"""The stylesheet a browser applies to an RSS or Atom file (``<?xml-stylesheet?>``)."""

MONTHS: Final = (
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
)
# Indonesia's three zones by their offset; any other offset is written as UTC±h.
ZONE_NAMES: Final = {
    timedelta(hours=7): "WIB",
    timedelta(hours=8): "WITA",
    timedelta(hours=9): "WIT",
}


def format_moment(moment: datetime) -> str:
    """``5 Juli 2023, 10.00 WIB``: the instant in the offset it carries (the site's zone);
    a naive value is read as UTC."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return f"{moment.day} {MONTHS[moment.month - 1]} {moment.year}, {format_clock(moment)}"


def format_clock(moment: datetime) -> str:
    """``10.00 WIB`` (Indonesian writes hours and minutes with a dot)."""
    return f"{moment.hour:02d}.{moment.minute:02d} {zone_name(moment)}"


def zone_name(moment: datetime) -> str:
    offset = moment.utcoffset() or timedelta(0)
    if offset in ZONE_NAMES:
        return ZONE_NAMES[offset]
    if not offset:
        return "UTC"
    sign = "+" if offset > timedelta(0) else "-"
    minutes = abs(int(offset.total_seconds())) // 60
    hours, rest = divmod(minutes, 60)
    return f"UTC{sign}{hours}" + (f":{rest:02d}" if rest else "")


def format_count(count: int) -> str:
    """``1.234``: Indonesian groups thousands with a dot."""
    return f"{count:,}".replace(",", ".")


class Page:
    """An HTML5 page under construction: ``head``, ``body`` and helpers that escape."""

    def __init__(
        self,
        title: str,
        *,
        description: str | None = None,
        home_href: str | None = "index.html",
        brand: str = "kabar",
        skip_to: str = "isi",
    ) -> None:
        self.html = etree.Element("html", lang="id")
        self.head = etree.SubElement(self.html, "head")
        etree.SubElement(self.head, "meta", charset="utf-8")
        etree.SubElement(
            self.head, "meta", name="viewport", content="width=device-width, initial-scale=1"
        )
        text(self.head, "title", title)
        if description:
            etree.SubElement(self.head, "meta", name="description", content=clean_line(description))
        etree.SubElement(self.head, "meta", name="color-scheme", content="light dark")
        style = etree.SubElement(self.head, "style")
        style.text = PAGE_CSS
        self.body = etree.SubElement(self.html, "body")
        skip = link(self.body, f"#{skip_to}", "Langsung ke isi")
        skip.set("class", "skip")
        self.header = etree.SubElement(self.body, "header", {"class": "masthead"})
        bar = etree.SubElement(self.header, "div", {"class": "bar"})
        if home_href is not None:
            link(bar, home_href, brand).set("class", "brand")
        else:
            text(bar, "span", brand).set("class", "brand")

    def alternate(self, href: str, media_type: str, title: str) -> None:
        """A ``<link rel=alternate>`` so browsers and readers find the page's feed."""
        etree.SubElement(
            self.head, "link", rel="alternate", type=media_type, title=clean_line(title), href=href
        )

    def serialize(self) -> bytes:
        serialized: bytes = lxml.html.tostring(
            self.html, doctype="<!DOCTYPE html>", encoding="utf-8", method="html"
        )
        return serialized + b"\n"


def text(parent: Any, tag: str, content: str, **attributes: str) -> Any:
    """A child element holding ``content`` as one clean line of text."""
    element = etree.SubElement(parent, tag, _attributes(attributes))
    element.text = clean_line(content)
    return element


def link(parent: Any, href: str, label: str, **attributes: str) -> Any:
    anchor = etree.SubElement(parent, "a", {"href": href, **_attributes(attributes)})
    anchor.text = clean_line(label)
    return anchor


def safe_href(url: str) -> str | None:
    """``url`` if it may be a link: http or https only (never ``javascript:`` and the like,
    however spelled); scraped URLs are shown as text otherwise."""
    url = url.strip()
    try:
        scheme = urlsplit(url).scheme.lower()
    except ValueError:
        return None
    return url if scheme in {"http", "https"} else None


def link_or_text(parent: Any, href: str, label: str, **attributes: str) -> Any:
    """A link to ``href`` when it is http(s) (`safe_href`), else ``label`` as plain text."""
    safe = safe_href(href)
    if safe is None:
        return text(parent, "span", label, **attributes)
    return link(parent, safe, label, **attributes)


def moment_element(parent: Any, moment: datetime, **attributes: str) -> Any:
    """``<time datetime="…">5 Juli 2023, 10.00 WIB</time>``."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    element = etree.SubElement(
        parent, "time", {"datetime": moment.isoformat(), **_attributes(attributes)}
    )
    element.text = format_moment(moment)
    return element


def paragraphs(parent: Any, body: str, limit: int | None = None) -> None:
    """One ``<p>`` per line of plain text (the archive's ``body``)."""
    lines = [line for line in (clean_line(line) for line in body.split("\n")) if line]
    for line in lines[:limit]:
        text(parent, "p", line)


def joined_links(parent: Any, links: Iterable[tuple[str, str]], separator: str = ", ") -> None:
    """Anchors ``(text, href)`` separated by ``separator``, appended to ``parent``."""
    previous = None
    for value, href in links:
        if previous is not None:
            previous.tail = separator
        previous = link_or_text(parent, href, value)


def append_text(element: Any, value: str) -> None:
    """Add ``value`` after the element's last child (or to its text when it has none)."""
    if len(element):
        last = element[-1]
        last.tail = (last.tail or "") + value
    else:
        element.text = (element.text or "") + value


def _attributes(attributes: dict[str, str]) -> dict[str, str]:
    # ``class`` is a keyword in Python: callers write ``cls``.
    return {("class" if name == "cls" else name): value for name, value in attributes.items()}
