"""Article extraction: Indonesian dates, cleanup rules, sanitizer, classifier, robustness.

Recorded-page cases live in ``tests/fixtures/pages/<case>/`` (page.html,
url.txt, expected.json); adding a folder adds a test.
"""

from __future__ import annotations

import json
import os
import tomllib
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from crawler.pages import ArticlePage, ExtractionError
from crawler.pages.cleanup import drop_furniture, split_dateline, split_names
from crawler.pages.dates import find_date, parse_date, parse_iso
from crawler.pages.provenance import SOURCE_KINDS
from crawler.pages.sources import read_sources
from crawler.sites import SiteConfig, SitesError, load_sites
from kabar.core.article import ARTICLE_FIELDS
from kabar.core.html import sanitize_html

FIXTURES = Path(__file__).parent / "fixtures" / "pages"
WIB = timezone(timedelta(hours=7))
WITA = timezone(timedelta(hours=8))
WIT = timezone(timedelta(hours=9))
FETCHED = datetime(2023, 7, 17, 12, 0, tzinfo=WIB)

STORY = (
    "<p>Pemerintah kabupaten menggelar rapat koordinasi bersama seluruh camat untuk membahas "
    "rencana pembangunan jalan desa dan perbaikan jembatan di wilayah perairan.</p>"
    "<p>Dalam sambutannya, bupati meminta seluruh perangkat daerah bekerja sama dengan "
    "instansi vertikal agar pelayanan kepada masyarakat berjalan lebih cepat dan tepat.</p>"
    "<p>Rapat ditutup dengan peluncuran program dokter masuk desa yang akan menjangkau "
    "puluhan desa terpencil di kabupaten tersebut mulai bulan depan.</p>"
)


def page(body: str, *, head: str = "", body_class: str = "", url: str = "") -> ArticlePage:
    html = f"<html><head>{head}</head><body class='{body_class}'>{body}</body></html>"
    return ArticlePage(url or "https://berita.example.id/2023/07/17/rapat/", html)


# --- dates -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("17 Juli 2023 10:15 WIB", datetime(2023, 7, 17, 10, 15, tzinfo=WIB)),
        ("Senin (17/7/2023)", datetime(2023, 7, 17, tzinfo=WIB)),
        ("Senin, 17/07/2023 | 10:15 WIB", datetime(2023, 7, 17, 10, 15, tzinfo=WIB)),
        ("Rabu, 5 Agustus 2020 - 08:30 WITA", datetime(2020, 8, 5, 8, 30, tzinfo=WITA)),
        ("Kamis, 3 Des 2020 pukul 19.45 WIT", datetime(2020, 12, 3, 19, 45, tzinfo=WIT)),
        ("Jum'at, 19 Juni 2015 | 13:12 WIB", datetime(2015, 6, 19, 13, 12, tzinfo=WIB)),
        ("Selasa 16 Jun 2015, 14:05 WIB", datetime(2015, 6, 16, 14, 5, tzinfo=WIB)),
        ("1 Pebruari 2021", datetime(2021, 2, 1, tzinfo=WIB)),
        ("12 Nopember 2022 07:00", datetime(2022, 11, 12, 7, 0, tzinfo=WIB)),
        ("17-07-2023 10:15", datetime(2023, 7, 17, 10, 15, tzinfo=WIB)),
        ("July 17, 2023 at 3:05 pm", datetime(2023, 7, 17, 15, 5, tzinfo=WIB)),
        ("2023-07-17T10:15:00+07:00", datetime(2023, 7, 17, 10, 15, tzinfo=WIB)),
        ("2023-07-17T03:15:00Z", datetime(2023, 7, 17, 3, 15, tzinfo=UTC)),
        ("2023-07-17", datetime(2023, 7, 17, tzinfo=WIB)),
        # The date-line grammar: day name? date, separator, time with ":" or ".", zone?
        ("Senin, 17 Juli 2023 | Pukul 10.15 WIB", datetime(2023, 7, 17, 10, 15, tzinfo=WIB)),
        ("Senin, 17/07/2023 - 10.15", datetime(2023, 7, 17, 10, 15, tzinfo=WIB)),
        ("Monday, 17 July 2023 / 14:05 WITA", datetime(2023, 7, 17, 14, 5, tzinfo=WITA)),
        ("17 Jul 2023, 10:15 GMT+7", datetime(2023, 7, 17, 10, 15, tzinfo=WIB)),
        ("17-Jul-2023 22:05 UTC+07:00", datetime(2023, 7, 17, 22, 5, tzinfo=WIB)),
        ("Sep 2, 2023 10:15 PM", datetime(2023, 9, 2, 22, 15, tzinfo=WIB)),
        ("01. April 2025, 15:25", datetime(2025, 4, 1, 15, 25, tzinfo=WIB)),
        ("10:15 WIB, Senin 17 Juli 2023", datetime(2023, 7, 17, 10, 15, tzinfo=WIB)),
        ("Diterbitkan: 17 Juli 2023 10:15 WIB", datetime(2023, 7, 17, 10, 15, tzinfo=WIB)),
        (
            "Diperbarui: 18 Juli 2023 09:00 WIB | Diterbitkan: 17 Juli 2023 10:15 WIB",
            datetime(2023, 7, 17, 10, 15, tzinfo=WIB),
        ),
        ("2023-07-17 T10:15:00+07:00", datetime(2023, 7, 17, 10, 15, tzinfo=WIB)),
        # A number after the date is not its time.
        ("17 Juli 2023, 1.500 warga hadir", datetime(2023, 7, 17, tzinfo=WIB)),
    ],
)
def test_indonesian_dates(text: str, expected: datetime) -> None:
    found = parse_date(text, tz="Asia/Jakarta")
    assert found is not None and found.tzinfo is not None
    assert found == expected


