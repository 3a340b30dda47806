"""Article extraction: Indonesian dates, cleanup rules, sanitizer, classifier, robustness.

Recorded-page cases live in ``tests/fixtures/pages/<case>/`` (page.html,
url.txt, expected.json); adding a folder adds a test.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from crawler.pages import ArticlePage, ExtractionError
from crawler.pages.cleanup import drop_furniture, split_dateline, split_names
from crawler.pages.dates import find_date, parse_date, parse_iso
from crawler.pages.sources import read_sources
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
