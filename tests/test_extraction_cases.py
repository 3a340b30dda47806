"""Extraction on recorded pages, the mock web's pages and ``kabar extract`` (recorded cases
in ``tests/fixtures/pages/``: adding one needs no code).
"""

from __future__ import annotations

import json
import os
import tomllib
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from crawler.pages import ArticlePage, ExtractionError
from crawler.pages.cleanup import drop_furniture, split_dateline
from crawler.sites import SiteConfig, SitesError, load_sites
from kabar.core.article import ARTICLE_FIELDS
from tests.test_extraction import FETCHED, FIXTURES, STORY, page

# --- recorded pages --------------------------------------------------------

CASES = sorted(p.name for p in FIXTURES.iterdir() if (p / "page.html").is_file())


def _check(result: ArticlePage, expected: dict[str, Any]) -> None:
    fields = result.to_fields()
    for name, value in expected.items():
        if name == "is_article":
            assert result.is_article is value
        elif name == "body_starts_with":
            assert (fields["body"] or "").startswith(value)
        elif name == "body_ends_with":
            assert (fields["body"] or "").endswith(value)
        elif name == "body_excludes":
            for text in value:
                assert text not in (fields["body"] or ""), text
                assert text not in (fields["body_html"] or ""), text
        elif name in ("published_at", "modified_at") and value is not None:
            assert fields[name] == datetime.fromisoformat(value), name
        else:
            assert fields[name] == value, name


def _recorded(folder: Path, *, with_site: bool = True) -> ArticlePage:
    """The case's page read as the crawler reads it: with the site's entry from the
    optional ``site.toml`` (selectors, page object, time zone, language)."""
    url = (folder / "url.txt").read_text(encoding="utf-8").strip()
    entry = folder / "site.toml"
    if not (with_site and entry.is_file()):
        return ArticlePage(url, (folder / "page.html").read_bytes(), fetched_at=FETCHED)
    name = folder.name.replace(".", "-")
    site = SiteConfig(name=name, url=url, **tomllib.loads(entry.read_text(encoding="utf-8")))
    return site.read_page(url, (folder / "page.html").read_bytes(), fetched_at=FETCHED)


@pytest.mark.parametrize("case", CASES)
def test_recorded_page(case: str) -> None:
    folder = FIXTURES / case
    result = _recorded(folder)
    _check(result, json.loads((folder / "expected.json").read_text(encoding="utf-8")))
    assert result.selector_misses == []


@pytest.mark.parametrize("case", [c for c in CASES if (FIXTURES / c / "site.toml").is_file()])
def test_site_entry_is_what_makes_the_case_pass(case: str) -> None:
    """Without its selectors or page object, generic extraction gets the case wrong."""
    expected = json.loads((FIXTURES / case / "expected.json").read_text(encoding="utf-8"))
    with pytest.raises(AssertionError):
        _check(_recorded(FIXTURES / case, with_site=False), expected)


def test_a_selector_that_finds_nothing_falls_back_and_is_reported() -> None:
    folder = FIXTURES / "seed-merahputih"
    result = ArticlePage(
        (folder / "url.txt").read_text(encoding="utf-8").strip(),
        (folder / "page.html").read_bytes(),
        selectors={"title": "h2.no-such-headline", "authors": "xpath://span[@id='none']"},
    )
    assert (
        result.title
        == "Rakor Kecamatan Tanjung Lago, Bupati Askolani Dengarkan Aspirasi Masyarakat"
    )
    assert result.authors == ["Deni"]
    assert sorted(result.selector_misses) == ["authors", "title"]


@pytest.mark.parametrize(
    ("entry", "reason"),
    [
        ('[site.selectors]\njudul = "h1"', "selectors.judul"),
        ('[site.selectors]\ntitle = "h1[["', "title: bad CSS selector 'h1[['"),
        ('[site.selectors]\ntitle = "xpath://h1[@"', "title: bad XPath"),
        ('page = "tests.pageobjects:json"', "not a subclass of ArticlePage"),
        ('page = "no.such.module:Page"', "cannot be imported"),
        ('page = ".relative:Page"', "cannot be imported"),
    ],
)
def test_bad_selectors_and_page_objects_are_one_line_errors(
    tmp_path: Path, entry: str, reason: str
) -> None:
    sites = tmp_path / "sites.toml"
    sites.write_text(f'[[site]]\nname = "x"\nurl = "https://x.example.id/"\n{entry}\n')
    with pytest.raises(SitesError) as error:
        load_sites(sites)
    assert reason in str(error.value) and "\n" not in str(error.value)
    with pytest.raises(ExtractionError, match="bad CSS selector"):
        ArticlePage("https://x.example.id/", STORY, selectors={"title": "h1[["})