@pytest.mark.parametrize(
    ("text", "delta"),
    [
        ("2 jam yang lalu", timedelta(hours=2)),
        ("15 menit lalu", timedelta(minutes=15)),
        ("3 hari yang lalu", timedelta(days=3)),
        ("sejam yang lalu", timedelta(hours=1)),
        ("5 hours ago", timedelta(hours=5)),
        ("kemarin", timedelta(days=1)),
    ],
)
def test_relative_dates_resolve_against_fetch_time(text: str, delta: timedelta) -> None:
    assert parse_date(text, now=FETCHED) == FETCHED - delta


def test_relative_dates_need_a_fetch_time() -> None:
    assert parse_date("2 jam yang lalu") is None


def test_naive_times_use_the_site_zone() -> None:
    found = parse_date("17 Juli 2023 10:15", tz="Asia/Makassar")
    assert found is not None and found.utcoffset() == timedelta(hours=8)
    assert parse_iso("2023-07-17T10:15:00", tz="Asia/Jayapura") == datetime(
        2023, 7, 17, 10, 15, tzinfo=WIT
    )


@pytest.mark.parametrize("text", ["", "tidak ada tanggal", "31 Februari 2023", "99/99/2023"])
def test_no_date(text: str) -> None:
    assert parse_date(text) is None


def test_find_date_in_prose() -> None:
    text = "di Desa Tanjung Lago, Kecamatan Tanjung Lago, Senin (17/7/2023)."
    assert find_date(text) == datetime(2023, 7, 17, tzinfo=WIB)


# --- cleanup ---------------------------------------------------------------


def test_cleanup_drops_teasers_comment_form_and_credits() -> None:
    cleaned = drop_furniture(
        [
            "TANJUNG LAGO, MERAHPUTIHNEWS.CO ID – Bupati Banyuasin menghadiri rapat koordinasi.",
            "Baca juga: Bupati resmikan jembatan baru",
            "Baca Juga Pemkab gelar pasar murah",
            "Isi paragraf kedua berita ini.",
            "(Deni).",
            "Tinggalkan Balasan",
            "Alamat email Anda tidak akan dipublikasikan. Ruas yang wajib ditandai *",
        ]
    )
    assert cleaned.paragraphs == [
        "Bupati Banyuasin menghadiri rapat koordinasi.",
        "Isi paragraf kedua berita ini.",
    ]
    assert cleaned.location == "Tanjung Lago"
    assert cleaned.credited == ["Deni"]
    assert cleaned.kept == [0, 3]


