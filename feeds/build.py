"""Render one feed as RSS 2.0, Atom 1.0 or JSON Feed 1.1 bytes.

RSS and Atom go through python-feedgen; JSON Feed is written here (feedgen has none). The
output depends only on the input: the feed's own date is the newest entry's ``updated``, and
nothing random or clock-based is emitted, so unchanged input gives byte-identical files and
HTTP caches keep working.

feedgen 1.0 has traps, each worked around once, in this module, with a test in
``tests/test_feeds.py``:

* Atom entry links lose ``rel``, ``type`` and ``length`` (feedgen issue #135), so an image
  enclosure would become a second alternate link: `_AtomEntryFixes` rewrites the entry's links.
* The RSS channel ``<link>`` is whichever link was added last: `_add_feed_links` adds the
  human page last.
* Naive datetimes raise deep inside feedgen: `_prepare` reads them as UTC (SQLite drops
  offsets) through `feeds.model.aware`.
* Control characters make lxml refuse to serialize: every string passes through `feeds.text`.
* ``add_entry`` prepends by default, reversing the caller's order: `_add_entries` appends.
* Titles must be escaped exactly once: they go in as plain text and only lxml escapes them;
  in RSS, whose readers guess whether a title is HTML, `_plain_text_as_char_refs` then spells
  that one escape as ``&#x26;``/``&#x3C;`` as the RSS Profile asks.
"""

from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from html import escape
from typing import TYPE_CHECKING, Any, Final

from feedgen.ext.base import BaseEntryExtension, BaseExtension
from feedgen.feed import FeedGenerator

from feeds.model import MEDIA_TYPE, feed_url, home_url
from feeds.text import (
    absolute_url,
    clean_line,
    html_to_text,
    image_media_type,
    link_list_html,
    sanitize_html,
    shorten,
)
from kabar.core.times import aware

if TYPE_CHECKING:
    from collections.abc import Sequence

    from feeds.model import FeedEntry, FeedFormat, FeedInfo

GENERATOR: Final = "kabar"
JSON_FEED_VERSION: Final = "https://jsonfeed.org/version/1.1"
# The date of a feed with no entries: a fixed instant keeps empty feeds byte-stable (validators
# call dates before 1990 implausible).
EMPTY_FEED_DATE: Final = datetime(2000, 1, 1, tzinfo=UTC)
UNTITLED: Final = "(tanpa judul)"
ALSO_AT_LABEL: Final = "Juga dimuat di"
SOURCE_LABEL: Final = "Sumber"
_XML_LANG: Final = "{http://www.w3.org/XML/1998/namespace}lang"
_FIXES: Final = "kabar_fixes"
PREPARED_CACHE_SIZE: Final = 16_384
FEED_STYLESHEET: Final = "feed.css"
"""Published next to the feeds (`feeds.publish`): a browser shows an RSS or Atom file through it
as a page instead of raw XML. Referenced relatively, so it works wherever the files are served."""
_STYLESHEET_PI: Final = f'<?xml-stylesheet type="text/css" href="{FEED_STYLESHEET}"?>\n'.encode()


@dataclass(frozen=True)
class _Item:
    """A `FeedEntry` cleaned once and shared by the three renderers."""

    id: str
    link: str
    title: str
    published: datetime
    updated: datetime
    summary: str  # plain text, never empty
    content_html: str  # sanitized, may be empty
    authors: tuple[str, ...]
    image_url: str | None
    categories: tuple[str, ...]
    language: str | None


def render_rss(info: FeedInfo, entries: Sequence[FeedEntry], *, base_url: str) -> bytes:
    """RSS 2.0 with content:encoded, dc:creator and one image enclosure per item."""
    items = [_prepare(entry) for entry in entries]
    fg = _new_generator(info, items, base_url, "rss")
    fg.load_extension("dc", atom=False, rss=True)
    for item, fe in zip(items, _add_entries(fg, len(items)), strict=True):
        _fill_common(fe, item)
        fe.guid(item.id, permalink=item.id == item.link)
        # RSS readers treat <description> as HTML, so plain text is escaped for HTML first.
        fe.description(escape(item.summary, quote=False))
        fe.dc.dc_creator(list(item.authors))
        if item.language and item.language != info.language:
            fe.dc.dc_language(item.language)
        if item.image_url:
            fe.enclosure(item.image_url, "0", image_media_type(item.image_url))
    rss = fg.rss_str(pretty=True, encoding="UTF-8", xml_declaration=True)
    return _with_stylesheet(_plain_text_as_char_refs(rss))


