"""Extraction rules found on real pages, the eval sets and in review: body, dates, authors,
titles, selectors, provenance.
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pytest

from crawler.pages import ArticlePage
from crawler.pages.cleanup import drop_furniture
from crawler.pages.dates import parse_iso
from crawler.pages.provenance import SOURCE_KINDS
from tests.test_extraction import FETCHED, FIXTURES, STORY, WIB, page
from tests.test_extraction_cases import _extract, _recorded

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


def test_embed_consent_placeholder_text_is_dropped() -> None:
    notice = (
        "Deine Privatsphäre-Einstellungen verhindern das Laden und Anzeigen aller externen "
        "Inhalte (z.B. Grafiken, Tabellen) und Sozialen Netzwerke."
    )
    placeholder = (
        "<div class='privacy-placeholder'><h3>Externer Inhalt nicht verfügbar</h3>"
        f"<p>{notice}</p></div>"
    )
    paragraphs = STORY.split("</p>")
    body = (
        "<article><h1>Judul berita rapat koordinasi</h1>"
        + "</p>".join(paragraphs[:1])
        + "</p>"
        + placeholder
        + "</p>".join(paragraphs[1:2])
        + "</p>"
        + placeholder.replace("privacy-placeholder", "sp-placeholder")
        + "</p>".join(paragraphs[2:])
        + "</article>"
    )
    text = page(body).body or ""
    assert notice not in text and "Externer Inhalt" not in text
    assert "dokter masuk desa" in text and "instansi vertikal" in text


def _story_chunk(part: str, paragraphs: int) -> str:
    """One part of a story split between layout grids, an ad row after it."""
    text = "".join(
        f"<p>Bagian {part} paragraf {n}: pemerintah kabupaten menggelar rapat koordinasi "
        f"bersama seluruh camat untuk membahas rencana pembangunan jalan desa nomor {n} "
        "dan perbaikan jembatan di wilayah perairan yang rusak sejak banjir tahun lalu.</p>"
        for n in range(1, paragraphs + 1)
    )
    return (
        "<div class='grid'><div class='grid-item content'><div class='body article__body'>"
        f"<div class='body__inner-container'>{text}</div></div></div>"
        "<div class='grid-item aside'><aside><div class='ad'></div></aside></div></div>"
        "<div class='row ad'><div class='ad-slot'></div></div>"
    )


def test_a_story_split_in_containers_of_one_class_is_read_whole() -> None:
    chunks = _story_chunk("satu", 6) + _story_chunk("dua", 3) + _story_chunk("tiga", 3)
    body = page(f"<article><header><h1>Judul berita rapat</h1></header>{chunks}</article>").body
    for part in ("satu", "dua", "tiga"):
        assert f"Bagian {part} paragraf 3" in (body or "")


def test_a_short_box_of_the_storys_class_is_not_a_part_of_it() -> None:
    box = "<div class='body__inner-container'><p>Langganan berita pilihan setiap pagi.</p></div>"
    html = f"<article><h1>Judul berita rapat</h1>{_story_chunk('satu', 6)}</article>{box}"
    assert "Langganan" not in (page(html).body or "")


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


@pytest.mark.parametrize("name", ["Siti Hasan-Basri", "Liam O'Brien", "Awa N’Diaye"])
def test_a_class_word_byline_may_hold_a_hyphenated_or_apostrophe_name(name: str) -> None:
    byline = f"<div class='meta'>Senin, 17 Juli 2023 | <span class='authorname'>{name}</span></div>"
    assert page(f"<h1>Judul berita rapat</h1>{byline}{STORY}").authors == [name]


@pytest.mark.parametrize(
    "card",
    [
        '<meta name="twitter:label1" content="Ditulis oleh">'
        '<meta name="twitter:data1" content="Rina Kartika">'
        '<meta name="twitter:label2" content="Estimasi waktu membaca">'
        '<meta name="twitter:data2" content="3 menit">',
        '<meta name="twitter:misc:Written by" content="Rina Kartika">',
    ],
)
def test_seo_plugin_card_names_the_author_when_the_author_meta_is_an_address(card: str) -> None:
    head = '<meta name="author" content="rina@berita.example.id">' + card
    assert page(f"<h1>Judul berita rapat</h1>{STORY}", head=head).authors == ["Rina Kartika"]


def test_reading_time_card_is_no_author() -> None:
    head = (
        '<meta name="twitter:label1" content="Est. reading time">'
        '<meta name="twitter:data1" content="4 minutes">'
    )
    assert page(f"<h1>Judul berita rapat</h1>{STORY}", head=head).authors == []


def test_a_byline_of_one_element_per_name_gives_each_name() -> None:
    byline = (
        "<div class='article-byline'><span>Siti Aminah</span> <span>Rudi Hartono</span>"
        " <span>Dewi Lestari Putri</span></div>"
    )
    result = page(f"<h1>Judul berita rapat</h1>{byline}{STORY}")
    assert result.authors == ["Siti Aminah", "Rudi Hartono", "Dewi Lestari Putri"]


@pytest.mark.parametrize(
    ("byline", "name"), [("신현주 기자", "신현주"), ("山田太郎記者", "山田太郎")]
)
def test_a_reporters_title_after_the_name_is_not_part_of_it(byline: str, name: str) -> None:
    head = f'<meta name="author" content="{byline}">'
    assert page(f"<h1>Judul berita rapat</h1>{STORY}", head=head).authors == [name]


@pytest.mark.parametrize(
    ("shown", "name"),
    [
        ("Ben Silverman Games Editor", "Ben Silverman"),
        ("Jane Doe Senior Political Correspondent", "Jane Doe"),
        ("Anna Giulia Fink", "Anna Giulia Fink"),
    ],
)
def test_a_job_title_after_the_name_is_not_part_of_it(shown: str, name: str) -> None:
    byline = f"<div class='author'>{shown}</div>"
    assert page(f"<h1>Judul berita rapat</h1>{byline}{STORY}").authors == [name]


def test_a_bold_name_signing_the_story_is_its_author_not_its_text() -> None:
    signed = f"<article><h1>Judul berita rapat</h1>{STORY}"
    signed += "<p style='text-align:right'><strong>Rudi Hartono</strong></p></article>"
    result = page(signed)
    assert result.authors == ["Rudi Hartono"]
    assert "Rudi Hartono" not in (result.body or "") and "dokter masuk desa" in (result.body or "")
    # Not bold, or not a name: story text.
    for ending in ("<p>Rudi Hartono</p>", "<p><strong>Selamat Membaca</strong> Semua</p>"):
        result = page(f"<article><h1>Judul berita rapat</h1>{STORY}{ending}</article>")
        assert result.authors == []


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


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("Veröffentlicht am 13. Mai 2026 um 15:44", datetime(2026, 5, 13, 15, 44, tzinfo=WIB)),
        ("Publié le 29 janvier 2026 à 18:40", datetime(2026, 1, 29, 18, 40, tzinfo=WIB)),
        ("13 de mayo de 2026 a las 10:20", datetime(2026, 5, 13, 10, 20, tzinfo=WIB)),
        ("Pubblicato il 3 maggio 2024 alle 09:05", datetime(2024, 5, 3, 9, 5, tzinfo=WIB)),
        ("Atualizado em 2 de março de 2025 às 07:30", datetime(2025, 3, 2, 7, 30, tzinfo=WIB)),
    ],
)
def test_a_date_line_in_another_language_is_read(line: str, expected: datetime) -> None:
    result = page(f"<h1>Judul berita rapat</h1><div class='date'>{line}</div>{STORY}")
    assert result.published_at == expected


def test_a_teasers_date_inside_its_link_is_not_the_articles() -> None:
    related = "".join(
        f"<li><a href='https://berita.example.id/lain-{day}/'><h3>Berita lain yang juga "
        f"dibaca banyak orang nomor {day}</h3><span class='date'>{day}/07/2023</span></a></li>"
        for day in (12, 11)
    )
    own = "<a href='https://berita.example.id/2023/07/17/rapat/'><span class='date'>"
    own += "17/07/2023 10:15 WIB</span></a>"
    body = f"<h1>Judul berita rapat</h1>{STORY}<ul class='related'>{related}</ul>"
    report = page(body, url="https://berita.example.id/berita/rapat-camat").explain()
    # Only htmldate's guess is left (it reads any date on the page), no shown date line.
    assert all(c["source"] != "visible" for c in report["published_at"]["candidates"])
    assert page(f"<h1>Judul berita rapat</h1>{own}{STORY}<ul>{related}</ul>").published_at == (
        datetime(2023, 7, 17, 10, 15, tzinfo=WIB)
    )


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


# --- tags ----------------------------------------------------------------------


def test_a_visible_tag_list_gives_the_tags_when_nothing_else_does() -> None:
    tag_list = (
        "<div class='articleTags'><a href='/tag/banjir/'>Banjir,</a>"
        "<a href='/tag/sungai-musi/'>Sungai Musi</a></div>"
    )
    # WordPress classes the article "tag-banjir": that is not a tag list.
    body = f"<article class='post tag-banjir'><h1>Judul berita</h1>{STORY}{tag_list}</article>"
    assert page(body).tags == ["Banjir", "Sungai Musi"]


def test_meta_keywords_beat_a_visible_list_named_like_tags() -> None:
    head = '<meta name="keywords" content="banjir, sungai musi">'
    shop = "<div class='taglist'><a href='https://toko.example/'>Beli payung di toko</a></div>"
    assert page(f"<h1>Judul berita</h1>{STORY}{shop}", head=head).tags == ["banjir", "sungai musi"]


def test_navigation_named_like_tags_is_no_tag_list() -> None:
    menu = "<nav><ul class='tags'><a href='/politik/'>Politik</a></ul></nav>"
    assert page(f"{menu}<h1>Judul berita</h1>{STORY}").tags == []
