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
from sqlalchemy import func, insert, inspect, select, text

from archive import models
from archive.db import downgrade, make_engine, make_sessionmaker, session_scope, upgrade
from archive.export import export_jsonl
from archive.repository import Outcome, SiteInfo, ensure_site, find_article, upsert_article
from archive.stories import link_story, revisions_of, story_copies
from archive.stories import site_boilerplate as stories_site_boilerplate
from benchmarks.dedup_set import newsroom_web
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


def test_newsroom_hard_negatives_through_the_store_stay_apart_and_copies_join(
    db_url: str,
) -> None:
    """A newsroom's first crawl (nothing learned yet): its stories from one template and
    one pool of house sentences, a recycled headline, weather and blotter reports filled
    in on three days; another newsroom's heavy edit and syndicated copy join the story
    they copy, and nothing else is merged."""
    reports = newsroom_web()
    base = seed_article()
    items: dict[str, list[Article]] = {report.site: [] for report in reports}
    # per site, in publication order: one crawl per site
    for n, report in enumerate(reports):
        items[report.site].append(
            dataclasses.replace(
                base,
                site=report.site,
                url=f"https://{report.site}.id/berita/{n}/",
                canonical_url=None,
                title=report.title,
                body=report.body,
                published_at=datetime(2023, 7, 1, tzinfo=WIB) + timedelta(days=report.day),
            )
        )
    stored = []
    for name, site_items in items.items():
        stored += run_pipelines(make_crawler(site(name), db_url), site_items)
    assert len(stored) == len(reports)

    engine = make_engine(db_url)
    with session_scope(make_sessionmaker(engine)) as session:
        by_url = {row.url: row for row in session.scalars(select(models.Article))}
        labels = {
            f"https://{report.site}.id/berita/{n}/": report.story
            for n, report in enumerate(reports)
        }
        stories: dict[int, set[str]] = {}
        for url, row in by_url.items():
            assert row.story_id is not None
            stories.setdefault(row.story_id, set()).add(labels[url])
        # Every story holds one label and every label one story: no false merge, no miss.
        assert all(len(found) == 1 for found in stories.values()), stories
        assert len(stories) == len(set(labels.values()))
        # The house sentences were learned as the newsroom's boilerplate.
        learned = session.scalar(
            select(func.count())
            .select_from(models.SiteSentence)
            .where(models.SiteSentence.articles >= near_duplicates.BOILERPLATE_ARTICLES)
        )
        assert learned is not None and learned >= 5
    engine.dispose()


def test_site_boilerplate_is_left_out_of_the_signature(db_url: str) -> None:
    """Sentences a site repeats in two stored articles are its boilerplate; once
    learned, two of its different stories sharing them no longer look alike."""
    engine = make_engine(db_url)
    upgrade(engine)
    house = (
        "Simak berita terkini seputar Banyuasin hanya di portal kami setiap hari. "
        "Pemerintah Kabupaten Banyuasin terus mendorong partisipasi masyarakat dalam "
        "setiap program pembangunan daerah."
    )
    bodies = [f"{OTHER_REPORT}\n{house}", f"{HALO_INTRO}\n{house}"]
    with session_scope(make_sessionmaker(engine)) as session:
        site_id = ensure_site(session, SiteInfo("contoh", "https://contoh.id/"))
        keys = near_duplicates.sentence_keys(house)
        assert len(keys) == 2
        for n, body in enumerate(bodies):
            assert stories_site_boilerplate(session, site_id, keys, min_articles=2) == (
                frozenset(keys) if n == 2 else frozenset()
            )
            item = dataclasses.replace(
                seed_article(), canonical_url=f"https://contoh.id/{n}/", body=body
            )
            article_id, _ = upsert_article(session, site_id, item, body_hash=None)
            link = near_duplicates.link_article(session, site_id, article_id, body)
            assert link is not None and link.matched is None
        assert stories_site_boilerplate(session, site_id, keys, min_articles=2) == frozenset(keys)
        # Another site has learned nothing.
        other = ensure_site(session, SiteInfo("lain", "https://lain.id/"))
        assert stories_site_boilerplate(session, other, keys, min_articles=1) == frozenset()
    plain = near_duplicates.signature(bodies[0])
    without = near_duplicates.signature(bodies[0], boilerplate=frozenset(keys))
    assert plain is not None and without is not None
    assert without.shingle_count < plain.shingle_count
    assert without.sentence_keys == plain.sentence_keys  # every sentence is still counted
    engine.dispose()


def test_event_evidence_decides_between_text_copies() -> None:
    """The same text is not the same story when the day it states, its figures, or its
    publication time (beyond the window) differ."""
    body = (
        "Polres Lahat merilis 14 kasus kriminalitas yang terjadi selama sepekan hingga "
        "Senin (17/7/2023). Kasus terbanyak adalah pencurian sepeda motor dengan 6 laporan. "
        "Kasat Reskrim Polres Lahat, AKP Hendra Gunawan, mengimbau warga segera melapor."
    )
    rule = near_duplicates.RULE
    a = near_duplicates.signature(body)
    assert a is not None
    assert rule.score(a, a, days_apart=0.5) is not None
    assert rule.score(a, a, days_apart=rule.window_days + 1 if rule.window_days else 8) is None
    next_week = near_duplicates.signature(body.replace("17/7/2023", "24/7/2023"))
    assert next_week is not None and rule.score(a, next_week, days_apart=0.5) is None
    other_figures = near_duplicates.signature(body.replace("14 ", "9 ").replace("6 ", "2 "))
    assert other_figures is not None and rule.score(a, other_figures) is None
    # The old rule saw only text and numbers.
    assert near_duplicates.OLD_RULE.score(a, next_week) is not None


def test_a_sites_own_articles_are_one_story_only_when_nearly_whole() -> None:
    """Half the text shared is a copy across sites, but on one site it is the
    newsroom's stock text around two different stories; a repost is nearly whole."""
    rule = near_duplicates.RULE
    assert rule.same_site is not None
    shared = OTHER_REPORT.split("\n")[0]
    a = near_duplicates.signature(f"{shared}\n{HALO_INTRO}")
    b = near_duplicates.signature(
        f"{shared}\nPetugas puskesmas keliling memeriksa kesehatan lansia dan balita di balai "
        "desa, sementara kader posyandu membagikan makanan tambahan kepada ibu hamil. Warga "
        "yang sakit dirujuk ke rumah sakit daerah dengan ambulans desa tanpa biaya."
    )
    repost = near_duplicates.signature(f"{shared}\n{HALO_INTRO}\nFoto: dokumentasi Humas")
    assert a is not None and b is not None and repost is not None
    score = rule.score(a, b)
    assert score is not None and score < rule.same_site
    assert rule.score(a, b, same_site=True) is None
    assert rule.score(a, repost, same_site=True) is not None
