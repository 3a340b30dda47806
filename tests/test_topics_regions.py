"""Topics from the shipped taxonomy, regions from the Kemendagri gazetteer, and their feeds."""

from __future__ import annotations

import dataclasses
from datetime import datetime, timedelta, timezone

import pytest
from scrapy.crawler import Crawler
from scrapy.utils.test import get_crawler

from archive.db import make_engine, make_sessionmaker, session_scope, upgrade
from archive.repository import SiteInfo, ensure_site, upsert_article
from archive.stories import link_story
from benchmarks.dedup import quality
from benchmarks.dedup_set import build_pairs
from crawler.sites import SiteConfig
from crawler.spiders.site import SiteSpider
from feeds.collect import collect_feeds
from kabar.core.article import Article
from kabar.core.taxonomy import default_taxonomy, name_key
from pipelines import near_duplicates
from pipelines.regions import RegionsPipeline, default_gazetteer
from pipelines.topics import TopicsPipeline
from tests.test_stories import seed_article

WIB = timezone(timedelta(hours=7))


def make_crawler(region: str | None = "Sumatera Selatan") -> Crawler:
    site = SiteConfig(name="contoh", url="https://contoh.id/", region=region)
    crawler = get_crawler(SiteSpider.for_site(site))
    crawler.spider = crawler._create_spider()
    return crawler


def test_seed_article_topics_and_regions() -> None:
    crawler = make_crawler()
    item = seed_article()
    item = TopicsPipeline.from_crawler(crawler).process_item(item)
    item = RegionsPipeline.from_crawler(crawler).process_item(item)
    assert item.topics == ["Pemerintahan"]
    assert item.regions == ["Kabupaten Banyuasin", "Sumatera Selatan"]


@pytest.mark.parametrize(
    ("labels", "expected"),
    [
        (["Government"], ["Pemerintahan"]),
        (["PEMKAB"], ["Pemerintahan"]),
        (["Hukum dan Kriminal"], ["Hukum & Kriminal"]),
        (["hukrim"], ["Hukum & Kriminal"]),
        (["Sport"], ["Olahraga"]),
        (["Sosial & Budaya"], ["Sosial & Budaya"]),
        (["Banyuasin"], []),  # a place is a region, not a topic
    ],
)
def test_site_labels_map_to_topics_in_any_language(labels: list[str], expected: list[str]) -> None:
    assert default_taxonomy().assign(title="", body="", labels=labels) == expected


def test_keyword_topics_weigh_the_title_and_ignore_passing_mentions() -> None:
    taxonomy = default_taxonomy()
    title = "Polsek Betung Amankan Dua Pelaku Pencurian Sepeda Motor"
    body = (
        "Unit Reskrim Polsek Betung mengamankan dua pria yang diduga kerap mencuri. "
        "Kedua pelaku dijerat Pasal 363 KUHP. Polisi mengimbau warga menjaga sekolah."
    )
    assert taxonomy.assign(title=title, body=body, labels=[]) == ["Hukum & Kriminal"]
    flood = "Banjir Rendam 120 Rumah, BPBD Evakuasi Warga"
    assert taxonomy.assign(title=flood, body="Warga mengungsi ke masjid.", labels=[]) == ["Bencana"]
    assert name_key(" Hukum &  Kriminal ") == name_key("HUKUM DAN KRIMINAL") == "hukum dan kriminal"


def test_regions_from_dateline_title_and_body() -> None:
    gazetteer = default_gazetteer()
    # 38 provinces and 514 regencies/cities (Kepmendagri 2025).
    assert len(set(gazetteer.provinces.values())) == 38
    assert len(gazetteer.regencies) == 514
    # A kecamatan dateline resolves to its regency with the site's region.
    assert gazetteer.regions(dateline="Betung", title="x", body="y", region="Sumatera Selatan") == [
        "Kabupaten Banyuasin",
        "Sumatera Selatan",
    ]
    # Prefixed and bare names, longest first ("Musi Banyuasin" is not "Banyuasin").
    regions = gazetteer.regions(
        dateline="Palembang",
        title="Festival Pempek di Benteng Kuto Besak",
        body="Wali Kota Palembang dan Bupati Lahat hadir bersama tamu dari Musi Banyuasin "
        "dan Jabar.",
        region=None,
    )
    assert regions == [
        "Kota Palembang",
        "Kabupaten Lahat",
        "Kabupaten Musi Banyuasin",
        "Sumatera Selatan",
        "Jawa Barat",
    ]
    # "Kota Bogor" and "Kabupaten Bogor" both exist: the prefix decides, a bare name not.
    assert gazetteer.regions(dateline=None, title="Pemkot Bogor", body="", region=None) == [
        "Kota Bogor",
        "Jawa Barat",
    ]
    assert gazetteer.regions(dateline=None, title="Hujan di Bogor", body="", region=None) == []
    # A common word is not a place unless prefixed.
    assert gazetteer.regions(dateline=None, title="Batu bata", body="", region=None) == []


def test_labelled_set_meets_the_acceptance() -> None:
    pairs = build_pairs()
    assert len(pairs) >= 300
    assert sum(p.duplicate for p in pairs) >= 150
    precision, recall, _ = quality(pairs, near_duplicates.RULE)
    assert precision >= 0.995
    assert recall >= 0.95


def test_region_and_topic_feeds_show_each_story_once(db_url: str) -> None:
    engine = make_engine(db_url)
    upgrade(engine)
    seed = dataclasses.replace(
        seed_article(),
        topics=["Pemerintahan", "Banyuasin"],  # "Banyuasin": a label stored before topics
        regions=["Kabupaten Banyuasin", "Sumatera Selatan"],
        canonical_url="https://merahputihnews.co.id/rakor/",
    )
    copy = dataclasses.replace(
        seed,
        canonical_url="https://halobanyuasin.com/rakor/",
        published_at=datetime(2023, 7, 17, 12, 0, tzinfo=WIB),
    )
    signature = near_duplicates.signature(seed.body)
    assert signature is not None
    with session_scope(make_sessionmaker(engine)) as session:
        site_id = ensure_site(session, SiteInfo("merahputih", "https://merahputihnews.co.id/"))
        for item in (seed, copy):
            article_id, _ = upsert_article(session, site_id, item, body_hash=None)
            link_story(session, article_id, signature, rule=near_duplicates.RULE)
        feeds = {info.slug: (info, entries) for info, entries in collect_feeds(session)}
    assert {"region-kabupaten-banyuasin", "region-sumatera-selatan"} <= set(feeds)
    assert feeds["region-kabupaten-banyuasin"][0].group == "region"
    assert "topic-banyuasin" not in feeds
    for slug in ("all", "topic-pemerintahan", "region-kabupaten-banyuasin"):
        assert [e.id for e in feeds[slug][1]] == ["https://merahputihnews.co.id/rakor/"], slug
    assert len(feeds["site-merahputih"][1]) == 2  # the site's own feed keeps both
    engine.dispose()


def test_article_has_regions_field() -> None:
    assert Article(url="u", site="s").regions == []
