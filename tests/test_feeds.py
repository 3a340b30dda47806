"""Tests for `feeds`: rendered feeds are read back with real parsers (feedparser, lxml, json)."""

from __future__ import annotations

import calendar
import json
from datetime import UTC, datetime, timedelta, timezone
from typing import TYPE_CHECKING, Any

import feedparser
import lxml.etree
import lxml.html
import pytest

from feeds import FeedEntry, FeedInfo, render_atom, render_json, render_rss
from feeds.model import feed_filename

if TYPE_CHECKING:
    from collections.abc import Callable

    from feeds.model import FeedFormat

    Renderer = Callable[..., bytes]

BASE_URL = "http://127.0.0.1:8080/"
WIB = timezone(timedelta(hours=7))
WITA = timezone(timedelta(hours=8))
TRICKY_TITLE = 'Harga cabai "naik" & <b>minyak</b> < Rp 5.000 — Tom\'s &c'
ATOM = "{http://www.w3.org/2005/Atom}"

RENDERERS: dict[str, Renderer] = {"rss": render_rss, "atom": render_atom, "json": render_json}
XML_RENDERERS: dict[str, Renderer] = {"rss": render_rss, "atom": render_atom}


def make_entry(number: int = 1, **overrides: Any) -> FeedEntry:
    published = datetime(2023, 5, 1, 10, 0, tzinfo=WIB) - timedelta(hours=number)
    fields: dict[str, Any] = {
        "id": f"tag:kabar,2023:article/{number}",
        "link": f"https://merahputih.example/berita/{number}-judul",
        "title": f"Berita nomor {number}",
        "published": published,
        "updated": published + timedelta(minutes=30),
        "summary": f"Ringkasan berita {number}.",
        "content_html": f"<p>Isi berita {number}.</p>",
        "authors": ("Budi Santoso",),
        "image_url": f"/foto/{number}.png",
        "categories": ("Pemerintahan", "Ekonomi"),
        "language": "id",
        "source_name": "Merah Putih",
    }
    fields.update(overrides)
    return FeedEntry(**fields)


INFO = FeedInfo(slug="all", title="kabar: semua berita", description="Semua berita daerah")


def parse(fmt: str, entries: list[FeedEntry], info: FeedInfo = INFO) -> Any:
    parsed = feedparser.parse(RENDERERS[fmt](info, entries, base_url=BASE_URL))
    assert parsed.bozo == 0, parsed.get("bozo_exception")
    return parsed


def atom_tree(entries: list[FeedEntry]) -> Any:
    return lxml.etree.fromstring(render_atom(INFO, entries, base_url=BASE_URL))


# --- reading feeds back -------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["rss", "atom", "json"])
def test_feed_parses_with_entries_in_given_order(fmt: str) -> None:
    entries = [make_entry(1), make_entry(2), make_entry(3)]
    if fmt == "json":
        items = json.loads(render_json(INFO, entries, base_url=BASE_URL))["items"]
        assert [item["id"] for item in items] == [entry.id for entry in entries]
        return
    parsed = parse(fmt, entries)
    assert parsed.version == ("rss20" if fmt == "rss" else "atom10")
    assert [e.id for e in parsed.entries] == [entry.id for entry in entries]
    assert [e.link for e in parsed.entries] == [entry.link for entry in entries]
    assert [e.title for e in parsed.entries] == [entry.title for entry in entries]


@pytest.mark.parametrize("fmt", ["rss", "atom"])
def test_feed_metadata_links_and_language(fmt: FeedFormat) -> None:
    parsed = parse(fmt, [make_entry()])
    assert parsed.feed.title == INFO.title
    assert parsed.feed.language == "id"
    self_links = [link.href for link in parsed.feed.links if link.rel == "self"]
    assert self_links == [BASE_URL + feed_filename("all", fmt)]
    assert parsed.feed.link == BASE_URL + "index.html"


@pytest.mark.parametrize("fmt", ["rss", "atom", "json"])
def test_title_with_markup_characters_is_escaped_exactly_once(fmt: str) -> None:
    raw = RENDERERS[fmt](INFO, [make_entry(title=TRICKY_TITLE)], base_url=BASE_URL)
    assert b"&amp;amp;" not in raw
    assert b"&#x26;amp;" not in raw
    if fmt == "json":
        assert json.loads(raw)["items"][0]["title"] == TRICKY_TITLE
    else:
        assert parse(fmt, [make_entry(title=TRICKY_TITLE)]).entries[0].title == TRICKY_TITLE


