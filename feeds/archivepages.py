"""The archive's pages as HTML (``kabar serve --db``): the search page and an article's
page, rendered from what the archive gives; :mod:`feeds.webapp` serves them.

Everything shown comes from scraped pages, so it goes into the page as escaped text
(`feeds.webpage`); a stored URL becomes a link only when it is http(s), and article bodies
are shown as their plain-text paragraphs (no stored HTML, nothing loaded from elsewhere).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any, Final
from zoneinfo import ZoneInfo

from lxml import etree

from archive.details import ArticleDetails
from archive.search import SearchHit
from feeds.text import clean_line
from feeds.webpage import (
    Page,
    append_text,
    format_count,
    format_moment,
    link,
    moment_element,
    paragraphs,
    safe_href,
)
from feeds.webpage import text as text_element

if TYPE_CHECKING:
    from collections.abc import Sequence


RESULT_LIMITS: Final = (20, 50, 100)


BODY_PARAGRAPHS: Final = 80


_SNIPPET_MATCH_RE: Final = re.compile(r"\[([^\[\]]*)\]")


FIELD_LABELS: Final = {
    "id": "ID",
    "site": "Situs",
    "site_region": "Wilayah situs",
    "url": "URL",
    "canonical_url": "URL kanonis",
    "published_at": "Terbit",
    "modified_at": "Diubah",
    "authors": "Penulis",
    "topics": "Topik",
    "regions": "Wilayah",
    "categories": "Kategori",
    "tags": "Tag",
    "location": "Lokasi",
    "language": "Bahasa",
    "image_url": "Gambar",
    "story_id": "Cerita",
    "duplicate_of": "Salinan dari",
    "first_seen_at": "Pertama dilihat",
    "fetched_at": "Diambil",
    "updated_at": "Diperbarui di arsip",
}


@dataclass(frozen=True)
class Choices:
    """The values the search filters accept, from the archive itself."""

    sites: tuple[str, ...]
    topics: tuple[str, ...]
    regions: tuple[str, ...]


@dataclass(frozen=True)
class SearchForm:
    """The search page's query string, read and checked."""

    query: str
    site: str
    topic: str
    region: str
    since: date | None
    until: date | None
    limit: int
    problems: tuple[str, ...]


def render_search(
    form: SearchForm, known: Choices, hits: Sequence[SearchHit] | None, problems: Sequence[str]
) -> bytes:
    title = f"Cari: {form.query}" if form.query else "Cari di arsip"
    page = archive_page(title)
    main = etree.SubElement(page.body, "main", {"id": "isi", "class": "search-page"})
    text_element(main, "h1", "Cari di arsip berita")
    _search_form(main, form, known)
    for problem in problems:
        text_element(main, "p", problem, cls="notice", role="alert")
    if hits is None:
        if not problems:
            tips = text_element(main, "p", "", cls="meta")
            tips.text = (
                'Semua kata harus muncul. Gunakan "tanda kutip" untuk frasa, awalan* untuk '
                "kata yang berawalan sama, dan -kata untuk mengecualikan."
            )
        return page.serialize()
    summary = text_element(main, "p", "", cls="meta", role="status")
    summary.text = (
        f"{format_count(len(hits))} hasil untuk “{clean_line(form.query)}”"
        if hits
        else f"Tidak ada hasil untuk “{clean_line(form.query)}”."
    )
    if hits:
        results = etree.SubElement(main, "ol", {"class": "stories", "id": "hasil"})
        for hit in hits:
            _hit(results, hit)
    return page.serialize()


def _search_form(parent: Any, form: SearchForm, known: Choices) -> None:
    element = etree.SubElement(
        parent, "form", {"class": "search-form", "action": "/search", "method": "get"}
    )
    element.set("role", "search")
    row = etree.SubElement(element, "div", {"class": "search"})
    etree.SubElement(
        row,
        "input",
        {
            "type": "search",
            "name": "q",
            "id": "q",
            "value": clean_line(form.query),
            "aria-label": "Kata yang dicari",
            "placeholder": "Cari berita, mis. dana desa",
            "required": "required",
        },
    )
    text_element(row, "button", "Cari", type="submit")
    box = etree.SubElement(element, "details", {"class": "filters-box"})
    if form.site or form.topic or form.region or form.since or form.until or form.problems:
        box.set("open", "open")
    text_element(box, "summary", "Saring: situs, topik, wilayah, tanggal")
    filters = etree.SubElement(box, "div", {"class": "filters"})
    _select(filters, "site", "Situs", known.sites, form.site)
    _select(filters, "topic", "Topik", known.topics, form.topic)
    _select(filters, "region", "Wilayah", known.regions, form.region)
    _date(filters, "since", "Sejak", form.since)
    _date(filters, "until", "Sampai", form.until)
    _select(
        filters,
        "limit",
        "Jumlah hasil",
        [str(n) for n in RESULT_LIMITS],
        str(form.limit),
        any_label=None,
    )