@pytest.mark.parametrize(
    ("tail", "names"),
    [
        (["(Deni)"], ["Deni"]),
        (["Penulis: Budi Santoso", "Editor: Rina"], ["Budi Santoso"]),
        (["Reporter: Ani / Editor: Joko"], ["Ani"]),
        (["Pewarta: Ani dan Budi"], ["Ani", "Budi"]),
        (["| Penulis | : Anju Christian |"], ["Anju Christian"]),
        (["Editor: Rina"], []),
    ],
)
def test_trailing_credit_lines(tail: list[str], names: list[str]) -> None:
    cleaned = drop_furniture(["Paragraf pertama berita yang cukup panjang.", *tail])
    assert cleaned.paragraphs == ["Paragraf pertama berita yang cukup panjang."]
    assert cleaned.credited == names


def test_credit_at_end_of_last_paragraph() -> None:
    cleaned = drop_furniture(["Pertama.", "Kalimat terakhir berita ini. (Deni)"])
    assert cleaned.paragraphs[-1] == "Kalimat terakhir berita ini."
    assert cleaned.credited == ["Deni"]
    agency = drop_furniture(["Pertama.", "Kalimat terakhir. (ant)"])
    assert agency.paragraphs[-1] == "Kalimat terakhir." and agency.credited == []


def test_parentheses_inside_text_are_kept() -> None:
    cleaned = drop_furniture(["Program Dokter Masuk Desa (DMD) berjalan baik"])
    assert cleaned.paragraphs == ["Program Dokter Masuk Desa (DMD) berjalan baik"]


def test_opening_furniture_is_dropped() -> None:
    cleaned = drop_furniture(
        [
            "Jembatan Baru Diresmikan Bupati",
            "Selasa 16 Jun 2015, 14:05 WIB",
            "Oleh :",
            "Isi berita yang sebenarnya dimulai di sini dan cukup panjang.",
        ],
        headlines={"jembatan baru diresmikan bupati"},
    )
    assert cleaned.paragraphs == ["Isi berita yang sebenarnya dimulai di sini dan cukup panjang."]


@pytest.mark.parametrize(
    ("paragraph", "place", "rest"),
    [
        (
            "TANJUNG LAGO, MERAHPUTIHNEWS.CO ID – Bupati hadir di acara itu.",
            "Tanjung Lago",
            "Bupati",
        ),
        ("JAKARTA, KOMPAS.com - Mantan pelatih Persidafon mengaku.", "Jakarta", "Mantan"),
        ("Jakarta (ANTARA) - Presiden meresmikan bendungan baru hari ini.", "Jakarta", "Presiden"),
        ("Yogyakarta - Lima mahasiswa UGM mengembangkan alat terapi.", "Yogyakarta", "Lima"),
        ("PALEMBANG – Gubernur Sumsel meninjau lokasi banjir pagi ini.", "Palembang", "Gubernur"),
    ],
)
def test_dateline(paragraph: str, place: str, rest: str) -> None:
    found, remainder = split_dateline(paragraph)
    assert found == place
    assert remainder.startswith(rest)


@pytest.mark.parametrize(
    "paragraph",
    [
        "Bupati Banyuasin, H. Askolani menghadiri rapat koordinasi hari ini.",
        "Breaking news - Something happened in the city council meeting today.",
        "Menurut dia, hasil rapat - yang digelar kemarin - cukup baik.",
    ],
)
def test_no_dateline(paragraph: str) -> None:
    assert split_dateline(paragraph) == (None, paragraph)


