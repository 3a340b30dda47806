"""Stories, copies and revisions, through the configured pipelines into SQLite and PostgreSQL."""

from __future__ import annotations

import dataclasses
import io
import json
import threading
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem
from scrapy.utils.misc import load_object
from scrapy.utils.test import get_crawler
from sqlalchemy import insert, inspect, select, text

from archive import models
from archive.db import downgrade, make_engine, make_sessionmaker, session_scope, upgrade
from archive.export import export_jsonl
from archive.repository import Outcome, SiteInfo, ensure_site, find_article, upsert_article
from archive.stories import link_story, revisions_of, story_copies
from crawler import settings as project_settings
from crawler.pages.article import ArticlePage
from crawler.sites import SiteConfig
from crawler.spiders.site import SiteSpider
from kabar.core.article import Article
from kabar.core.urls import url_key
from pipelines import near_duplicates

WIB = timezone(timedelta(hours=7))
SEED = Path(__file__).parent / "fixtures" / "pages" / "seed-merahputih"
FETCHED = datetime(2023, 7, 20, 5, 0, tzinfo=UTC)

HALO_INTRO = (
    "Bupati Banyuasin H Askolani SH MH menghadiri Rapat Koordinasi (Rakor) bersama "
    "Forkopimcam Tanjung Lago sekaligus meluncurkan UKM Desa dan program Dokter Masuk Desa "
    "(DMD) di Desa Tanjung Lago, Kecamatan Tanjung Lago, Senin (17/7/2023)."
)
OTHER_REPORT = (
    "Warga Desa Tanjung Lago memadati balai desa saat Bupati Banyuasin datang, Senin "
    "(17/7/2023). Sejumlah kepala desa mengeluhkan jalan poros yang rusak dan jaringan "
    "listrik yang belum menjangkau dusun di tepian sungai.\n"
    "Camat Tanjung Lago mencatat 14 usulan warga, sebagian besar soal perbaikan jalan, "
    "dermaga perahu dan air bersih. Menurut dia, usulan itu akan dibawa ke musyawarah "
    "perencanaan pembangunan kabupaten bulan depan.\n"
    "Seorang bidan desa berharap program dokter masuk desa benar-benar rutin, bukan hanya "
    "saat peluncuran, karena warga di dusun terjauh harus menempuh dua jam perjalanan ke "
    "puskesmas terdekat."
)


def seed_article() -> Article:
    """The seed press release as kabar extracts it from the recorded page."""
    page = ArticlePage(
        (SEED / "url.txt").read_text(encoding="utf-8").strip(),
        (SEED / "page.html").read_bytes(),
        fetched_at=FETCHED,
    )
    fields: dict[str, Any] = page.to_fields()
    return Article(site="merahputih", **fields)


def site(name: str) -> SiteConfig:
    return SiteConfig(name=name, url=f"https://{name}.id/", region="Sumatera Selatan")


def make_crawler(site_config: SiteConfig, db_url: str) -> Crawler:
    crawler = get_crawler(SiteSpider.for_site(site_config), settings_dict={"KABAR_DB_URL": db_url})
    crawler.spider = crawler._create_spider()
    return crawler


def run_pipelines(crawler: Crawler, items: list[Article]) -> list[Article]:
    """The items through kabar's ``ITEM_PIPELINES``, in their configured order."""
    order: dict[str, int] = project_settings.ITEM_PIPELINES
    pipelines = [
        load_object(path).from_crawler(crawler)
        for path, _ in sorted(order.items(), key=lambda kv: kv[1])
    ]
    for pipeline in pipelines:
        if hasattr(pipeline, "open_spider"):
            pipeline.open_spider()
    kept = []
    for item in items:
        try:
            for pipeline in pipelines:
                item = pipeline.process_item(item)
        except DropItem:
            continue
        kept.append(item)
    for pipeline in pipelines:  # as Scrapy does when the spider closes: the store commits
        if hasattr(pipeline, "close_spider"):
            pipeline.close_spider()
    return kept


