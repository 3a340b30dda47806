"""The files people and readers open next to the feeds: ``index.html``, one page per feed, and
``feeds.opml``.

``index.html`` is the front page: the latest stories (one per story, with the site that
published it and the other sites that carried it), then a card per topic, region and site
with its count, its last update, its latest headlines, its subscribe links and a link to the
feed's own page, which lists every entry of the feed. A table of contents leads to each.

Pages are built as lxml trees (`feeds.webpage`), so every title and URL is escaped by the
serializer, and they depend only on their input (no "generated at" clock), so the publisher
leaves them untouched when nothing changed. Navigation between pages uses relative links (the
directory works from any host or from disk); subscribe links are absolute, because a feed
reader is given them out of context.
"""

from __future__ import annotations

from dataclasses import dataclass
from email.utils import format_datetime
from typing import TYPE_CHECKING, Any, Final

from lxml import etree

from feeds.model import (
    FORMATS,
    GROUPS,
    INDEX_FILENAME,
    MEDIA_TYPE,
    OPML_FILENAME,
    feed_url,
    home_url,
)
from feeds.text import absolute_url, clean_line, html_to_text, shorten
from feeds.webpage import (
    Page,
    append_text,
    format_count,
    joined_links,
    link,
    link_or_text,
    moment_element,
    text,
)
from kabar.core.times import aware

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence
    from datetime import datetime

    from feeds.model import FeedEntry, FeedFormat, FeedInfo

HEADLINES_PER_FEED: Final = 5
SUMMARY_CHARS: Final = 200
GROUP_TITLES: Final[dict[str, str]] = {
    "all": "Semua berita",
    "topic": "Topik",
    "region": "Wilayah",
    "site": "Situs",
}
SECTION_TITLES: Final[dict[str, str]] = {**GROUP_TITLES, "all": "Berita terbaru"}
GROUP_UNITS: Final[dict[str, str]] = {
    "all": "feed",
    "topic": "topik",
    "region": "wilayah",
    "site": "situs",
}
FORMAT_LABELS: Final[dict[FeedFormat, str]] = {
    "rss": "RSS",
    "atom": "Atom",
    "json": "JSON Feed",
}
NO_ENTRIES_YET: Final = "Belum ada berita."
ALSO_AT: Final = "juga di"
SEARCH_FORM_ID: Final = "cari"
"""The index's search form is published ``hidden``: only ``kabar serve --db`` can answer it,
and it shows the form (`feeds.serve`)."""


@dataclass(frozen=True)
class IndexHeadline:
    """What the index page shows of an entry, and all it needs to remember of one."""

    title: str
    link: str
    published: datetime
    source: str | None = None
    """The name of the site that published it."""
    also_at: tuple[tuple[str, str], ...] = ()
    """Other sites that carried the same story: (name, URL)."""
    summary: str = ""


@dataclass(frozen=True)
class FeedDigest:
    """What the index page and the OPML file need of a feed, small enough to keep between
    runs for the feeds that are not rebuilt (``.kabar-feeds.json``)."""

    info: FeedInfo
    headlines: tuple[IndexHeadline, ...]
    updated: datetime | None
    count: int = 0
    """Entries in the feed (at most the feed's size: the latest ones)."""


def page_filename(slug: str) -> str:
    """The file name of a feed's own HTML page, e.g. ``topic-pemerintahan.html``."""
    return slug + ".html"


def summarize(info: FeedInfo, entries: Sequence[FeedEntry]) -> FeedDigest:
    """The part of a feed the index page and the OPML file show."""
    headlines = tuple(_headline(entry) for entry in entries[:HEADLINES_PER_FEED])
    return FeedDigest(info, headlines, _newest(entries), len(entries))


def _headline(entry: FeedEntry) -> IndexHeadline:
    link = absolute_url(entry.link, entry.link)
    return IndexHeadline(
        title=clean_line(entry.title) or link,
        link=link,
        published=aware(entry.published),
        source=clean_line(entry.source_name) if entry.source_name else None,
        also_at=tuple(
            (clean_line(name), absolute_url(url, link)) for name, url in entry.also_at if name
        ),
        summary=_summary(entry),
    )


def _summary(entry: FeedEntry) -> str:
    summary = clean_line(entry.summary or "") or html_to_text(entry.content_html or "")
    return shorten(summary, SUMMARY_CHARS)


# --- index.html ---------------------------------------------------------------------------