def _select(
    parent: Any,
    name: str,
    label: str,
    options: Sequence[str],
    chosen: str,
    *,
    any_label: str | None = "Semua",
) -> None:
    wrapper = text_element(parent, "label", label)
    select_element = etree.SubElement(wrapper, "select", name=name)
    if any_label is not None:
        text_element(select_element, "option", any_label, value="")
    for option in options:
        element = text_element(select_element, "option", option, value=option)
        if option.casefold() == chosen.casefold():
            element.set("selected", "selected")


def _date(parent: Any, name: str, label: str, value: date | None) -> None:
    wrapper = text_element(parent, "label", label)
    attributes = {"type": "date", "name": name}
    if value is not None:
        attributes["value"] = value.isoformat()
    etree.SubElement(wrapper, "input", attributes)


def _hit(parent: Any, hit: SearchHit) -> None:
    item = etree.SubElement(parent, "li")
    heading = etree.SubElement(item, "h2")
    link(heading, f"/article/{hit.id}", hit.title or hit.url)
    meta = etree.SubElement(item, "p", {"class": "source"})
    text_element(meta, "span", hit.site, cls="site")
    if hit.published_at is not None:
        append_text(meta, " · ")
        moment_element(meta, hit.published_at)
    href = safe_href(hit.url)
    if href:
        append_text(meta, " · ")
        link(meta, href, "situs asli")
    if hit.snippet:
        _snippet(text_element(item, "p", "", cls="summary"), hit.snippet)


def _snippet(parent: Any, snippet: str) -> None:
    """The search's snippet, its ``[matches]`` as ``<mark>``."""
    position = 0
    for match in _SNIPPET_MATCH_RE.finditer(snippet):
        append_text(parent, clean_line(snippet[position : match.start()]) + " ")
        text_element(parent, "mark", match.group(1))
        position = match.end()
    append_text(parent, " " + clean_line(snippet[position:]))


@dataclass(frozen=True)
class ArticlePage:
    details: ArticleDetails
    zone: ZoneInfo


def render_article(loaded: ArticlePage) -> bytes:
    details, zone = loaded.details, loaded.zone
    fields = details.fields
    title = clean_line(str(fields.get("title") or fields.get("url") or details.id))
    page = archive_page(title)
    main = etree.SubElement(page.body, "main", {"id": "isi", "class": "article-page"})
    story = etree.SubElement(main, "article", {"class": "story"})
    header = etree.SubElement(story, "header")
    text_element(header, "h1", title)
    byline = etree.SubElement(header, "p", {"class": "source"})
    text_element(byline, "span", str(fields.get("site") or ""), cls="site")
    published = as_moment(fields.get("published_at"), zone)
    if published is not None:
        append_text(byline, " · ")
        moment_element(byline, published)
    if fields.get("authors"):
        append_text(byline, f" · {clean_line(str(fields['authors']))}")
    href = safe_href(str(fields.get("canonical_url") or fields.get("url") or ""))
    if href:
        original = etree.SubElement(header, "p")
        link(original, href, "Baca di situs asli →")
    lead = clean_line(str(fields.get("lead") or ""))
    body_text = str(fields.get("body") or "")
    if lead and not clean_line(body_text).startswith(lead):  # many bodies open with the lead
        text_element(story, "p", lead, cls="lead")
    body = etree.SubElement(story, "div", {"class": "body"})
    paragraphs(body, body_text, BODY_PARAGRAPHS)
    _fields_section(main, details, zone)
    _copies_section(main, details, zone)
    _revisions_section(main, details, zone)
    _fetches_section(main, details, zone)
    return page.serialize()


def _fields_section(parent: Any, details: ArticleDetails, zone: ZoneInfo) -> None:
    section = _section(parent, "data", "Data arsip")
    listing = etree.SubElement(section, "dl", {"class": "fields"})
    for name, label in FIELD_LABELS.items():
        value = details.fields.get(name)
        if value is None or value == "":
            continue
        text_element(listing, "dt", label)
        cell = etree.SubElement(listing, "dd")
        _value(cell, name, value, zone)


def _copies_section(parent: Any, details: ArticleDetails, zone: ZoneInfo) -> None:
    section = _section(parent, "salinan", f"Salinan di situs lain ({len(details.copies)})")
    if not details.copies:
        text_element(section, "p", "Tidak ada salinan cerita ini di situs lain.", cls="meta")
        return
    rows = [
        [
            ("site", copy.get("site")),
            ("article", copy.get("id")),
            ("published_at", copy.get("published_at")),
            ("url", copy.get("canonical_url")),
            ("role", "salinan" if copy.get("duplicate_of") is not None else "asli"),
        ]
        for copy in details.copies
    ]
    _table(section, ["Situs", "Berita", "Terbit", "URL", "Peran"], rows, zone)