def copy_on(name: str, base: Article, **changes: Any) -> Article:
    changes.setdefault("url", f"https://{name}.id/2023/07/17/rakor-tanjung-lago/")
    return dataclasses.replace(base, site=name, canonical_url=None, **changes)


def test_seed_press_release_on_three_sites_is_one_story_of_three_copies(db_url: str) -> None:
    seed = seed_article()
    assert seed.body is not None
    paragraphs = seed.body.split("\n")
    halo = copy_on(
        "halobanyuasin",
        seed,
        body="\n".join([HALO_INTRO, *paragraphs[1:], "(Rilis/Diskominfo Banyuasin)"]),
        published_at=datetime(2023, 7, 17, 12, 5, tzinfo=WIB),
        authors=["Admin"],
    )
    suara = copy_on(
        "suarasumsel",
        seed,
        # Paragraphs reordered, the last one trimmed, boilerplate added.
        body="\n".join(
            [
                *paragraphs[:2],
                paragraphs[3],
                paragraphs[2],
                *paragraphs[4:-1],
                "Baca juga: Harga Cabai Merah di Pasar Pangkalan Balai Turun",
                "Ikuti berita terkini Suara Sumsel di Google News.",
            ]
        ),
        published_at=datetime(2023, 7, 17, 10, 0, tzinfo=WIB),
    )
    other = copy_on(
        "suarasumsel",
        seed,
        url="https://suarasumsel.id/2023/07/17/warga-tanjung-lago-sampaikan-keluhan/",
        title="Warga Tanjung Lago Sampaikan Keluhan Jalan dan Listrik kepada Bupati",
        body=OTHER_REPORT,
        published_at=datetime(2023, 7, 17, 15, 0, tzinfo=WIB),
    )
    # The copies are crawled before the original: the original is elected by date.
    stored = run_pipelines(make_crawler(site("halobanyuasin"), db_url), [halo])
    stored += run_pipelines(make_crawler(site("suarasumsel"), db_url), [suara, other])
    stored += run_pipelines(make_crawler(site("merahputih"), db_url), [seed])
    assert len(stored) == 4

    engine = make_engine(db_url)
    with session_scope(make_sessionmaker(engine)) as session:
        rows = {
            row.site.name + ("/other" if "warga" in row.url else ""): row
            for row in session.scalars(select(models.Article)).all()
        }
        original = rows["merahputih"]
        copies = [rows["halobanyuasin"], rows["suarasumsel"], original]
        assert {row.story_id for row in copies} == {rows["halobanyuasin"].id}
        assert original.duplicate_of is None
        assert [row.duplicate_of for row in copies[:2]] == [original.id, original.id]
        # A different report of the same event is its own story.
        assert rows["suarasumsel/other"].story_id == rows["suarasumsel/other"].id
        assert rows["suarasumsel/other"].duplicate_of is None
        assert [row.site.name for row in story_copies(session, copies[0].id)] == [
            "merahputih",
            "suarasumsel",
            "halobanyuasin",
        ]
        out = io.StringIO()
        export_jsonl(session, out)
    records = [json.loads(line) for line in out.getvalue().splitlines()]
    assert {r["id"]: (r["story_id"], r["duplicate_of"]) for r in records} == {
        row.id: (row.story_id, row.duplicate_of) for row in rows.values()
    }
    engine.dispose()