def render_index_html(feeds: Sequence[FeedDigest], *, base_url: str, site_title: str) -> bytes:
    """The front page: latest stories, then every feed by group, with a table of contents."""
    groups = {group: _in_group(feeds, group) for group in GROUPS}
    sites = len(groups["site"])
    page = Page(
        site_title,
        description=f"Berita daerah terbaru dari {sites} situs, per topik, wilayah dan situs.",
        brand=site_title,
        skip_to="group-all" if groups["all"] else "daftar-isi",
    )
    for feed in groups["all"]:
        page.alternate(
            feed_url(base_url, feed.info.slug, "atom"), MEDIA_TYPE["atom"], feed.info.title
        )
    _top_links(page, groups)
    intro = etree.SubElement(page.header, "div", {"class": "intro"})
    text(intro, "h1", f"Berita daerah terbaru dari {format_count(sites)} situs")
    newest = max((feed.updated for feed in feeds if feed.updated is not None), default=None)
    if newest is not None:
        tagline = etree.SubElement(intro, "p")
        tagline.text = "Diperbarui "
        moment_element(tagline, newest)
        append_text(tagline, " · per topik, wilayah dan situs")
    _search_form(intro)
    # The latest stories first, then the directory of every other feed.
    for group, members in groups.items():
        if group != "all":
            continue
        if members:
            _group_section(page.body, group, members, base_url, site_title)
    _table_of_contents(page.body, groups, base_url)
    for group, members in groups.items():
        if members and group != "all":
            _group_section(page.body, group, members, base_url, site_title)
    _footer(page.body, len(feeds), base_url)
    return page.serialize()


def _top_links(page: Page, groups: dict[str, list[FeedDigest]]) -> None:
    nav = etree.SubElement(page.header[0], "nav", {"aria-label": "Bagian"})
    items = etree.SubElement(nav, "ul")
    for group, members in groups.items():
        if members:
            link(etree.SubElement(items, "li"), f"#group-{group}", SECTION_TITLES[group])
    link(etree.SubElement(items, "li"), OPML_FILENAME, "OPML")


def _search_form(parent: Any) -> None:
    form = etree.SubElement(
        parent,
        "form",
        {
            "class": "search",
            "id": SEARCH_FORM_ID,
            "action": "search",
            "method": "get",
            "role": "search",
            "hidden": "hidden",
        },
    )
    etree.SubElement(
        form,
        "input",
        {
            "type": "search",
            "id": "q",
            "name": "q",
            "placeholder": "Cari berita, mis. dana desa",
            "aria-label": "Cari di arsip berita",
        },
    )
    text(form, "button", "Cari", type="submit")


def _table_of_contents(body: Any, groups: dict[str, list[FeedDigest]], base_url: str) -> None:
    nav = etree.SubElement(body, "nav", {"class": "toc", "id": "daftar-isi"})
    nav.set("aria-labelledby", "judul-daftar-isi")
    text(nav, "h2", "Daftar isi", id="judul-daftar-isi")
    listing = etree.SubElement(nav, "ul")
    for group, members in groups.items():
        if not members:
            continue
        item = etree.SubElement(listing, "li")
        link(item, f"#group-{group}", SECTION_TITLES[group])
        if group == "all":
            subscribe = etree.SubElement(item, "span", {"class": "subscribe"})
            _subscribe_anchors(subscribe, members[0].info, base_url, prefix="Langganan: ")
            continue
        feeds = etree.SubElement(item, "ul")
        for feed in members:
            anchor = link(
                etree.SubElement(feeds, "li"), f"#feed-{feed.info.slug}", _short_title(feed.info)
            )
            text(anchor, "span", format_count(feed.count), cls="count")


def _group_section(
    body: Any, group: str, members: Sequence[FeedDigest], base_url: str, site_title: str
) -> None:
    section = etree.SubElement(body, "section", id=f"group-{group}")
    section.set("aria-labelledby", f"judul-group-{group}")
    text(section, "h2", SECTION_TITLES[group], id=f"judul-group-{group}")
    if group != "all":
        meta = text(section, "p", f"{format_count(len(members))} {GROUP_UNITS[group]}")
        meta.set("class", "section-meta")
        newest = max((feed.updated for feed in members if feed.updated is not None), default=None)
        if newest is not None:
            append_text(meta, " · terbaru ")
            moment_element(meta, newest)
    cards = etree.SubElement(section, "div", {"class": "cards"})
    for feed in members:
        _feed_card(cards, feed, base_url)


def _feed_card(parent: Any, feed: FeedDigest, base_url: str) -> None:
    info = feed.info
    article = etree.SubElement(parent, "article", {"id": f"feed-{info.slug}", "class": "card"})
    heading = text(article, "h3", "")
    if info.home_url:  # otherwise the home page is this very index
        link_or_text(heading, home_url(info, base_url), _short_title(info))
    else:
        heading.text = _short_title(info)
    _feed_meta(article, feed)
    if not feed.headlines:
        text(article, "p", NO_ENTRIES_YET)
    else:
        listing = etree.SubElement(article, "ul")
        for headline in feed.headlines:
            _headline_item(listing, headline, info.group)
    _subscribe_links(article, info, base_url)
    if feed.count:
        more = etree.SubElement(article, "p", {"class": "more"})
        link(more, page_filename(info.slug), f"Semua {format_count(feed.count)} berita →")


def _feed_meta(parent: Any, feed: FeedDigest) -> None:
    if not feed.count:
        return
    meta = text(parent, "p", f"{format_count(feed.count)} berita", cls="meta")
    if feed.updated is not None:
        append_text(meta, " · diperbarui ")
        moment_element(meta, feed.updated)


