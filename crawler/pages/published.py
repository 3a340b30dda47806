"""When the article was published and modified: structured data, meta tags, microdata,
the visible date line, the text, and last a library's guess of the day.

:mod:`crawler.pages.dates` reads one string; this module decides which strings of the
page to read, in which order.
"""

from __future__ import annotations

import itertools
import logging
import re
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime, timedelta, tzinfo
from typing import Any

import lxml.etree
from htmldate import find_date as htmldate_find_date
from lxml.html import HtmlElement

from crawler.pages.dates import find_date, has_zone, parse_date, parse_iso
from crawler.pages.provenance import Found
from crawler.pages.sources import Sources
from crawler.pages.texts import key, norm, text_of

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
_ISO_WITH_OFFSET = re.compile(
    r"(?:19|20)\d\d-\d\d-\d\d[T ]\d\d:\d\d(?::\d\d(?:\.\d+)?)?(?:Z|[+-]\d\d:?\d\d)"
)
_ISO_NAIVE = re.compile(r"^\d{4}-\d\d-\d\d\s*T?\s*\d\d:\d\d(?::\d\d(?:[.,]\d+)?)?$")
_SCRIPTS_READ = 30
_SCRIPT_CHARS = 300_000
_PUBLISH_LIKE = re.compile(r"publish|created|issued|terbit", re.I)
_UPDATE_LIKE = re.compile(r"modif|updat|edit|expir", re.I)
_MODIFIED_META = (
    "article:modified_time",
    "og:updated_time",
    "datemodified",
    "article.updated",
    "dcterms.modified",
    "last-modified",
)
_NEAR_HEADLINE_TEXTS = 12
"""Text pieces read on each side of the headline for its date line."""
_NEAR_HEADLINE_CHARS = 400
_HEADINGS = 200
"""Headings searched for the one that shows the headline."""
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


def _spaced_text(node: HtmlElement) -> str:
    """An element's text with its parts apart: "17 Juli 2023" and "10:15 WIB" in two
    spans must not run together as "202310:15"."""
    return norm(" ".join(node.itertext()))


Shown = tuple[Found[datetime], bool]
"""A date the page shows, and whether its text names its zone ("WIB", "GMT+7")."""


def _headline_elements(tree: HtmlElement, title: str | None) -> list[HtmlElement]:
    """The elements showing the headline: a heading with the title's text (and perhaps a
    kicker above it), else the first ``<h1>``."""
    if title:
        want = key(title)
        found = [
            h
            for h in tree.xpath("//body//h1 | //body//h2 | //body//h3")[:_HEADINGS]
            if want in (shown := key(h.text_content())) and len(shown) <= len(want) + 60
        ]
        if found:
            return found[:2]
        # A custom CMS sets its headline in <b> or <font>: the element holding its text.
        try:
            texts = tree.xpath(
                "//body//text()[contains(., $start)][not(ancestor::script or ancestor::a)]",
                start=title[:40],
            )
        except (lxml.etree.XPathError, ValueError):
            # A title XPath cannot hold (quotes mixed, or characters XML forbids).
            texts = []
        holders = [t.getparent() for t in texts[:2] if t.getparent() is not None]
        if holders:
            return holders
    return list(tree.xpath("//body//h1")[:2])


def _visible_dates(reader: DateReader, tree: HtmlElement, title: str | None) -> Iterator[Shown]:
    """Dates the page shows: ``<time datetime>``, then date-like elements (a date line,
    with its time when it stands in a neighbouring element), then the lines around the
    headline."""
    for node in tree.xpath("//body//time[@datetime]")[:3]:
        found = reader.read(node.get("datetime"))
        if found:
            yield Found(found, "visible", "time[datetime]"), False
    for node in tree.xpath(_DATE_ELEMENTS)[:8]:
        text = _spaced_text(node)
        if len(text) > 200 or _in_teaser(node, text):
            continue
        found = plausible(find_date(text, tz=reader.tz, now=reader.fetched_at))
        if found is None:
            continue
        detail = f"<{node.tag} class={node.get('class', '')!r}>"
        parent = node.getparent()
        if is_midnight(found, reader.tz) and parent is not None:
            around = _spaced_text(parent)
            timed = plausible(find_date(around, tz=reader.tz)) if len(around) <= 300 else None
            if timed is not None and timed.date() == found.date():
                found, detail, text = timed, detail + " and its neighbour", around
        yield Found(found, "visible", detail), has_zone(text)
    for h1 in _headline_elements(tree, title):
        for before, label in ((False, "below"), (True, "above")):
            parts = list(itertools.islice(_texts_beside(h1, before=before), _NEAR_HEADLINE_TEXTS))
            if before:
                parts = parts[::-1]
            text = norm(" ".join(parts))[:_NEAR_HEADLINE_CHARS]
            found = plausible(find_date(text, tz=reader.tz, now=reader.fetched_at))
            if found:
                yield Found(found, "visible", f"text {label} the headline"), has_zone(text)