def test_split_names() -> None:
    assert split_names("Deni/Rul") == ["Deni", "Rul"]
    assert split_names("Oleh: Ani, Budi dan Citra") == ["Ani", "Budi", "Citra"]
    assert split_names("By Jane Roe and John Doe") == ["Jane Roe", "John Doe"]
    assert split_names("Elena Oberholzer (obe)") == ["Elena Oberholzer"]
    # Bylines carry the time too; a desk with digits in its name stays.
    assert split_names("Reporter: Ahmad Fauzi · 2 jam yang lalu") == ["Ahmad Fauzi"]
    assert split_names("James Akinaka • 8h") == ["James Akinaka"]
    assert split_names("Rina Wati | 17/07/2023 14:05 WIB") == ["Rina Wati"]
    assert split_names("Oleh Yohana Wenda, Senin 17 Juli 2023") == ["Yohana Wenda"]
    assert split_names("BR24 Redaktion") == ["BR24 Redaktion"]


# --- sanitizer -------------------------------------------------------------


def test_sanitizer_removes_active_content_and_absolutizes() -> None:
    html = sanitize_html(
        '<p onclick="steal()" style="color:red">Hi <a href="javascript:alert(1)">x</a>'
        ' <a href="/a/b">rel</a><img src="i.jpg" onerror="x()"><script>bad()</script>'
        "<style>p{}</style><iframe src='https://evil.example'></iframe></p>",
        "https://ex.com/x/y",
    )
    for banned in ("script", "style", "iframe", "onclick", "onerror", "javascript:", "bad()"):
        assert banned not in html
    assert 'href="https://ex.com/a/b"' in html
    assert 'src="https://ex.com/x/i.jpg"' in html


def test_sanitizer_empty() -> None:
    assert sanitize_html("   ") == ""


# --- sources ---------------------------------------------------------------


@pytest.mark.parametrize(
    "script",
    [
        '{"@type": "NewsArticle", "headline": "A",}',
        '<!-- {"@type": "NewsArticle", "headline": "A"} -->',
        '{"@type": "NewsArticle", "headline": "A"}{"@type": "WebSite"}',
        '{"@type": "NewsArticle", "headline": "A\nB"}',
        '{"@type": "NewsArticle", "headline": ',
        "not json at all",
        "",
    ],
)
def test_broken_json_ld_never_crashes(script: str) -> None:
    result = page(STORY, head=f'<script type="application/ld+json">{script}</script>')
    assert isinstance(result.to_fields(), dict)


def test_json_ld_graph() -> None:
    tree = page(
        "",
        head='<script type="application/ld+json">{"@graph": [{"@type": "WebPage"},'
        '{"@type": ["ReportageNewsArticle"], "headline": "H"}]}</script>',
    ).tree
    assert read_sources(tree).article["headline"] == "H"


# --- classifier ------------------------------------------------------------


def test_article_page_is_article() -> None:
    result = page(
        "<h1>Rapat koordinasi kecamatan digelar</h1>" + STORY,
        head='<meta property="og:type" content="article">',
        body_class="single single-post postid-7",
    )
    assert result.is_article


def test_listing_page_is_not_article() -> None:
    links = "".join(
        f"<li><a href='/2023/07/{n}/berita-{n}/'>Judul berita nomor {n}</a></li>" for n in range(20)
    )
    result = page(
        f"<h1>Kategori: Banyuasin</h1><ul>{links}</ul>",
        head='<meta property="og:type" content="website">',
        body_class="archive category category-banyuasin",
        url="https://berita.example.id/category/banyuasin/",
    )
    assert not result.is_article


def test_tag_page_with_excerpts_is_not_article() -> None:
    result = page(
        "<h1>Tag: Askolani</h1>" + STORY,
        head='<script type="application/ld+json">{"@type": "CollectionPage"}</script>',
        body_class="archive tag",
        url="https://berita.example.id/tag/askolani/",
    )
    assert not result.is_article


# --- robustness ------------------------------------------------------------


@pytest.mark.parametrize("html", ["", "   \n ", b"", b"\x00\x00"])
def test_empty_page_raises_extraction_error(html: str | bytes) -> None:
    with pytest.raises(ExtractionError):
        ArticlePage("https://x.example/", html)