# --- the mock web ----------------------------------------------------------

MOCK_BASE = "http://127.0.0.1:8000/"
NOT_PEOPLE = {"Redaksi", "Admin"}
"""Mock authors that are a desk or an account, which extraction must not report."""


def _mock_pages() -> list[Any]:
    from kabar.demo import build_web

    return build_web().articles()


@pytest.mark.parametrize("article", _mock_pages(), ids=lambda a: f"{a.site}{a.path}")
def test_mock_web_article(article: Any) -> None:
    from w3lib.encoding import http_content_type_encoding

    from kabar.demo import build_web

    web = build_web()
    # The second request: a flaky or rate-limited page answers properly by then.
    response = web.site(article.site).render(article.path, base_url=MOCK_BASE, attempt=2)
    assert response.status == 200
    result = ArticlePage(
        article.url(MOCK_BASE),
        response.body,
        fetched_at=web.now,
        encoding=http_content_type_encoding(response.content_type),
    )
    fields = result.to_fields()
    assert fields["title"] == article.title
    published = fields["published_at"]
    assert published is not None and published.tzinfo is not None
    assert published.replace(second=0) == article.published.replace(second=0)
    assert fields["location"] == article.location
    assert fields["authors"] == ([] if article.author in NOT_PEOPLE else [article.author])
    assert fields["categories"] == [article.category_label]
    assert sorted(fields["tags"]) == sorted(article.tags)
    body = fields["body"] or ""
    first_line = body.split("\n")[0]
    assert len(first_line) > 30 and article.paragraphs[0].endswith(first_line)
    assert fields["lead"] == first_line
    assert article.paragraphs[-1].endswith(body.split("\n")[-1])
    for unwanted in ("Baca juga", "Baca Juga", "Tinggalkan Balasan", "Alamat email", "Iklan"):
        assert unwanted not in body, unwanted
    assert article.credit not in body
    assert result.is_article


# --- rules found on the mock web and the eval sets -------------------------


@pytest.mark.parametrize(
    ("paragraph", "place"),
    [
        ("SUARASUMSEL.ID, PALEMBANG - Ratusan pengunjung memadati pelataran BKB.", "Palembang"),
        (
            "BANYUASIN II, HALOBANYUASIN.COM – Warga Desa Sungsang mengeluhkan jalan.",
            "Banyuasin II",
        ),
        ("SUARA SUMSEL, SEKAYU - Petani karet mengeluhkan harga yang anjlok.", "Sekayu"),
    ],
)
def test_dateline_outlet_first_and_roman_numerals(paragraph: str, place: str) -> None:
    found, rest = split_dateline(paragraph, site_names=["suarasumsel"])
    assert found == place
    assert not rest.upper().startswith(("SUARA", "PALEMBANG", "HALO"))


@pytest.mark.parametrize(
    ("tail", "names"),
    [
        ("(Red)", []),
        ("(Redaksi)", []),
        ("(Rilis/Diskominfo Banyuasin)", []),
        ("Penulis: Admin", []),
        ("(Deni/Rul)", ["Deni", "Rul"]),
    ],
)
def test_desks_and_press_releases_are_not_authors(tail: str, names: list[str]) -> None:
    cleaned = drop_furniture(["Paragraf pertama berita yang cukup panjang.", tail])
    assert cleaned.paragraphs == ["Paragraf pertama berita yang cukup panjang."]
    assert cleaned.credited == names


def test_labelled_byline_and_breadcrumb_category() -> None:
    result = page(
        "<div class='breadcrumb'><a href='/'>Home</a> &raquo; <a href='/category/hukum/'>Hukum"
        "</a></div><h1>Polisi ungkap peredaran sabu satu kilogram</h1>"
        "<div class='post-meta'><span>Reporter: <a href='/author/m-rizki/'>M. Rizki</a></span>"
        "</div>" + STORY + "<p>(riz)</p>"
    )
    assert result.authors == ["M. Rizki"]
    assert result.categories == ["Hukum"]
    assert "(riz)" not in (result.body or "")