_TEASER_EXTRA_CHARS = 30
"""A link holding this much text besides a date is a teaser (headline and date)."""


def _in_teaser(node: HtmlElement, text: str) -> bool:
    """Whether ``node`` is the date of a teaser: inside a link that also holds a headline.

    Related-article lists show each story's date inside its link; the page's own date
    line is not linked, or is a link holding just the date (a theme's permalink).
    """
    for anchor in node.iterancestors("a"):
        return len(_spaced_text(anchor)) > len(text) + _TEASER_EXTRA_CHARS
    return False


def _texts_beside(element: HtmlElement, *, before: bool) -> Iterator[str]:
    """The non-blank texts after ``element`` in document order (or before it, nearest
    first), scripts and styles skipped: a walk outwards, cheaper than an XPath axis."""
    node: HtmlElement | None = element
    while node is not None and node.tag != "body":
        if not before and node.tail and node.tail.strip():
            yield node.tail
        for sibling in node.itersiblings(preceding=before):
            texts = [t for t in _own_texts(sibling) if t.strip()]
            yield from (reversed(texts) if before else texts)
        parent = node.getparent()
        if before and parent is not None and parent.text and parent.text.strip():
            yield parent.text
        node = parent


def _own_texts(element: HtmlElement) -> Iterator[str]:
    """``element``'s text, its descendants', then its tail (scripts' and comments' own
    text skipped, their tails kept)."""
    if isinstance(element.tag, str) and element.tag not in ("script", "style"):
        if element.text:
            yield element.text
        for child in element:
            yield from _own_texts(child)
    if element.tail:
        yield element.tail


def is_midnight(value: datetime, tz: tzinfo) -> bool:
    """Whether ``value`` is a day without its time: midnight as written, or where the
    site is."""
    return any((v.hour, v.minute, v.second) == (0, 0, 0) for v in (value, value.astimezone(tz)))


def _text_date(reader: DateReader, paragraphs: list[str]) -> Found[datetime] | None:
    for paragraph in paragraphs[:3]:
        found = plausible(find_date(paragraph, tz=reader.tz, relative=False))
        if found:
            return Found(found, "text", "opening paragraphs")
    return None


def _structured(
    reader: DateReader, sources: Sources, tree: HtmlElement
) -> Iterator[Found[datetime]]:
    """What the metadata states, a time without an offset given the offset the page writes
    for the same wall-clock time elsewhere (its scripts, other tags)."""
    zones: dict[datetime, tzinfo] | None = None
    for found, naive in _stated(reader, sources):
        if naive:
            if zones is None:
                zones = _offsets_on_page(tree, sources)
            zone = zones.get(found.value.replace(tzinfo=None, second=0, microsecond=0))
            if zone is not None:
                found = Found(found.value.replace(tzinfo=zone), found.kind, found.detail)
        yield found


def _offsets_on_page(tree: HtmlElement, sources: Sources) -> dict[datetime, tzinfo]:
    """Wall-clock minute -> the offset the page writes it with, from ISO times anywhere in
    its metadata and scripts ("2023-04-28T18:11:01+02:00")."""
    texts = [v for values in sources.meta.values() for v in values]
    texts.extend(t for t in tree.xpath("//script/text()")[:_SCRIPTS_READ] if "T" in t)
    found: dict[datetime, tzinfo] = {}
    for text in texts:
        for match in _ISO_WITH_OFFSET.finditer(text[:_SCRIPT_CHARS]):
            zoned = parse_iso(match[0])
            if zoned is not None and zoned.tzinfo is not None:
                wall = zoned.replace(tzinfo=None, second=0, microsecond=0)
                found.setdefault(wall, zoned.tzinfo)
    return found