def _revisions_section(parent: Any, details: ArticleDetails, zone: ZoneInfo) -> None:
    section = _section(parent, "revisi", f"Revisi ({len(details.revisions)})")
    if not details.revisions:
        text_element(section, "p", "Judul dan isi belum pernah berubah.", cls="meta")
        return
    rows = [
        [
            ("recorded_at", revision.get("recorded_at")),
            ("changes", _changes_text(revision)),
            ("title", revision.get("title")),
            ("modified_at", revision.get("modified_at")),
        ]
        for revision in details.revisions
    ]
    _table(section, ["Tercatat", "Yang berubah", "Judul sebelumnya", "Diubah"], rows, zone)


FIELD_WORDS: Final = {"title": "judul", "body": "isi"}


def _changes_text(revision: dict[str, Any]) -> str:
    """What a revision changed, for a reader: ``isi +2/-1 paragraf (+340/-120 karakter)``,
    ``judul``; the field names as stored when a change carries no detail."""
    changes: dict[str, Any] = revision.get("changes") or {}
    parts = []
    for name in changes or revision.get("changed_fields") or []:
        word = FIELD_WORDS.get(name, name)
        change = changes.get(name) or {}
        if "paragraphs_added" in change:
            word += (
                f" +{change['paragraphs_added']}/-{change['paragraphs_removed']} paragraf "
                f"(+{change['chars_added']}/-{change['chars_removed']} karakter)"
            )
        parts.append(word)
    return "; ".join(parts)


def _fetches_section(parent: Any, details: ArticleDetails, zone: ZoneInfo) -> None:
    section = _section(parent, "pengambilan", f"Pengambilan ({len(details.fetches)})")
    if not details.fetches:
        text_element(section, "p", "Tidak ada respons tersimpan.", cls="meta")
        return
    rows = [
        [
            ("fetched_at", fetch.fetched_at),
            ("status", fetch.status),
            ("url", fetch.url),
            ("sha", fetch.blob_sha256[:12]),
        ]
        for fetch in details.fetches
    ]
    _table(section, ["Waktu", "Status", "URL", "SHA-256"], rows, zone)


def _section(parent: Any, ident: str, title: str) -> Any:
    section = etree.SubElement(
        parent, "section", {"id": ident, "aria-labelledby": f"judul-{ident}"}
    )
    text_element(section, "h2", title, id=f"judul-{ident}")
    return section


def _table(
    parent: Any, headings: Sequence[str], rows: Sequence[Sequence[tuple[str, Any]]], zone: ZoneInfo
) -> None:
    wrapper = etree.SubElement(parent, "div", {"class": "table-wrap"})
    table = etree.SubElement(wrapper, "table")
    head = etree.SubElement(etree.SubElement(table, "thead"), "tr")
    for heading in headings:
        text_element(head, "th", heading, scope="col")
    body = etree.SubElement(table, "tbody")
    for row in rows:
        tr = etree.SubElement(body, "tr")
        for name, value in row:
            _value(etree.SubElement(tr, "td"), name, value, zone)


def _value(cell: Any, name: str, value: Any, zone: ZoneInfo) -> None:
    """One stored value as a person reads it: times in the site's zone, ids and http(s) URLs
    as links, lists joined."""
    if value is None:
        return
    if name.endswith("_at"):
        moment = as_moment(value, zone)
        cell.text = format_moment(moment) if moment is not None else clean_line(str(value))
    elif name in {"article", "duplicate_of"} and str(value).isdigit():
        link(cell, f"/article/{value}", f"#{value}")
    elif name in {"url", "canonical_url", "image_url"}:
        href = safe_href(str(value))
        if href:
            link(cell, href, str(value))
        else:
            cell.text = clean_line(str(value))
    elif isinstance(value, list | tuple):
        cell.text = ", ".join(clean_line(str(v)) for v in value)
    else:
        cell.text = clean_line(str(value))


def as_moment(value: Any, zone: ZoneInfo) -> datetime | None:
    """A stored time (a datetime, or SQLite's text) in ``zone``; naive values are UTC."""
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            return None
    if not isinstance(value, datetime):
        return None
    moment: datetime = value if value.tzinfo is not None else value.replace(tzinfo=UTC)
    return moment.astimezone(zone)


def archive_page(title: str) -> Page:
    page = Page(f"{title} · kabar", home_href="/", brand="kabar")
    nav = etree.SubElement(page.header[0], "nav", {"aria-label": "Navigasi"})
    items = etree.SubElement(nav, "ul")
    link(etree.SubElement(items, "li"), "/", "Beranda")
    link(etree.SubElement(items, "li"), "/search", "Cari")
    return page