def test_edited_article_keeps_exactly_one_revision(db_url: str) -> None:
    seed = seed_article()
    assert seed.body is not None
    crawler_site = site("merahputih")
    run_pipelines(make_crawler(crawler_site, db_url), [seed])
    # Re-crawled unchanged the next day: nothing written.
    later = FETCHED + timedelta(days=1)
    run_pipelines(make_crawler(crawler_site, db_url), [dataclasses.replace(seed, fetched_at=later)])
    edited_body = seed.body.replace("837.062 jiwa", "837.602 jiwa")
    edited = dataclasses.replace(seed, body=edited_body, fetched_at=later + timedelta(hours=1))
    crawler = make_crawler(crawler_site, db_url)
    run_pipelines(crawler, [edited])
    assert crawler.stats is not None
    assert crawler.stats.get_value("kabar/articles/updated") == 1
    # ... and again, unchanged: still one revision.
    again = dataclasses.replace(edited, fetched_at=later + timedelta(days=1))
    crawler = make_crawler(crawler_site, db_url)
    run_pipelines(crawler, [again])
    assert crawler.stats is not None
    assert crawler.stats.get_value("kabar/articles/unchanged") == 1

    engine = make_engine(db_url)
    with session_scope(make_sessionmaker(engine)) as session:
        row = find_article(session, seed.url)
        assert row is not None
        revisions = revisions_of(session, row.id)
        assert len(revisions) == 1
        assert revisions[0].changed_fields == ["body"]
        assert revisions[0].body == seed.body
        assert revisions[0].title == seed.title
        assert revisions[0].recorded_at == edited.fetched_at
        assert row.body == edited_body
        # The page gives no modified date: the fetch that saw the change is it.
        assert row.modified_at == edited.fetched_at
        # The edit stays in its story; the index follows the new body.
        assert row.story_id == row.id
        signature = session.get(models.ArticleSignature, row.id)
        assert signature is not None
        expected = near_duplicates.signature(edited_body)
        assert expected is not None
        assert signature.minhash == expected.minhash
    engine.dispose()


def test_page_modified_date_is_kept_when_later(db_url: str) -> None:
    engine = make_engine(db_url)
    upgrade(engine)
    factory = make_sessionmaker(engine)
    seed = dataclasses.replace(
        seed_article(), canonical_url="https://merahputihnews.co.id/2023/07/17/rakor/"
    )
    modified = datetime(2023, 7, 18, 8, 0, tzinfo=WIB)
    with session_scope(factory) as session:
        site_id = ensure_site(session, SiteInfo("merahputih", "https://merahputihnews.co.id/"))
        article_id, _ = upsert_article(session, site_id, seed, body_hash=None)
        retitled = dataclasses.replace(seed, title="Rakor (ralat)", modified_at=modified)
        assert upsert_article(session, site_id, retitled, body_hash=None)[1] is Outcome.UPDATED
        row = session.get(models.Article, article_id)
        assert row is not None
        assert row.modified_at == modified
        assert [r.changed_fields for r in revisions_of(session, article_id)] == [["title"]]
    engine.dispose()


def test_http_https_and_www_variants_are_one_article(db_url: str) -> None:
    assert url_key("https://www.Contoh.id/a/?x=1") == "contoh.id/a/?x=1"
    assert url_key("http://contoh.id/a/?x=1") == "contoh.id/a/?x=1"
    engine = make_engine(db_url)
    upgrade(engine)
    seed = dataclasses.replace(seed_article(), canonical_url="https://contoh.id/a/")
    with session_scope(make_sessionmaker(engine)) as session:
        site_id = ensure_site(session, SiteInfo("contoh", "https://contoh.id/"))
        first, outcome = upsert_article(session, site_id, seed, body_hash=None)
        assert outcome is Outcome.NEW
        variant = dataclasses.replace(seed, canonical_url="http://www.contoh.id/a/")
        assert upsert_article(session, site_id, variant, body_hash=None) == (
            first,
            Outcome.UNCHANGED,
        )
        row = session.get(models.Article, first)
        assert row is not None
        assert row.canonical_url == "https://contoh.id/a/"  # the real URL is not rewritten
    engine.dispose()