def _headline_item(listing: Any, headline: IndexHeadline, group: str) -> None:
    item = etree.SubElement(listing, "li")
    link_or_text(item, headline.link, headline.title)
    _byline(etree.SubElement(item, "span", {"class": "source"}), headline, group)
    if group == "all" and headline.summary:
        text(item, "p", headline.summary, cls="summary")


def _byline(line: Any, headline: IndexHeadline, group: str) -> None:
    """``Merah Putih · 5 Juli 2023, 10.00 WIB · juga di Halopos, Sumsel Daily``: who
    published the story and when (a site's own feed does not repeat the site's name)."""
    if headline.source and group != "site":
        text(line, "span", headline.source, cls="site")
        append_text(line, " · ")
    moment_element(line, headline.published)
    if headline.also_at:
        append_text(line, f" · {ALSO_AT} ")
        joined_links(line, headline.also_at)


def _subscribe_links(parent: Any, info: FeedInfo, base_url: str) -> None:
    subscribe = etree.SubElement(parent, "p", {"class": "subscribe"})
    _subscribe_anchors(subscribe, info, base_url, prefix="Berlangganan: ")


def _subscribe_anchors(parent: Any, info: FeedInfo, base_url: str, *, prefix: str) -> None:
    append_text(parent, prefix)
    for position, fmt in enumerate(FORMATS):
        anchor = link(parent, feed_url(base_url, info.slug, fmt), FORMAT_LABELS[fmt])
        anchor.set("type", MEDIA_TYPE[fmt])
        if position < len(FORMATS) - 1:
            anchor.tail = " · "


def _footer(body: Any, feeds: int, base_url: str) -> None:
    footer = etree.SubElement(body, "footer")
    line = text(footer, "p", f"{format_count(feeds)} feed, diterbitkan oleh kabar. ")
    append_text(line, "Berlangganan semua sekaligus: ")
    link(line, OPML_FILENAME, "daftar feed (OPML)").set("type", "text/x-opml")
    text(footer, "p", "Setiap judul menautkan ke situs yang memuatnya.")


def _short_title(info: FeedInfo) -> str:
    """The feed's title without kabar's own prefix ("kabar: Pemerintahan" → "Pemerintahan")."""
    title = clean_line(info.title)
    head, sep, rest = title.partition(": ")
    return rest if sep and head == "kabar" and rest else title


# --- a page per feed ----------------------------------------------------------------------


def render_feed_page(
    info: FeedInfo, entries: Sequence[FeedEntry], *, base_url: str, site_title: str = "kabar"
) -> bytes:
    """The feed as a page: every entry with its source, time and summary, and the feed's
    subscribe links. Depends on this feed alone, so it is rebuilt only with the feed."""
    title = _short_title(info)
    page = Page(f"{title} · {site_title}", description=info.description, brand=site_title)
    for fmt in FORMATS:
        page.alternate(feed_url(base_url, info.slug, fmt), MEDIA_TYPE[fmt], info.title)
    nav = etree.SubElement(page.header[0], "nav", {"aria-label": "Navigasi"})
    items = etree.SubElement(nav, "ul")
    link(etree.SubElement(items, "li"), INDEX_FILENAME, "← Semua feed")
    main = etree.SubElement(page.body, "main", id="isi")
    header = etree.SubElement(main, "header")
    text(header, "h1", title)
    if info.description:
        text(header, "p", info.description)
    digest = summarize(info, entries)
    _feed_meta(header, digest)
    if info.home_url:
        home = etree.SubElement(header, "p", {"class": "meta"})
        home.text = "Situs: "
        link_or_text(home, home_url(info, base_url), home_url(info, base_url))
    _subscribe_links(header, info, base_url)
    if not entries:
        text(main, "p", NO_ENTRIES_YET)
    else:
        stories = etree.SubElement(main, "ol", {"class": "stories"})
        for entry in entries:
            _story_item(stories, _headline(entry), info.group)
    _footer(page.body, 1, base_url)
    return page.serialize()


def _story_item(parent: Any, headline: IndexHeadline, group: str) -> None:
    item = etree.SubElement(parent, "li")
    heading = etree.SubElement(item, "h2")
    link_or_text(heading, headline.link, headline.title)
    _byline(etree.SubElement(item, "p", {"class": "source"}), headline, group)
    if headline.summary:
        text(item, "p", headline.summary, cls="summary")


# --- OPML ---------------------------------------------------------------------------------


def render_opml(feeds: Sequence[FeedDigest], *, base_url: str, site_title: str) -> bytes:
    """OPML 2.0 with one folder per group and one RSS outline per feed.

    No ``<docs>``: it is optional, and the W3C validator's OPML checker predates it.
    """
    opml = etree.Element("opml", version="2.0")
    head = etree.SubElement(opml, "head")
    text(head, "title", site_title)
    newest = max((feed.updated for feed in feeds if feed.updated is not None), default=None)
    if newest is not None:
        text(head, "dateModified", format_datetime(newest))
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


def _in_group(feeds: Sequence[FeedDigest], group: str) -> list[FeedDigest]:
    return [feed for feed in feeds if feed.info.group == group]


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