def test_binary_junk() -> None:
    junk = bytes(range(256)) * 40
    try:
        result = ArticlePage("https://x.example/", junk)
    except ExtractionError:
        return
    assert not result.is_article
    assert isinstance(result.to_fields(), dict)


def test_windows_1252_bytes() -> None:
    html = (
        "<html><body><h1>Café résumé naïve headline here</h1>" + STORY + "</body></html>"
    ).encode("cp1252")
    result = ArticlePage("https://x.example/a", html)
    assert result.title == "Café résumé naïve headline here"


def test_latin1_declared_encoding() -> None:
    html = (
        "<html><head><meta charset='iso-8859-1'></head><body><h1>Señor año déjà vu</h1>"
        + STORY
        + "</body></html>"
    ).encode("latin-1")
    assert ArticlePage("https://x.example/a", html).title == "Señor año déjà vu"


def test_explicit_encoding_wins() -> None:
    html = "<html><body><h1>Überschrift über alles</h1></body></html>".encode("cp1252")
    result = ArticlePage("https://x.example/a", html, encoding="cp1252")
    assert result.title == "Überschrift über alles"


def test_malformed_html() -> None:
    html = "<html><body><h1>Judul <b>tebal</h1><p>Teks <i>miring<p>" + STORY + "</div></span>"
    result = ArticlePage("https://x.example/a", html)
    assert result.title is not None
    assert result.body is not None and "dokter masuk desa" in result.body


def test_huge_page_is_handled() -> None:
    # 3 MB of text in a sane tree: extracted, and quickly.
    html = "<html><body><h1>Judul berita</h1>" + STORY * 2000 + "</body></html>"
    result = ArticlePage("https://x.example/a", html)
    assert result.body is not None and len(result.body) > 100_000


def test_page_with_too_many_elements_raises() -> None:
    html = "<html><body><h1>Judul</h1>" + "<p>kata " * 200_000 + "</body></html>"
    with pytest.raises(ExtractionError, match="elements"):
        ArticlePage("https://x.example/a", html)


def test_too_large_page_raises() -> None:
    with pytest.raises(ExtractionError):
        ArticlePage("https://x.example/a", "<p>" + "x" * 16_000_000)


def test_unknown_timezone_raises() -> None:
    with pytest.raises(ExtractionError):
        ArticlePage("https://x.example/a", "<p>x</p>", timezone="Mars/Olympus")


def test_to_fields_keys_are_article_fields() -> None:
    assert set(page(STORY).to_fields()) <= set(ARTICLE_FIELDS)


def test_text_date_from_body() -> None:
    body = "<h1>Judul berita rapat koordinasi</h1>" + STORY.replace(
        "wilayah perairan.", "wilayah perairan, Senin (17/7/2023)."
    )
    assert page(body).published_at == datetime(2023, 7, 17, tzinfo=WIB)


def test_language_falls_back_to_site() -> None:
    assert page(STORY).language is None
    html = f"<html><body>{STORY}</body></html>"
    assert ArticlePage("https://x.example/", html, language="id").language == "id"
    assert ArticlePage("https://x.example/", f"<html lang='id-ID'>{html}</html>").language == "id"


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


# --- body: repeats, teasers, asides, standfirst --------------------------------

REPEATED = (
    "Paragraf yang sengaja diulang oleh penulis dalam artikel ini untuk menegaskan pesan "
    "penting kepada seluruh pembaca di wilayah kabupaten."
)


def test_paragraphs_the_page_repeats_are_kept() -> None:
    body = f"<article><h1>Judul berita rapat koordinasi</h1>{STORY}<p>{REPEATED}</p>"
    body += f"<p>{REPEATED}</p><p>{REPEATED}</p></article>"
    assert (page(body).body or "").split("\n").count(REPEATED) == 3


def test_labelled_link_to_another_article_is_dropped() -> None:
    teaser = "Bupati resmikan jembatan baru di Tanjung Lago"
    body = (
        f"<article><h1>Judul berita rapat koordinasi</h1>{STORY[: STORY.index('</p>') + 4]}"
        f"<p>MORE: <a href='https://berita.example.id/jembatan/'>{teaser}</a></p>"
        f"{STORY[STORY.index('</p>') + 4 :]}</article>"
    )
    text = page(body).body or ""
    assert teaser not in text and "dokter masuk desa" in text