def test_link_story_is_idempotent_and_ignores_unrelated_text(db_url: str) -> None:
    engine = make_engine(db_url)
    upgrade(engine)
    seed = seed_article()
    with session_scope(make_sessionmaker(engine)) as session:
        site_id = ensure_site(session, SiteInfo("contoh", "https://contoh.id/"))
        ids = []
        for n, body in enumerate([seed.body, OTHER_REPORT]):
            item = dataclasses.replace(seed, canonical_url=f"https://contoh.id/{n}/", body=body)
            article_id, _ = upsert_article(session, site_id, item, body_hash=None)
            signature = near_duplicates.signature(body)
            assert signature is not None
            link = link_story(session, article_id, signature, rule=near_duplicates.RULE)
            assert link == link_story(session, article_id, signature, rule=near_duplicates.RULE)
            assert link.matched is None
            ids.append(article_id)
        bands = session.scalars(
            select(models.ArticleBand.band_key).where(models.ArticleBand.article_id == ids[0])
        ).all()
        assert len(bands) == near_duplicates.BANDS
    engine.dispose()


def test_migration_0003_backfills_keys_and_goes_down(db_url: str) -> None:
    engine = make_engine(db_url)
    upgrade(engine, "0001")
    now = datetime.now(UTC)
    with engine.begin() as connection:
        connection.execute(
            insert(models.Site).values(
                id=1, name="contoh", url="https://contoh.id/", timezone="UTC", created_at=now
            )
        )
        for n, url in enumerate(["https://contoh.id/a/", "http://www.contoh.id/a/"], start=1):
            connection.execute(
                text(
                    "INSERT INTO articles (id, site_id, url, canonical_url, authors, "
                    "first_seen_at, updated_at) VALUES (:id, 1, :url, :url, '[]', :now, :now)"
                ),
                {"id": n, "url": url, "now": now.replace(tzinfo=None)},
            )
    upgrade(engine)
    with engine.connect() as connection:
        rows = connection.execute(
            text("SELECT id, url_key, story_id FROM articles ORDER BY id")
        ).all()
    # Both variants were stored before: they stay two rows, each its own story.
    assert [tuple(r) for r in rows] == [(1, "contoh.id/a/", 1), (2, "http://www.contoh.id/a/", 2)]
    assert {"revisions", "article_signatures", "article_bands"} <= set(
        inspect(engine).get_table_names()
    )
    downgrade(engine, "0001")
    inspector = inspect(engine)
    assert "revisions" not in inspector.get_table_names()
    assert "url_key" not in {c["name"] for c in inspector.get_columns("articles")}
    upgrade(engine)
    engine.dispose()


@pytest.mark.parametrize("body", ["", "   "])
def test_empty_body_has_no_signature(body: str) -> None:
    assert near_duplicates.signature(body) is None


def test_concurrent_copies_on_postgresql_join_one_story(postgres_url: str) -> None:
    """Two crawl processes storing copies of one story at the same instant: the second
    waits for the first's story link to commit, then joins its story."""
    engine = make_engine(postgres_url)
    upgrade(engine)
    factory = make_sessionmaker(engine)
    # No shared tags or topics: nothing but the story lock orders the two transactions.
    seed = dataclasses.replace(seed_article(), tags=[], categories=[], topics=[], regions=[])
    signature = near_duplicates.signature(seed.body)
    assert signature is not None
    with session_scope(factory) as session:
        site_id = ensure_site(session, SiteInfo("contoh", "https://contoh.id/"))
    first = factory()
    first_id, _ = upsert_article(
        first,
        site_id,
        dataclasses.replace(seed, canonical_url="https://contoh.id/a/"),
        body_hash=None,
    )
    link_story(first, first_id, signature, rule=near_duplicates.RULE)  # holds the lock
    joined: list[int | None] = []

    def second_process() -> None:
        with session_scope(factory) as session:
            item = dataclasses.replace(seed, canonical_url="https://contoh.id/b/")
            article_id, _ = upsert_article(session, site_id, item, body_hash=None)
            joined.append(
                link_story(session, article_id, signature, rule=near_duplicates.RULE).matched
            )

    thread = threading.Thread(target=second_process)
    thread.start()
    thread.join(0.5)
    assert thread.is_alive()  # waiting for the first transaction's lock
    first.commit()
    first.close()
    thread.join(10)
    assert joined == [first_id]
    engine.dispose()
