"""When the article was published and modified: structured data, meta tags, microdata,
the visible date line, the text, and last a library's guess of the day.

:mod:`crawler.pages.dates` reads one string; this module decides which strings of the
page to read, in which order.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from datetime import datetime, tzinfo
from typing import Any

from htmldate import find_date as htmldate_find_date
from lxml.html import HtmlElement

from crawler.pages.dates import find_date, parse_date
from crawler.pages.provenance import Found
from crawler.pages.sources import Sources
from crawler.pages.texts import text_of

__all__ = ["EARLIEST_YEAR", "DateReader", "modified_candidates", "published_candidates"]

logger = logging.getLogger(__name__)

EARLIEST_YEAR = 1990
"""No news page was published on the web before this year."""
_PUBLISHED_META = (
    "article:published_time",
    "og:article:published_time",
    "og:published_time",
    "datepublished",
    "article.published",
    "pubdate",
    "publishdate",
    "publish-date",
    "publish_date",
    "published_time",
    "parsely-pub-date",
    "sailthru.date",
    "dc.date.issued",
    "dc.date",
    "dcterms.created",
    "dcterms.date",
    "date",
    "content_publish_date",
    "article:published",
)
_MODIFIED_META = (
    "article:modified_time",
    "og:updated_time",
    "datemodified",
    "article.updated",
    "dcterms.modified",
    "last-modified",
)
_DATE_ELEMENTS = (
    "//body//time[not(@datetime)]"
    " | //body//*[contains(@class, 'date') or contains(@class, 'time')"
    " or contains(@class, 'posted-on') or contains(@class, 'meta')"
    " or contains(@class, 'byline')][not(self::body)]"
)


class DateReader:
    """Reads dates the way one page needs: its site's zone, its fetch time for
    relative dates, nothing before :data:`EARLIEST_YEAR`."""

    def __init__(self, tz: tzinfo, fetched_at: datetime | None) -> None:
        self.tz = tz
        self.fetched_at = fetched_at

    def read(self, value: Any) -> datetime | None:
        """A metadata value or a short visible string as an aware datetime."""
        if not isinstance(value, str):
            return None
        return plausible(parse_date(value, tz=self.tz, now=self.fetched_at))


def plausible(found: datetime | None) -> datetime | None:
    """``found`` if a web page can have been published then, not before
    :data:`EARLIEST_YEAR`: a sidebar's "born 15 November 1930" is not the article's
    date. (Dates after the fetch are the pipeline's to judge: it knows the run.)"""
    return found if found is not None and found.year >= EARLIEST_YEAR else None


def _microdata_date(reader: DateReader, sources: Sources, prop: str) -> datetime | None:
    for node in sources.microdata.get(prop, [])[:2]:
        found = reader.read(node.get("content") or node.get("datetime") or text_of(node))
        if found:
            return found
    return None


def _visible_date(reader: DateReader, tree: HtmlElement) -> Found[datetime] | None:
    for node in tree.xpath("//body//time[@datetime]")[:3]:
        found = reader.read(node.get("datetime"))
        if found:
            return Found(found, "visible", "time[datetime]")
    for node in tree.xpath(_DATE_ELEMENTS)[:8]:
        text = text_of(node)
        if len(text) <= 200:
            found = plausible(find_date(text, tz=reader.tz, now=reader.fetched_at))
            if found:
                return Found(found, "visible", f"<{node.tag} class={node.get('class', '')!r}>")
    return None


def _text_date(reader: DateReader, paragraphs: list[str]) -> Found[datetime] | None:
    for paragraph in paragraphs[:3]:
        found = plausible(find_date(paragraph, tz=reader.tz, relative=False))
        if found:
            return Found(found, "text", "opening paragraphs")
    return None


def published_candidates(
    reader: DateReader,
    tree: HtmlElement,
    sources: Sources,
    paragraphs: Callable[[], list[str]],
) -> Iterator[Found[datetime] | None]:
    """The publication time as the page states it, strongest source first (the site's
    selector excepted: the page object asks it first)."""
    article = sources.article
    for name in ("datePublished", "dateCreated"):
        found = reader.read(article.get(name))
        yield Found(found, "json-ld", name) if found else None
    for name in _PUBLISHED_META:
        found = reader.read(sources.first_meta(name))
        yield Found(found, "meta", name) if found else None
    found = _microdata_date(reader, sources, "datePublished")
    yield Found(found, "microdata", "datePublished") if found else None
    yield _visible_date(reader, tree)
    yield _text_date(reader, paragraphs())


def guessed_published(reader: DateReader, tree: HtmlElement, url: str) -> Found[datetime] | None:
    """htmldate's original-publication date (URL, headers, scripts, text patterns in many
    languages) when the page states none; midnight in the site's zone."""
    try:
        # htmldate copies an lxml tree before pruning it, so it gets ours as is. Not
        # its opportunistic text search: it reads a footer's "© 2023" as 1 January.
        found = htmldate_find_date(
            tree, url=url or None, original_date=True, extensive_search=False
        )
    except Exception as exc:  # a bug in the library must not lose the page
        logger.debug("htmldate failed for %s: %r", url, exc)
        return None
    day = reader.read(found) if isinstance(found, str) else None
    return Found(day, "fallback", "htmldate") if day else None


def modified_candidates(reader: DateReader, sources: Sources) -> Iterator[Found[datetime] | None]:
    """The last modification time: structured data, meta tags, microdata."""
    found = reader.read(sources.article.get("dateModified"))
    yield Found(found, "json-ld", "dateModified") if found else None
    for name in _MODIFIED_META:
        found = reader.read(sources.first_meta(name))
        yield Found(found, "meta", name) if found else None
    found = _microdata_date(reader, sources, "dateModified")
    yield Found(found, "microdata", "dateModified") if found else None