def test_rss_plain_text_uses_hex_references_for_ampersand_and_less_than() -> None:
    raw = render_rss(INFO, [make_entry(title="A & <B>", authors=("C & D",))], base_url=BASE_URL)
    assert b"<title>A &#x26; &#x3C;B&gt;</title>" in raw
    assert b"<dc:creator>C &#x26; D</dc:creator>" in raw


@pytest.mark.parametrize("fmt", ["rss", "atom"])
def test_dates_with_offsets_are_the_same_instants(fmt: str) -> None:
    published = datetime(2023, 5, 1, 23, 30, tzinfo=WITA)
    entry = make_entry(published=published, updated=published + timedelta(hours=2))
    parsed = parse(fmt, [entry]).entries[0]
    assert calendar.timegm(parsed.published_parsed) == published.timestamp()
    if fmt == "atom":
        assert calendar.timegm(parsed.updated_parsed) == entry.updated.timestamp()
        assert parsed.published.endswith("+08:00")
    else:
        assert parsed.published.endswith("+0800")


def test_json_dates_keep_offsets() -> None:
    published = datetime(2023, 5, 1, 23, 30, tzinfo=WITA)
    item = json.loads(render_json(INFO, [make_entry(published=published)], base_url=BASE_URL))[
        "items"
    ][0]
    assert datetime.fromisoformat(item["date_published"]) == published
    assert item["date_published"].endswith("+08:00")


def test_rss_enclosure_for_lead_image() -> None:
    parsed = parse("rss", [make_entry(image_url="/foto/a.webp?w=800")]).entries[0]
    assert [(e.href, e.type, e.length) for e in parsed.enclosures] == [
        ("https://merahputih.example/foto/a.webp?w=800", "image/webp", "0")
    ]


def test_image_type_defaults_to_jpeg() -> None:
    parsed = parse("rss", [make_entry(image_url="https://cdn.example/image?id=7")])
    assert parsed.entries[0].enclosures[0].type == "image/jpeg"


@pytest.mark.parametrize("fmt", ["rss", "atom", "json"])
def test_ids_do_not_follow_title_changes(fmt: str) -> None:
    before = make_entry(title="Judul awal")
    after = make_entry(title="Judul diperbaiki", updated=before.updated + timedelta(hours=1))
    ids = []
    for entry in (before, after):
        raw = RENDERERS[fmt](INFO, [entry], base_url=BASE_URL)
        ids.append(json.loads(raw)["items"][0]["id"] if fmt == "json" else parse_id(raw))
    assert ids == [before.id, before.id]


def parse_id(raw: bytes) -> str:
    parsed = feedparser.parse(raw)
    return str(parsed.entries[0].id)


def test_rss_guid_is_permalink_only_when_id_is_the_link() -> None:
    url_id = make_entry(2, id="https://merahputih.example/berita/2-judul")
    raw = render_rss(INFO, [make_entry(1), url_id], base_url=BASE_URL)
    guids = lxml.etree.fromstring(raw).findall("channel/item/guid")
    assert [g.get("isPermaLink") for g in guids] == ["false", "true"]


def test_authors_categories_and_entry_language() -> None:
    entry = make_entry(authors=("Budi Santoso", "Siti Aminah"), language="jv")
    rss = parse("rss", [entry]).entries[0]
    atom = parse("atom", [entry]).entries[0]
    assert [a.name for a in atom.authors] == ["Budi Santoso", "Siti Aminah"]
    rss_xml = lxml.etree.fromstring(render_rss(INFO, [entry], base_url=BASE_URL))
    creators = rss_xml.findall("channel/item/{http://purl.org/dc/elements/1.1/}creator")
    assert [c.text for c in creators] == ["Budi Santoso", "Siti Aminah"]
    assert [t.term for t in rss.tags] == ["Pemerintahan", "Ekonomi"]
    assert [t.term for t in atom.tags] == ["Pemerintahan", "Ekonomi"]
    atom_entry = atom_tree([entry]).find(f"{ATOM}entry")
    assert atom_entry.get("{http://www.w3.org/XML/1998/namespace}lang") == "jv"
    assert json.loads(render_json(INFO, [entry], base_url=BASE_URL))["items"][0]["language"] == "jv"