def _stated(reader: DateReader, sources: Sources) -> Iterator[tuple[Found[datetime], bool]]:
    """Each stated publication time, and whether it was written without an offset."""
    article = sources.article
    for name in ("datePublished", "dateCreated"):
        raw = article.get(name)
        found = reader.read(raw)
        if found:
            yield Found(found, "json-ld", name), _is_naive(raw)
    for name in _PUBLISHED_META:
        raw = sources.first_meta(name)
        found = reader.read(raw)
        if found:
            yield Found(found, "meta", name), _is_naive(raw)
    found = _microdata_date(reader, sources, "datePublished")
    if found:
        yield Found(found, "microdata", "datePublished"), False
    for name in sources.meta:
        # A CMS's own spelling ("content_PublishedDate", "article:published:time"), the
        # weakest statement: an analytics tag may carry a first version's date.
        if _PUBLISH_LIKE.search(name) and not _UPDATE_LIKE.search(name):
            raw = sources.first_meta(name)
            found = reader.read(raw)
            if found:
                yield Found(found, "meta", name), _is_naive(raw)
                break


def _is_naive(raw: Any) -> bool:
    """An ISO time of day written without an offset ("2023-04-28 18:11:01.0")."""
    return isinstance(raw, str) and _ISO_NAIVE.match(raw.strip()) is not None


def reconcile(
    stated: Found[datetime], shown: Callable[[], Iterable[Shown]], tz: tzinfo
) -> Found[datetime]:
    """The stated time, unless what the page shows corrects it: a shown minute beats a
    stated midnight of the same day, and a stated UTC time ("Z") that is the shown time,
    to the minute, where the shown line names a zone ("10:15 WIB"), was local time
    mislabelled. (Without a named zone the shown time may be UTC itself.) ``shown`` is
    only asked for when the stated time is one of those two."""
    midnight = is_midnight(stated.value, tz)
    mislabelled = stated.value.utcoffset() == timedelta(0)
    if not (midnight or mislabelled):
        return stated
    local_day = stated.value.astimezone(tz).date()
    for found, zoned in shown():
        if found.detail == "time[datetime]" or is_midnight(found.value, tz):
            continue
        value = found.value
        if midnight and value.astimezone(tz).date() == local_day:
            return Found(value, found.kind, f"{found.detail}, its minute for {stated.detail}")
        wall = value.astimezone(tz).replace(tzinfo=None)
        if (
            mislabelled
            and zoned
            and stated.value.replace(tzinfo=None) == wall
            and value != stated.value
        ):
            return Found(value, found.kind, f"{found.detail}: {stated.detail} is local time")
    return stated


def published_candidates(
    reader: DateReader,
    tree: HtmlElement,
    sources: Sources,
    paragraphs: Callable[[], list[str]],
    title: Callable[[], str | None],
) -> Iterator[Found[datetime] | None]:
    """The publication time as the page states it, strongest source first (the site's
    selector excepted: the page object asks it first), each corrected by what the page
    shows (:func:`reconcile`) around the headline (``title``) and in its date line."""
    shown = _Once(lambda: list(_visible_dates(reader, tree, title())))
    for found in _structured(reader, sources, tree):
        yield reconcile(found, shown, reader.tz)
    for found, _ in shown():
        yield reconcile(found, shown, reader.tz)
    yield _text_date(reader, paragraphs())


def stated_and_shown(
    reader: DateReader,
    tree: HtmlElement,
    sources: Sources,
    paragraphs: Callable[[], list[str]],
    title: Callable[[], str | None],
) -> Iterator[Found[datetime]]:
    """Every publication time the page gives, as given (for explanations): what the
    metadata states, what the page shows, what the text says."""
    yield from _structured(reader, sources, tree)
    yield from (found for found, _ in _visible_dates(reader, tree, title()))
    found = _text_date(reader, paragraphs())
    if found is not None:
        yield found


class _Once:
    """A list computed on first call and kept."""

    def __init__(self, compute: Callable[[], list[Shown]]) -> None:
        self._compute = compute
        self._value: list[Shown] | None = None

    def __call__(self) -> list[Shown]:
        if self._value is None:
            self._value = self._compute()
        return self._value


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