def test_lead_is_first_paragraph_when_description_is_an_excerpt() -> None:
    excerpt = (
        "BETUNG, BERITA.EXAMPLE.ID – Pemerintah kabupaten menggelar rapat koordinasi bersama "
        "seluruh camat untuk membahas rencana […]"
    )
    result = page(
        "<h1>Rapat koordinasi kecamatan</h1>"
        + STORY.replace("<p>", "<p>BETUNG, BERITA.EXAMPLE.ID – ", 1),
        head=f'<meta name="description" content="{excerpt}">',
    )
    assert result.location == "Betung"
    assert result.lead == (result.body or "").split("\n")[0]
    assert result.lead is not None and result.lead.startswith("Pemerintah kabupaten")
    standfirst = "Bupati minta camat mempercepat pelayanan kepada masyarakat di desa terpencil."
    other = page(STORY, head=f'<meta name="description" content="{standfirst}">')
    assert other.lead == standfirst


@pytest.mark.parametrize(
    ("head", "h1", "expected"),
    [
        # <title> and og:title with the site's name; the h1 agrees once it is removed.
        (
            "<title>Jembatan Baru Diresmikan | Berita Contoh</title>"
            '<meta property="og:site_name" content="Berita Contoh">'
            '<meta property="og:title" content="Jembatan Baru Diresmikan - Berita Contoh">',
            "Jembatan Baru Diresmikan",
            "Jembatan Baru Diresmikan",
        ),
        # A logo h1 that no metadata confirms does not win.
        (
            '<meta property="og:title" content="Bupati Resmikan Jembatan Desa">',
            "Berita Contoh",
            "Bupati Resmikan Jembatan Desa",
        ),
        # Entities escaped twice in the metadata are decoded.
        (
            '<meta property="og:title" content="Bupati &amp;#8216;Turun&amp;#8217; ke Desa">',
            "Bupati ‘Turun’ ke Desa",
            "Bupati ‘Turun’ ke Desa",
        ),
        # No metadata: the visible headline.
        ("", "Judul Satu-satunya di Halaman", "Judul Satu-satunya di Halaman"),
        # Everything from the site name on goes: "Headline | Site | by Author".
        (
            '<meta property="og:title" content="Banjir Rendam Tiga Desa | Berita Contoh |'
            ' by Andi Saputra">'
            '<meta property="og:site_name" content="Berita Contoh">',
            "Banjir Rendam Tiga Desa",
            "Banjir Rendam Tiga Desa",
        ),
        # A section glued to the headline ("Headline-Section") with a Hangul pipe before
        # the site name; a middle dot inside the headline is not a separator.
        (
            '<meta property="og:title" content="여야·정부 협의체 출범-정치ㅣ한국일보">'
            '<meta property="og:site_name" content="한국일보">'
            '<script type="application/ld+json">{"@type": "NewsArticle",'
            ' "headline": "여야·정부 협의체 출범"}</script>',
            "",
            "여야·정부 협의체 출범",
        ),
        # A long part that only mentions the site's name is headline text, not the name.
        (
            '<meta property="og:title" content="Warga Contoh Raih Juara - Berita Contoh'
            ' Rayakan Ulang Tahun Kota Bersama Ribuan Warga">'
            '<meta property="og:site_name" content="Berita Contoh">',
            "",
            "Warga Contoh Raih Juara - Berita Contoh Rayakan Ulang Tahun Kota Bersama Ribuan Warga",
        ),
        # An outlet that writes its domain needs no og:site_name to be recognised.
        (
            "<title>Eks Pelatih Mengaku Ditawari Rp 200 Juta - Kompas.com Bola</title>",
            "",
            "Eks Pelatih Mengaku Ditawari Rp 200 Juta",
        ),
        # Curly and straight quotes are one headline; the spelling most sources use wins.
        (
            '<meta property="og:title" content="Bupati: \'Jalan Desa Rampung Tahun Ini\'">'
            "<title>Bupati: 'Jalan Desa Rampung Tahun Ini'</title>",
            "Bupati: ‘Jalan Desa Rampung Tahun Ini’",
            "Bupati: 'Jalan Desa Rampung Tahun Ini'",
        ),
    ],
)
def test_title_by_agreement(head: str, h1: str, expected: str) -> None:
    assert page(f"<h1>{h1}</h1>" + STORY, head=head).title == expected


def test_utf8_bytes_declared_latin1() -> None:
    html = (
        "<html><head><meta charset='iso-8859-1'></head><body><h1>Kafé di tepi sungai</h1>"
        + STORY
        + "</body></html>"
    ).encode("utf-8")
    assert ArticlePage("https://x.example/a", html).title == "Kafé di tepi sungai"