@pytest.mark.parametrize("fmt", ["rss", "atom", "json"])
def test_content_is_sanitized_and_urls_absolute(fmt: str) -> None:
    html = (
        '<p onclick="steal()" style="color:red">Isi <a href="/lain">tautan</a>'
        '<a href="javascript:alert(1)">jahat</a><img src="gambar/x.jpg"></p>'
        "<script>alert(1)</script><style>p{}</style>"
        '<iframe src="https://evil.example/"></iframe>'
    )
    entry = make_entry(content_html=html)
    raw = RENDERERS[fmt](INFO, [entry], base_url=BASE_URL)
    if fmt == "json":
        content = json.loads(raw)["items"][0]["content_html"]
    else:
        content = feedparser.parse(raw, sanitize_html=False).entries[0].content[0].value
    for forbidden in ("<script", "<style", "<iframe", "onclick", "javascript:", "style="):
        assert forbidden not in content
    assert 'href="https://merahputih.example/lain"' in content
    assert "<a>jahat</a>" in content  # the blanked javascript: URL is not resolved to the page
    assert 'src="https://merahputih.example/berita/gambar/x.jpg"' in content


def test_content_lists_source_and_syndicated_copies() -> None:
    entry = make_entry(also_at=(("Koran <Lain>", "https://lain.example/x"),))
    content = json.loads(render_json(INFO, [entry], base_url=BASE_URL))["items"][0]["content_html"]
    assert 'Juga dimuat di: <a href="https://lain.example/x">Koran &lt;Lain&gt;</a>' in content
    assert f'Sumber: <a href="{entry.link}">Merah Putih</a>' in content


@pytest.mark.parametrize("fmt", ["rss", "atom"])
def test_summary_is_given_or_derived_from_content(fmt: str) -> None:
    given = make_entry(1)
    derived = make_entry(2, summary=None, content_html="<p>Teks <b>utama</b> artikel.</p>")
    bare = make_entry(3, summary=None, content_html=None, source_name=None)
    parsed = parse(fmt, [given, derived, bare]).entries
    assert [e.summary for e in parsed] == ["Ringkasan berita 1.", "Teks utama artikel.", bare.title]


# --- JSON Feed 1.1 ------------------------------------------------------------------------

JSON_TOP_KEYS = {
    "version", "title", "home_page_url", "feed_url", "description", "user_comment", "next_url",
    "icon", "favicon", "authors", "language", "expired", "hubs", "items",
}  # fmt: skip
JSON_ITEM_KEYS = {
    "id", "url", "external_url", "title", "content_html", "content_text", "summary", "image",
    "banner_image", "date_published", "date_modified", "authors", "tags", "language",
    "attachments",
}  # fmt: skip


def test_json_feed_follows_version_1_1() -> None:
    entries = [
        make_entry(1),
        make_entry(2, content_html=None, source_name=None, authors=()),
        make_entry(3, content_html=None),
    ]
    feed = json.loads(render_json(INFO, entries, base_url=BASE_URL))
    assert feed["version"] == "https://jsonfeed.org/version/1.1"
    assert isinstance(feed["title"], str)
    assert isinstance(feed["items"], list)
    assert set(feed) <= JSON_TOP_KEYS
    assert feed["feed_url"] == BASE_URL + "all.json"
    for item in feed["items"]:
        assert set(item) <= JSON_ITEM_KEYS
        assert isinstance(item["id"], str)
        assert "content_html" in item or "content_text" in item
        for key in ("date_published", "date_modified"):
            assert datetime.fromisoformat(item[key]).tzinfo is not None
        assert all(set(author) == {"name"} for author in item.get("authors", []))
    assert feed["items"][0]["image"] == "https://merahputih.example/foto/1.png"
    assert feed["items"][1]["content_text"] == "Ringkasan berita 2."
    # Without a body the summary stands in before the footer.
    assert feed["items"][2]["content_html"].startswith("<p>Ringkasan berita 3.</p>\n<p>Sumber: ")


# --- feedgen traps, one test each ---------------------------------------------------------


def test_trap_atom_entry_links_keep_rel_type_and_length() -> None:
    """feedgen #135: the enclosure must not become a second rel-less (alternate) link."""
    links = atom_tree([make_entry()]).findall(f"{ATOM}entry/{ATOM}link")
    assert [dict(link.attrib) for link in links] == [
        {"href": make_entry().link, "rel": "alternate", "type": "text/html"},
        {
            "href": "https://merahputih.example/foto/1.png",
            "rel": "enclosure",
            "type": "image/png",
            "length": "0",
        },
    ]
    parsed = parse("atom", [make_entry()]).entries[0]
    assert parsed.link == make_entry().link
    assert [e.href for e in parsed.enclosures] == ["https://merahputih.example/foto/1.png"]


def test_trap_rss_channel_link_is_the_home_page_not_the_last_link_added() -> None:
    info = FeedInfo(
        slug="site-merahputih",
        title="Merah Putih",
        description="Dari satu situs",
        group="site",
        home_url="https://merahputih.example/",
    )
    channel = lxml.etree.fromstring(render_rss(info, [], base_url=BASE_URL)).find("channel")
    assert channel.findtext("link") == "https://merahputih.example/"