def test_caption_and_fact_box_text_is_dropped() -> None:
    caption = "Bupati menyampaikan sambutan di hadapan para camat. Foto: Dokumentasi Humas"
    fact = "Jumlah desa terpencil yang akan dijangkau program ini mencapai empat puluh dua desa."
    body = (
        f"<article><h1>Judul berita rapat koordinasi</h1>{STORY[: STORY.index('</p>') + 4]}"
        f"<div class='wp-caption'><p>{caption}</p></div>"
        f"<div class='factbox'><p>{fact}</p></div>"
        f"{STORY[STORY.index('</p>') + 4 :]}</article>"
    )
    text = page(body).body or ""
    assert caption not in text and fact not in text and "dokter masuk desa" in text


def test_standfirst_shown_in_the_article_opens_the_body() -> None:
    summary = (
        "Bupati mengumpulkan seluruh camat untuk menyusun prioritas pembangunan desa "
        "tahun depan, dari jalan hingga layanan kesehatan."
    )
    head = f"<meta property='og:description' content='{summary}'>"
    body = f"<article><h1>Judul berita rapat koordinasi</h1><p class='dek'>{summary}</p>"
    body += f"<div class='content'>{STORY}</div></article>"
    result = page(body, head=head)
    assert (result.body or "").startswith(summary + "\n")
    assert result.lead == summary
    # A description shown only outside the article (or nowhere) is not body text.
    outside = page(f"<p>{summary}</p><article>{STORY}</article>", head=head)
    assert summary not in (outside.body or "")


def test_iso_with_a_stray_z_after_the_offset() -> None:
    assert parse_iso("2015-06-19T03:40:00+07:00Z") == datetime(2015, 6, 19, 3, 40, tzinfo=WIB)


def test_a_sidebar_birthday_is_not_the_publication_date() -> None:
    # A "tokoh" widget with a date class comes before the article's own date.
    result = page(
        "<div class='profile-date'>J.G. Ballard Sastrawan Sabtu, 15 November 1930</div>"
        "<div class='date'>Jumat, 19 Juni 2015 12:34</div><h1>Judul</h1>" + STORY
    )
    assert result.published_at == datetime(2015, 6, 19, 12, 34, tzinfo=WIB)


@pytest.mark.parametrize("outlet", ["Liputan6.com", "PT. VIVA MEDIA BARU - VIVA.co.id"])
def test_an_outlet_is_not_an_author(outlet: str) -> None:
    head = f'<meta name="author" content="{outlet}">'
    byline = "<div class='byline'>Oleh Alvin Hariyanto</div>"
    assert page(byline + STORY, head=head).authors == ["Alvin Hariyanto"]


def test_extract_site_uses_its_selectors(tmp_path: Path) -> None:
    folder = FIXTURES / "selectors-custom-layout"
    url = (folder / "url.txt").read_text(encoding="utf-8").strip()
    entry = (
        (folder / "site.toml")
        .read_text(encoding="utf-8")
        .replace("[selectors]", "[site.selectors]")
    )
    sites = tmp_path / "sites.toml"
    sites.write_text(f'[[site]]\nname = "warta"\nurl = "{url}"\n{entry}', encoding="utf-8")
    result = _extract(
        ["--sites", str(sites), "--site", "warta", "--url", url, "-"],
        (folder / "page.html").read_bytes(),
    )
    assert result.exit_code == 0, result.output
    record = json.loads(result.output)
    assert record["title"] == "Sungai Musi Meluap, Ratusan Rumah di Seberang Ulu Terendam"
    assert record["authors"] == ["Siti Aminah"]
    assert record["published_at"] == "2023-07-17T16:45:00+07:00"


