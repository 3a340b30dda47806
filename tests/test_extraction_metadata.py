"""Metadata rules that hold across CMSes: keywords as readers see them, authors that are
accounts rather than people, meta tags naming several properties at once. Each case is a
small hand-written page showing the category.
"""

from __future__ import annotations

import json

import pytest

from tests.test_extraction import STORY, page

# --- tags ----------------------------------------------------------------------


def _keywords(*keywords: str) -> str:
    article = {"@type": "NewsArticle", "headline": "Judul berita", "keywords": list(keywords)}
    return f"<script type='application/ld+json'>{json.dumps(article)}</script>"


def test_identifiers_among_the_keywords_are_no_tags() -> None:
    head = _keywords("Banjir", "98be933f-38cf-4fba-b6c6-ad438e82010a", "100312362")
    assert page(f"<h1>Judul berita</h1>{STORY}", head=head).tags == ["Banjir"]


@pytest.mark.parametrize(
    "facets",
    [
        ("Category: News", "Page Type: Article"),
        ("Lite:true", "Tag:Nodejs"),
    ],
)
def test_analytics_facets_written_as_keywords_are_no_tags(facets: tuple[str, ...]) -> None:
    head = _keywords(facets[0], "Banjir", *facets[1:], "Sungai Musi")
    assert page(f"<h1>Judul berita</h1>{STORY}", head=head).tags == ["Banjir", "Sungai Musi"]


def test_titles_with_a_colon_are_tags() -> None:
    titles = ("Star Wars: Andor", "Star Wars: Episode IV - A New Hope", "Rogue One: A Story")
    head = _keywords(titles[0], "Banjir", *titles[1:], "2016")
    tags = page(f"<h1>Judul berita</h1>{STORY}", head=head).tags
    assert tags == [titles[0], "Banjir", *titles[1:], "2016"]


def test_the_site_host_name_is_no_tag_but_its_name_is() -> None:
    head = "<meta property='og:site_name' content='Berita Example'>" + _keywords(
        "Banjir", "berita.example.id", "Berita Example"
    )
    assert page(f"<h1>Judul berita</h1>{STORY}", head=head).tags == ["Banjir", "Berita Example"]


def test_keywords_escaped_twice_are_decoded() -> None:
    head = _keywords("Pajak &amp; Retribusi", "Banjir")
    assert page(f"<h1>Judul berita</h1>{STORY}", head=head).tags == ["Pajak & Retribusi", "Banjir"]


def test_a_comma_joined_article_tag_is_a_list() -> None:
    head = "<meta property='article:tag' content='Banjir,Sungai Musi,Palembang'>"
    tags = page(f"<h1>Judul berita</h1>{STORY}", head=head).tags
    assert tags == ["Banjir", "Sungai Musi", "Palembang"]


def test_several_article_tags_are_one_tag_each_commas_and_all() -> None:
    head = (
        "<meta property='article:tag' content='Mergers, Acquisitions and Divestitures'>"
        "<meta property='article:tag' content='Widodo, Joko'>"
    )
    tags = page(f"<h1>Judul berita</h1>{STORY}", head=head).tags
    assert tags == ["Mergers, Acquisitions and Divestitures", "Widodo, Joko"]


def test_a_comma_inside_one_term_does_not_split_it() -> None:
    head = "<meta property='article:tag' content='Business, Finance, &amp; Economics'>"
    tags = page(f"<h1>Judul berita</h1>{STORY}", head=head).tags
    assert tags == ["Business, Finance, & Economics"]


def test_a_space_joined_keyword_is_the_list_another_source_gives() -> None:
    head = _keywords("Banjir Palembang Musi") + (
        "<meta name='keywords' content='Palembang, Musi, Banjir'>"
    )
    tags = page(f"<h1>Judul berita</h1>{STORY}", head=head).tags
    assert tags == ["Palembang", "Musi", "Banjir"]


@pytest.mark.parametrize(
    ("keywords", "expected"),
    [
        ("深空探测 探月工程 航天技术", ["深空探测", "探月工程", "航天技术"]),
        # Korean writes spaces inside one tag.
        ("국민의힘 지방선거 전략 변화", ["국민의힘 지방선거 전략 변화"]),
    ],
)
def test_chinese_keywords_between_spaces_are_several(keywords: str, expected: list[str]) -> None:
    head = f"<meta name='keywords' content='{keywords}'>"
    assert page(f"<h1>Judul berita</h1>{STORY}", head=head).tags == expected


# --- authors -------------------------------------------------------------------


def _author(author: dict[str, str]) -> str:
    article = {"@type": "NewsArticle", "headline": "Judul berita", "author": author}
    return f"<script type='application/ld+json'>{json.dumps(article)}</script>"