def test_cp1252_bytes_declared_utf8() -> None:
    html = (
        "<html><head><meta charset='utf-8'></head><body><h1>Kafé “Musi” – Sekayu</h1>"
        + STORY
        + "</body></html>"
    ).encode("cp1252")
    assert ArticlePage("https://x.example/a", html).title == "Kafé “Musi” – Sekayu"


# --- kabar extract ---------------------------------------------------------


def _extract(args: list[str], data: bytes) -> Any:
    from click.testing import CliRunner

    from kabar.cli import main

    return CliRunner().invoke(main, ["extract", *args], input=data)


def test_extract_prints_one_json_object_with_export_fields() -> None:
    folder = FIXTURES / "seed-merahputih"
    url = (folder / "url.txt").read_text(encoding="utf-8").strip()
    result = _extract(["--url", url, "-"], (folder / "page.html").read_bytes())
    assert result.exit_code == 0, result.output
    record = json.loads(result.output)
    assert list(record) == list(ARTICLE_FIELDS)
    assert record["title"].startswith("Rakor Kecamatan Tanjung Lago")
    assert record["published_at"] == "2023-07-17T00:00:00+07:00"
    assert record["authors"] == ["Deni"]
    assert record["location"] == "Tanjung Lago"


def test_extract_relative_time_counts_back_from_fetched_at(tmp_path: Path) -> None:
    folder = FIXTURES / "relative-time-wib"
    page_file = tmp_path / "page.html"
    page_file.write_bytes((folder / "page.html").read_bytes())
    given = _extract(["--fetched-at", "2023-07-17T12:00:00+07:00", "-"], page_file.read_bytes())
    assert given.exit_code == 0, given.output
    assert json.loads(given.output)["published_at"] == "2023-07-17T10:00:00+07:00"
    # A saved file without --fetched-at: its modification time is when it was fetched.
    saved = datetime(2024, 1, 2, 3, 4, tzinfo=UTC)
    os.utime(page_file, (saved.timestamp(), saved.timestamp()))
    from_file = _extract([str(page_file)], b"")
    assert from_file.exit_code == 0, from_file.output
    published = datetime.fromisoformat(json.loads(from_file.output)["published_at"])
    assert published == saved - timedelta(hours=2)
    bad = _extract(["--fetched-at", "yesterday", "-"], b"<html></html>")
    assert bad.exit_code != 0 and "--fetched-at" in bad.output


def test_extract_site_gives_time_zone_and_language(tmp_path: Path) -> None:
    sites = tmp_path / "sites.toml"
    sites.write_text(
        '[[site]]\nname = "timur"\nurl = "https://timur.example.id/"\n'
        'timezone = "Asia/Jayapura"\nlanguage = "id"\n',
        encoding="utf-8",
    )
    html = (
        "<html><body><h1>Rapat koordinasi di Jayapura</h1>"
        "<span class='date'>17 Juli 2023 10:15</span>" + STORY + "</body></html>"
    ).encode()
    result = _extract(["--sites", str(sites), "--site", "timur", "-"], html)
    assert result.exit_code == 0, result.output
    record = json.loads(result.output)
    assert record["published_at"] == "2023-07-17T10:15:00+09:00"
    assert record["language"] == "id"
    assert record["site"] == "timur"
    assert record["url"] == "https://timur.example.id/"


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"   \n",
        bytes(range(256)) * 40,
        b"\xff\xfe\x00\x00garbage",
        "<html><body><h1>Kafé</h1><p>Teks “kutipan”".encode("cp1252"),
        b"<html><body><h1>Judul <b>tebal</h1><p>Teks <i>miring<p></div></span>",
        b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n",
        b"<" * 10_000,
    ],
)
def test_extract_never_crashes(data: bytes) -> None:
    result = _extract(["-"], data)
    assert result.exit_code in (0, 1), result.output
    assert "Traceback" not in result.output
    if result.exit_code == 0:
        assert isinstance(json.loads(result.output), dict)
    else:
        assert result.output.startswith("Error: ") and result.output.count("\n") == 1
    from kabar.extract import explain_page

    try:
        report = explain_page(data, url="https://berita.example.id/x/")
    except ExtractionError:
        return
    assert json.loads(json.dumps(report)) == report


def test_extract_unknown_site_is_one_line(tmp_path: Path) -> None:
    result = _extract(["--site", "nosuchsite", "-"], b"<html><body><p>x</p></body></html>")
    assert result.exit_code == 1
    assert "nosuchsite" in result.output and result.output.count("\n") == 1