def test_htmldate_finds_the_day_when_nothing_else_does() -> None:
    # No metadata and no visible date: the permalink still tells the day.
    result = page("<h1>Judul</h1>" + STORY, url="https://berita.example.id/2023/07/17/rapat-camat/")
    assert result.published_at == datetime(2023, 7, 17, tzinfo=WIB)
    undated = page("<h1>Judul</h1>" + STORY, url="https://berita.example.id/berita/rapat-camat")
    assert undated.published_at is None


@pytest.mark.parametrize(
    "line",
    [
        "Simak berita terbaru lainnya di Google News Tribunsumsel.com",
        "Halaman 1 2 Selanjutnya",
        "Halaman selanjutnya",
        "Artikel ini telah tayang di Tribunsumsel.com dengan judul Bus Sekolah Gratis Mulai"
        " Beroperasi, https://sumsel.tribunnews.com/2023/07/17/bus-sekolah",
        "Berita ini telah tayang di Kompas.com dengan judul Jembatan Baru Dibuka",
        "(*)",
        "***",
    ],
)
def test_indonesian_portal_boilerplate_is_dropped(line: str) -> None:
    paragraphs = [p.removeprefix("<p>") for p in STORY.split("</p>") if p]
    cleaned = drop_furniture([*paragraphs[:2], line, paragraphs[2], line])
    assert cleaned.paragraphs == paragraphs


def test_tribun_reporter_line_credits_the_reporter() -> None:
    paragraphs = [p.removeprefix("<p>") for p in STORY.split("</p>") if p]
    cleaned = drop_furniture(
        ["Laporan Wartawan Tribunsumsel.com, Arief Basuki", *paragraphs],
        site_names=["tribunsumselcom"],
    )
    assert cleaned.paragraphs == paragraphs
    assert cleaned.credited == ["Arief Basuki"]


# --- found in review ----------------------------------------------------------


def test_page_numbers_do_not_backtrack() -> None:
    # 2**40 ways to split the digits for a naive pattern; this must return at once.
    cleaned = drop_furniture(["Halaman " + "1" * 40 + " x", "Isi berita yang cukup panjang."])
    assert cleaned.paragraphs[0].startswith("Halaman")


def test_htmldate_does_not_read_a_copyright_year() -> None:
    footer = "<footer>© 2023 Berita Contoh. Piala Dunia 2026.</footer>"
    undated = page("<h1>Judul</h1>" + STORY + footer, url="https://berita.example.id/b/rapat")
    assert undated.published_at is None
    dated = page("<h1>Judul</h1>" + STORY, url="https://berita.example.id/2023/07/17/rapat-camat/")
    assert dated.published_guessed and dated.published_at == datetime(2023, 7, 17, tzinfo=WIB)
    assert not page(
        "<h1>Judul</h1><time datetime='2023-07-17T10:00+07:00'></time>" + STORY
    ).published_guessed


@pytest.mark.parametrize(
    ("url", "head", "h1", "expected"),
    [
        # "news" is the subdomain, not the site: the site is "detik".
        (
            "https://news.detik.com/berita/d-1/petani",
            '<meta property="og:title"'
            ' content="Jokowi: Good news for farmers - Nasional | detikNews">',
            "",
            "Jokowi: Good news for farmers - Nasional",
        ),
        # The site's name twice: only the prefix goes.
        (
            "https://example.id/a/b",
            "<title>Example | Example | Headline</title>",
            "",
            "Example | Headline",
        ),
        # A headline that starts with a domain is a headline.
        (
            "https://teknoku.id/a/b",
            '<meta property="og:title" content="Shopee.co.id gangguan, transaksi gagal">',
            "",
            "Shopee.co.id gangguan, transaksi gagal",
        ),
        # Invisible characters are not part of the headline.
        (
            "https://x.example.id/a/b",
            '<meta property="og:title" content="Jokowi resmikan jalan tol baru\u200b">',
            "Jokowi resmikan jalan tol baru",
            "Jokowi resmikan jalan tol baru",
        ),
    ],
)
def test_site_names_in_titles(url: str, head: str, h1: str, expected: str) -> None:
    assert page((f"<h1>{h1}</h1>" if h1 else "") + STORY, head=head, url=url).title == expected