SIGNED = f"<p><strong>Dedi Kurniawan&nbsp;</strong></p>{STORY}"


@pytest.mark.parametrize("key", ["url", "@id"])
def test_a_cms_account_is_no_author(key: str) -> None:
    head = _author({key: "https://berita.example.id/author/admin/", "name": "Berita D"})
    found = page(f"<article><h1>Judul berita rapat koordinasi</h1>{SIGNED}</article>", head=head)
    assert found.authors == ["Dedi Kurniawan"]


def test_a_writer_profile_is_an_author() -> None:
    head = _author({"url": "https://berita.example.id/author/dedi-k/", "name": "Dedi K"})
    assert page(f"<h1>Judul berita</h1>{STORY}", head=head).authors == ["Dedi K"]


def test_a_byline_linking_an_account_is_no_author() -> None:
    byline = (
        "<span class='author vcard'><a href='https://berita.example.id/author/admin/'>"
        "Berita D</a></span>"
    )
    found = page(f"<article><h1>Judul berita rapat koordinasi</h1>{byline}{SIGNED}</article>")
    assert found.authors == ["Dedi Kurniawan"]


def test_a_name_signed_in_bold_before_a_no_break_space_is_credited() -> None:
    found = page(f"<article><h1>Judul berita rapat koordinasi</h1>{SIGNED}</article>")
    assert found.authors == ["Dedi Kurniawan"]
    assert "Dedi Kurniawan" not in (found.body or "")


@pytest.mark.parametrize(
    ("credit", "expected"),
    [
        # The outlet's address: the outlet credits itself, no person.
        ("Berita Example, Palembang, Indonesia", ["Berita Example"]),
        ("Berita Example, Dedi Kurniawan", ["Dedi Kurniawan"]),
    ],
)
def test_after_the_outlet_in_the_author_tag_only_a_full_name_is_a_person(
    credit: str, expected: list[str]
) -> None:
    head = (
        "<meta property='og:site_name' content='Berita Example'>"
        f"<meta name='author' content='{credit}'>"
    )
    assert page(f"<h1>Judul berita</h1>{STORY}", head=head).authors == expected


def test_a_photo_byline_in_a_figure_is_no_author() -> None:
    figure = (
        "<figure><img src='/a.jpg'><figcaption>Jembatan baru."
        "<span class='byline'>Rina Wulandari</span></figcaption></figure>"
    )
    head = "<meta property='og:site_name' content='Berita Example'>"
    found = page(f"<article><h1>Judul berita</h1>{figure}{STORY}</article>", head=head)
    assert found.authors == []


# --- meta tags -----------------------------------------------------------------


def test_a_meta_tag_stating_several_properties_gives_each() -> None:
    head = (
        "<title>Berita Example</title>"
        "<meta property='og:title twitter:title' content='Rapat koordinasi para camat'>"
        "<meta property='dc:creator twitter:creator' content='Dedi Kurniawan'>"
    )
    found = page(STORY, head=head)
    assert found.title == "Rapat koordinasi para camat"
    assert found.authors == ["Dedi Kurniawan"]


def test_writers_signed_in_bold_under_the_standfirst_are_credited() -> None:
    standfirst = "<p><em>…warga mengeluhkan jalan rusak</em></p><p><em>…desa menunggu</em></p>"
    signed = "<p><strong>Dedi Kurniawan/Rina Wulandari</strong></p>"
    found = page(f"<article><h1>Judul berita rapat koordinasi</h1>{standfirst}{signed}{STORY}")
    assert found.authors == ["Dedi Kurniawan", "Rina Wulandari"]
    assert "Rina Wulandari" not in (found.body or "")


def test_a_bold_line_below_the_first_story_paragraph_is_story_text() -> None:
    first, rest = STORY.split("</p>", 1)
    body = f"{first}</p><p><strong>Tanggapan Bupati</strong></p>{rest}"
    found = page(f"<article><h1>Judul berita rapat koordinasi</h1>{body}</article>")
    assert found.authors == []
    assert "Tanggapan Bupati" in (found.body or "")


@pytest.mark.parametrize(
    "field",
    [
        "<ul><li><strong>Datum</strong> 17.07.2023</li>"
        "<li><strong>Autorin/Autor</strong> Dedi Kurniawan</li></ul>",
        "<dl><dt>Penulis</dt><dd>Dedi Kurniawan</dd></dl>",
    ],
)
def test_an_author_field_of_label_and_value_names_the_author(field: str) -> None:
    found = page(f"<article><h1>Judul berita rapat koordinasi</h1>{STORY}</article>{field}")
    assert found.authors == ["Dedi Kurniawan"]