@pytest.mark.parametrize("fmt", ["rss", "atom", "json"])
def test_trap_naive_datetimes_are_read_as_utc(fmt: str) -> None:
    naive = datetime(2023, 5, 1, 3, 0)
    entry = make_entry(published=naive, updated=naive)
    raw = RENDERERS[fmt](INFO, [entry], base_url=BASE_URL)
    if fmt == "json":
        published = datetime.fromisoformat(json.loads(raw)["items"][0]["date_published"])
        assert published == naive.replace(tzinfo=UTC)
    else:
        parsed = parse(fmt, [entry]).entries[0]
        assert calendar.timegm(parsed.published_parsed) == naive.replace(tzinfo=UTC).timestamp()


@pytest.mark.parametrize("fmt", ["rss", "atom", "json"])
def test_trap_control_characters_are_stripped_everywhere(fmt: str) -> None:
    dirty = "\x00\x01\x08\x0b\x0c\x1f\x7f\x85"
    entry = make_entry(
        title=f"Judul{dirty} bersih",
        summary=f"Ring{dirty}kasan",
        content_html=f"<p>Isi{dirty}</p>",
        authors=(f"Budi{dirty}",),
        categories=(f"Topik{dirty}",),
        source_name=f"Situs{dirty}",
    )
    info = FeedInfo(slug="all", title=f"kabar{dirty}", description=f"desc{dirty}")
    raw = RENDERERS[fmt](info, [entry], base_url=BASE_URL)
    assert not any(chr(c).encode() in raw for c in (0, 1, 8, 0x0B, 0x0C, 0x1F, 0x7F))
    assert "\x85".encode() not in raw
    title = json.loads(raw)["items"][0]["title"] if fmt == "json" else parse(fmt, [entry], info)
    if fmt != "json":
        title = title.entries[0].title
    assert title == "Judul bersih"


@pytest.mark.parametrize("fmt", ["rss", "atom"])
def test_trap_add_entry_does_not_reverse_order(fmt: str) -> None:
    # The caller's order wins, even when it is not by date.
    entries = [make_entry(3), make_entry(1), make_entry(2)]
    assert [e.id for e in parse(fmt, entries).entries] == [entry.id for entry in entries]


# --- reproducible output ------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["rss", "atom", "json"])
def test_same_input_gives_identical_bytes(fmt: str) -> None:
    entries = [make_entry(1), make_entry(2)]
    assert RENDERERS[fmt](INFO, entries, base_url=BASE_URL) == RENDERERS[fmt](
        INFO, entries, base_url=BASE_URL
    )
    assert RENDERERS[fmt](INFO, [], base_url=BASE_URL) == RENDERERS[fmt](
        INFO, [], base_url=BASE_URL
    )


@pytest.mark.parametrize("fmt", ["rss", "atom"])
def test_feed_date_is_newest_entry_update_not_now(fmt: str) -> None:
    newest_update = datetime(2023, 5, 2, 9, 15, tzinfo=WIB)
    entries = [make_entry(1), make_entry(2, updated=newest_update)]
    parsed = parse(fmt, entries)
    assert calendar.timegm(parsed.feed.updated_parsed) == newest_update.timestamp()
    raw = RENDERERS[fmt](INFO, entries, base_url=BASE_URL)
    assert b"python-feedgen" not in raw


@pytest.mark.parametrize("fmt", ["rss", "atom"])
def test_empty_feed_has_a_fixed_plausible_date(fmt: str) -> None:
    parsed = parse(fmt, [])
    assert parsed.entries == []
    assert parsed.feed.updated_parsed[:3] == (2000, 1, 1)


def test_updated_before_published_is_raised_to_published() -> None:
    entry = make_entry(updated=make_entry().published - timedelta(days=1))
    item = json.loads(render_json(INFO, [entry], base_url=BASE_URL))["items"][0]
    assert item["date_modified"] == item["date_published"]


def test_base_url_without_trailing_slash_still_names_files() -> None:
    feed = json.loads(render_json(INFO, [], base_url="http://127.0.0.1:8080/feeds"))
    assert feed["feed_url"] == "http://127.0.0.1:8080/feeds/all.json"
    assert feed["home_page_url"] == "http://127.0.0.1:8080/feeds/index.html"


def test_urls_with_spaces_and_non_ascii_are_percent_encoded() -> None:
    entry = make_entry(image_url="/foto saya/ü.jpg")
    assert parse("rss", [entry]).entries[0].enclosures[0].href == (
        "https://merahputih.example/foto%20saya/%C3%BC.jpg"
    )