def test_a_report_line_needs_a_name() -> None:
    lead = "Laporan koresponden Reuters di Gaza, situasi kemanusiaan makin memburuk"
    cleaned = drop_furniture([lead, "Isi berita yang cukup panjang untuk dipertahankan."])
    assert cleaned.paragraphs[0] == lead and cleaned.credited == []


def test_a_body_selector_without_text_falls_back() -> None:
    result = ArticlePage(
        "https://berita.example.id/2023/07/17/rapat/",
        f"<html><body><h1>Judul</h1><div class='isi'></div>{STORY}</body></html>",
        selectors={"body": "div.isi", "image_url": "div.isi"},
    )
    assert (result.body or "").startswith("Pemerintah kabupaten")
    assert result.image_url is None
    assert sorted(result.selector_misses) == ["body", "image_url"]


def test_credit_leaves_body_html_of_a_one_paragraph_story() -> None:
    text = (
        "PALEMBANG, SUMSELCONTOH.COM - Dua jembatan gantung yang menghubungkan empat desa di"
        " Kabupaten OKU Selatan rampung dibangun dan mulai dilalui warga sejak pagi tadi. (afz)"
    )
    result = page(f"<h1>Judul</h1><p>{text}</p>")
    assert "(afz)" not in (result.body or "") and "(afz)" not in (result.body_html or "")


def test_selector_misses_are_known_before_any_field_is_read() -> None:
    """Selectors return (value, missed): the page's misses and chosen fields do not
    depend on which fields were computed first."""
    folder = FIXTURES / "seed-merahputih"
    result = ArticlePage(
        (folder / "url.txt").read_text(encoding="utf-8").strip(),
        (folder / "page.html").read_bytes(),
        selectors={"title": "h2.no-such-headline", "location": "h1"},
    )
    assert result.selector_misses == ["title"]
    assert result.selected_fields == {"location"}


def test_explain_names_the_source_of_every_field() -> None:
    from kabar.extract import explain_page

    folder = FIXTURES / "seed-merahputih"
    report = explain_page(
        (folder / "page.html").read_bytes(),
        url=(folder / "url.txt").read_text(encoding="utf-8").strip(),
        fetched_at=FETCHED,
    )
    assert set(report) >= {"title", "authors", "published_at", "body", "image_url", "tags"}
    for name, entry in report.items():
        if entry["value"] not in (None, []):
            assert entry["source"] in SOURCE_KINDS, name
    assert report["authors"]["source"] == "text"  # the "(Deni)" credit
    assert report["image_url"]["detail"] == "og:image"
    title_sources = {c["detail"] for c in report["title"]["candidates"]}
    assert {"h1", "og:title"} <= title_sources


def test_explain_lists_the_candidates_a_field_beat() -> None:
    from kabar.extract import explain_page

    html = (
        "<html><head><meta property='article:published_time' content='2023-07-17'>"
        "</head><body><h1>Rapat Koordinasi Kecamatan Digelar di Balai Desa</h1>"
        "<div class='date'>Senin, 17 Juli 2023 | 14:30 WIB</div>"
        f"{STORY}</body></html>"
    )
    report = explain_page(html, url="https://berita.example.id/2023/07/17/rapat/")
    published = report["published_at"]
    assert published["value"] == "2023-07-17T14:30:00+07:00"
    assert published["source"] == "visible"
    assert "article:published_time" in published["detail"]  # the midnight it corrected
    assert any(c["source"] == "meta" for c in published["candidates"])


def test_field_sources_say_where_each_field_came_from() -> None:
    folder = FIXTURES / "tagdiv-z-is-local-time"
    result = _recorded(folder)
    sources = result.field_sources()
    assert set(sources) >= {"title", "authors", "published_at", "body"}
    assert sources["published_at"] == "visible"  # the shown WIB time beat the JSON-LD "Z"
    assert sources["modified_at"] == "json-ld"
    assert sources["image_url"] is None