def render_atom(info: FeedInfo, entries: Sequence[FeedEntry], *, base_url: str) -> bytes:
    """Atom 1.0 with html content, a text summary and a rel=enclosure link for the image."""
    items = [_prepare(entry) for entry in entries]
    fg = _new_generator(info, items, base_url, "atom")
    fg.id(feed_url(base_url, info.slug, "atom"))
    fg.author({"name": clean_line(info.title)})
    fg.register_extension(_FIXES, BaseExtension, _AtomEntryFixes, atom=True, rss=False)
    for item, fe in zip(items, _add_entries(fg, len(items)), strict=True):
        _fill_common(fe, item)
        fe.id(item.id)
        fe.summary(item.summary)
        fe.author([{"name": name} for name in item.authors])
        fixes: _AtomEntryFixes = getattr(fe, _FIXES)
        fixes.links = _atom_entry_links(item)
        if item.language and item.language != info.language:
            fixes.xml_lang = item.language
    return _with_stylesheet(bytes(fg.atom_str(pretty=True, encoding="UTF-8", xml_declaration=True)))


def render_json(info: FeedInfo, entries: Sequence[FeedEntry], *, base_url: str) -> bytes:
    """JSON Feed 1.1 (https://www.jsonfeed.org/version/1.1/)."""
    items = [_prepare(entry) for entry in entries]
    feed: dict[str, Any] = {
        "version": JSON_FEED_VERSION,
        "title": clean_line(info.title),
        "home_page_url": home_url(info, base_url),
        "feed_url": feed_url(base_url, info.slug, "json"),
        "description": clean_line(info.description),
        "language": info.language,
        "items": [_json_item(item) for item in items],
    }
    return (json.dumps(feed, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


# --- shared preparation -------------------------------------------------------------------


def clear_cache() -> None:
    """Forget prepared entries (benchmarks time cold rendering with it)."""
    _prepare.cache_clear()


# An article is in several feeds (all, topics, region, site), each in three formats, and
# sanitizing is most of the rendering time: prepare each entry once. Entries are immutable.
@functools.lru_cache(maxsize=PREPARED_CACHE_SIZE)
def _prepare(entry: FeedEntry) -> _Item:
    link = absolute_url(entry.link, entry.link)
    # feedgen raises on naive datetimes deep inside rendering; `aware` reads them as UTC.
    published = aware(entry.published)
    body = sanitize_html(entry.content_html or "", link)
    title = clean_line(entry.title) or UNTITLED
    # Every entry gets some text: readers (and the W3C validator) expect a summary.
    summary = clean_line(entry.summary or "") or shorten(html_to_text(body)) or title
    return _Item(
        id=clean_line(entry.id),
        link=link,
        title=title,
        published=published,
        # An "updated" before "published" is a caller slip; feeds readers would sort it oddly.
        updated=max(aware(entry.updated), published),
        summary=summary,
        content_html=_with_footer(body, summary, entry, link),
        authors=tuple(name for name in map(clean_line, entry.authors) if name),
        image_url=(absolute_url(entry.image_url, link) or None) if entry.image_url else None,
        categories=tuple(dict.fromkeys(c for c in map(clean_line, entry.categories) if c)),
        language=clean_line(entry.language) if entry.language else None,
    )


def _with_footer(body: str, summary: str, entry: FeedEntry, link: str) -> str:
    """The sanitized body followed by where else the article can be read.

    Without a body the summary stands in: readers that prefer content over summary would
    otherwise show nothing but the footer.
    """
    footer = [link_list_html(ALSO_AT_LABEL, _also_at(entry, link))]
    if entry.source_name:
        footer.insert(0, link_list_html(SOURCE_LABEL, [(entry.source_name, link)]))
    footer = [part for part in footer if part]
    if not footer:
        return body
    return "\n".join([body or f"<p>{escape(summary, quote=False)}</p>", *footer])


def _also_at(entry: FeedEntry, link: str) -> list[tuple[str, str]]:
    return [(name, absolute_url(url, link)) for name, url in entry.also_at]


def _feed_updated(items: Sequence[_Item]) -> datetime:
    """The feed's date is its newest change, never the clock, so output is reproducible."""
    return max((item.updated for item in items), default=EMPTY_FEED_DATE)


# --- feedgen ----------------------------------------------------------------------------


class _AtomEntryFixes(BaseEntryExtension):  # type: ignore[misc]
    """Rewrites an Atom entry's links and language after feedgen has built the entry.

    feedgen 1.0 writes entry links without rel/type/length (issue #135), so an enclosure
    turns into an alternate link; here the links feedgen wrote are replaced by complete ones.
    """

    def __init__(self) -> None:
        self.links: list[dict[str, str]] = []
        self.xml_lang: str | None = None

    def extend_atom(self, entry: Any) -> Any:
        broken = entry.findall("link")
        position = entry.index(broken[0]) if broken else len(entry)
        for element in broken:
            entry.remove(element)
        for offset, attributes in enumerate(self.links):
            element = entry.makeelement("link", attributes)
            element.tail = broken[0].tail if broken else None
            entry.insert(position + offset, element)
        if self.xml_lang:
            entry.set(_XML_LANG, self.xml_lang)
        return entry


def _atom_entry_links(item: _Item) -> list[dict[str, str]]:
    links = [{"href": item.link, "rel": "alternate", "type": "text/html"}]
    if item.image_url:
        links.append(
            {
                "href": item.image_url,
                "rel": "enclosure",
                "type": image_media_type(item.image_url),
                "length": "0",
            }
        )
    return links


def _new_generator(
    info: FeedInfo, items: Sequence[_Item], base_url: str, fmt: FeedFormat
) -> FeedGenerator:
    fg = FeedGenerator()
    fg.title(clean_line(info.title))
    fg.subtitle(clean_line(info.description) or clean_line(info.title))
    fg.language(info.language)
    # Replaces feedgen's default, which carries its version and URL into every file.
    fg.generator(GENERATOR)
    fg.updated(_feed_updated(items))
    _add_feed_links(fg, info, base_url, fmt)
    return fg


def _add_feed_links(fg: FeedGenerator, info: FeedInfo, base_url: str, fmt: FeedFormat) -> None:
    """Self link first: feedgen uses the *last* link added as the RSS channel <link>."""
    fg.link(href=feed_url(base_url, info.slug, fmt), rel="self", type=MEDIA_TYPE[fmt])
    fg.link(href=home_url(info, base_url), rel="alternate", type="text/html")


def _add_entries(fg: FeedGenerator, count: int) -> list[Any]:
    """feedgen prepends by default, which would reverse the caller's newest-first order."""
    return [fg.add_entry(order="append") for _ in range(count)]


def _fill_common(fe: Any, item: _Item) -> None:
    """The fields RSS and Atom share; the title goes in as plain text, escaped once by lxml."""
    fe.title(item.title)
    fe.link(href=item.link, rel="alternate")
    fe.published(item.published)
    fe.updated(item.updated)
    if item.content_html:
        fe.content(item.content_html, type="html")
    if item.categories:
        fe.category([{"term": category} for category in item.categories])


# RSS has no way to say whether <title> is text or HTML, so readers guess; the RSS Profile asks
# for '&' and '<' in plain-text elements as hexadecimal references, which no reader mistakes for
# markup. Same characters after XML parsing, so this is still escaping exactly once.
_RSS_PLAIN_TEXT_RE: Final = re.compile(rb"<(title|category|dc:creator)>([^<]*)</\1>")


def _plain_text_as_char_refs(xml: bytes) -> bytes:
    def encode(match: re.Match[bytes]) -> bytes:
        text = match.group(2).replace(b"&amp;", b"&#x26;").replace(b"&lt;", b"&#x3C;")
        return b"<%s>%s</%s>" % (match.group(1), text, match.group(1))

    return _RSS_PLAIN_TEXT_RE.sub(encode, xml)


def _with_stylesheet(xml: bytes) -> bytes:
    """The ``<?xml-stylesheet?>`` instruction right after the XML declaration (feedgen has no
    way to add a processing instruction)."""
    declaration, end, rest = xml.partition(b"?>\n")
    return declaration + end + _STYLESHEET_PI + rest


# --- JSON Feed ----------------------------------------------------------------------------


def _json_item(item: _Item) -> dict[str, Any]:
    data: dict[str, Any] = {"id": item.id, "url": item.link, "title": item.title}
    if item.content_html:
        data["content_html"] = item.content_html
    else:
        data["content_text"] = item.summary
    data["summary"] = item.summary
    if item.image_url:
        data["image"] = item.image_url
    data["date_published"] = item.published.isoformat()
    data["date_modified"] = item.updated.isoformat()
    if item.authors:
        data["authors"] = [{"name": name} for name in item.authors]
    if item.categories:
        data["tags"] = list(item.categories)
    if item.language:
        data["language"] = item.language
    return data
