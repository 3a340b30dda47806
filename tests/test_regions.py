"""Regions from evidence: names several places share, prefixes, and bodies of any size."""

from __future__ import annotations

import dataclasses

import pytest
from scrapy.crawler import Crawler
from scrapy.utils.test import get_crawler

from benchmarks.regions import big_body, quality, tag
from benchmarks.regions_set import build_cases
from crawler.sites import SiteConfig
from crawler.spiders.site import SiteSpider
from kabar.core.article import Article
from pipelines.regions import RegionsPipeline, default_gazetteer


def crawler_for(region: str | None) -> Crawler:
    site = SiteConfig(name="contoh", url="https://contoh.id/", region=region)
    crawler = get_crawler(SiteSpider.for_site(site))
    crawler.spider = crawler._create_spider()
    return crawler


def tagged(dateline: str | None, body: str, region: str | None, title: str = "Berita") -> list[str]:
    """The regions the configured pipeline gives an article of a site in ``region``."""
    pipeline = RegionsPipeline.from_crawler(crawler_for(region))
    item = Article(url="https://contoh.id/a/", site="contoh", title=title, body=body)
    item = pipeline.process_item(dataclasses.replace(item, location=dateline))
    return item.regions


@pytest.mark.parametrize(
    ("dateline", "body", "region", "expected"),
    [
        # The case: a Sumatera Utara city's name, but the text is in Empat Lawang.
        (
            "Tebing Tinggi",
            "Bupati Empat Lawang meninjau jalan longsor. Warga Kabupaten Empat Lawang lega.",
            "Sumatera Utara",
            ["Kabupaten Empat Lawang", "Sumatera Selatan"],
        ),
        ("Tebing Tinggi", "Pasar rakyat diresmikan.", "Sumatera Utara",
         ["Kota Tebing Tinggi", "Sumatera Utara"]),
        ("Tebing Tinggi", "Harga kopi naik.", "Sumatera Selatan",
         ["Kabupaten Empat Lawang", "Sumatera Selatan"]),
        ("Tebing Tinggi", "Harga kopi naik.", None, []),  # five provinces: no guess
        # "Kota Agung" is a kecamatan's very name, in Tanggamus and in Lahat.
        ("Kota Agung", "Nelayan Teluk Semaka panen ikan.", "Lampung",
         ["Kabupaten Tanggamus", "Lampung"]),
        ("KOTA AGUNG", "Sedekah bumi di lapangan desa.", "Sumatera Selatan",
         ["Kabupaten Lahat", "Sumatera Selatan"]),
        ("Kota Agung", "Bupati Tanggamus membuka pameran.", "Sumatera Selatan",
         ["Kabupaten Tanggamus", "Lampung"]),
        ("Kota Agung", "Sedekah bumi di lapangan desa.", None, []),
        ("Sungai Lilin", "Jalan lintas timur macet.", None,
         ["Kabupaten Musi Banyuasin", "Sumatera Selatan"]),
        ("Muara Enim", "Banjir merendam rumah.", None,
         ["Kabupaten Muara Enim", "Sumatera Selatan"]),
        ("Lahat", "Batu bara diangkut truk.", None, ["Kabupaten Lahat", "Sumatera Selatan"]),
        ("Tanjung Lago", "Dermaga perahu rusak.", None,
         ["Kabupaten Banyuasin", "Sumatera Selatan"]),
        ("Baturaja", "Sungai Ogan meluap.", None,
         ["Kabupaten Ogan Komering Ulu", "Sumatera Selatan"]),
        ("Bandar", "Petani mulai panen raya.", None, []),  # Aceh, Sumut, Jateng, Jatim
        ("Bandar", "Bupati Batang meninjau irigasi.", None, ["Kabupaten Batang", "Jawa Tengah"]),
        ("Bandung", "Hujan deras sejak sore.", "Jawa Barat", ["Jawa Barat"]),  # Kota or Kabupaten
        ("Kota Tebing Tinggi", "Banjir.", "Sumatera Selatan",
         ["Kota Tebing Tinggi", "Sumatera Utara"]),
        # Coal is not the regency Batu Bara (Sumatera Utara) unless prefixed.
        ("Lahat", "Angkutan Batu Bara dilarang lewat jalan umum.", None,
         ["Kabupaten Lahat", "Sumatera Selatan"]),
    ],
)  # fmt: skip
def test_ambiguous_datelines_resolve_on_evidence_or_stay_empty(
    dateline: str, body: str, region: str | None, expected: list[str]
) -> None:
    assert tagged(dateline, body, region) == expected


def test_body_mentions_need_a_prefix_on_the_same_line() -> None:
    regions = default_gazetteer()
    # "Kab." with its full stop is a prefix; a kecamatan named after a full stop and a
    # line break is not ("... di setiap Kecamatan.\n“Luas daerah ...").
    assert regions.regions(dateline=None, title="", body="Pemkab. Lahat dan Kab. Kaur.",
                           region=None) == [
        "Kabupaten Lahat", "Kabupaten Kaur", "Sumatera Selatan", "Bengkulu"
    ]  # fmt: skip
    assert (
        regions.regions(
            dateline=None,
            title="",
            body="di setiap Kecamatan.\n“Luas daerah ini besar",
            region=None,
        )
        == []
    )
    # A name is a whole word: "Lahatan" is not Lahat, "Palembangan" not Palembang.
    assert regions.regions(dateline=None, title="", body="Bupati Lahatan di Palembangan",
                           region=None) == []  # fmt: skip
    # Curly quotes and dashes separate words like spaces.
    assert regions.regions(dateline=None, title="", body="“Palembang”—kata warga", region=None) == [
        "Kota Palembang",
        "Sumatera Selatan",
    ]
    # A kecamatan named in passing counts where the rest of the evidence is.
    assert regions.regions(
        dateline=None,
        title="",
        body="Bupati Tanggamus meninjau Kecamatan Kota Agung dan Kecamatan Tebing Tinggi.",
        region=None,
    ) == ["Kabupaten Tanggamus", "Lampung"]


def test_region_labelled_set_meets_the_acceptance() -> None:
    regions = default_gazetteer()
    cases = build_cases()
    assert len(cases) >= 300
    assert sum(c.group == "named" for c in cases) >= 30
    accuracy, cross, _, wrong = quality(cases, lambda case: tag(regions, case))
    assert cross == 0, wrong
    assert accuracy >= 0.97, wrong


@pytest.mark.timeout(60)  # the quadratic matcher took 217 s on this
def test_ten_megabyte_body_with_forty_thousand_names() -> None:
    regions = default_gazetteer()
    body = big_body(regions)
    assert len(body) == 10_000_000
    mentions = regions.gazetteer.mentions(body)
    # Each distinct (name, prefix, spelling) once, not each of the ~40,000 mentions.
    assert 500 < len(mentions) < 20_000
    tags = regions.regions(dateline="Kota Agung", title="", body=body, region="Lampung")
    assert tags[:1] == ["Kabupaten Tanggamus"]
