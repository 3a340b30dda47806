"""Unit tests of the item pipelines, each on a real Scrapy crawler of a site spider."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem
from scrapy.utils.test import get_crawler

from crawler.sites import SiteConfig
from crawler.spiders.site import SiteSpider
from kabar.core.article import Article
from kabar.core.urls import canonical_url
from pipelines.deduplicate import DeduplicatePipeline
from pipelines.fingerprints import body_hash
from pipelines.normalize import NormalizePipeline
from pipelines.store import StorePipeline
from pipelines.validate import ValidatePipeline

SITE = SiteConfig(name="contoh", url="https://contoh.id/", region="Sumatera Selatan")
BODY = "Paragraf pertama yang cukup panjang untuk sebuah berita daerah. " * 5


def make_crawler(settings: dict[str, Any] | None = None) -> Crawler:
    crawler = get_crawler(SiteSpider.for_site(SITE), settings_dict=settings or {})
    crawler.spider = crawler._create_spider()
    return crawler


def article(**fields: Any) -> Article:
    values: dict[str, Any] = {
        "url": "https://contoh.id/2023/07/17/berita-satu-dua-tiga/",
        "site": "contoh",
        "title": "Judul",
        "body": BODY,
    }
    values.update(fields)
    return Article(**values)


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://Contoh.ID/a-b/?utm_source=fb&id=2&fbclid=x#top", "https://contoh.id/a-b/?id=2"),
        ("https://contoh.id/a-b/amp/", "https://contoh.id/a-b/"),
        ("https://contoh.id/a-b/?b=2&a=1", "https://contoh.id/a-b/?a=1&b=2"),
    ],
)
def test_canonical_url(url: str, expected: str) -> None:
    assert canonical_url(url) == expected


def test_normalize_text_and_dates() -> None:
    crawler = make_crawler()
    item = NormalizePipeline.from_crawler(crawler).process_item(
        article(
            title="  Cafe\u0301   di\n Banyuasin &amp; OKI ",
            body="Satu  \u00a0 dua\n\n\n tiga \x07",
            authors=["Deni", "deni", " "],
            published_at=datetime(2023, 7, 17, 9, 30),
            categories=["Pemerintahan"],
        )
    )
    assert item.title == "Café di Banyuasin & OKI"
    assert item.body == "Satu dua\ntiga"
    assert item.authors == ["Deni"]
    assert item.published_at is not None
    assert item.published_at.utcoffset() == timedelta(hours=7)
    assert item.language == "id"
    assert item.topics == []  # topics are the taxonomy's (pipelines.topics), not categories


PRINT_COPY = "https://contoh.id/berita/12345/cetak/"


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        # None given (what the generic page object yields): the fetched URL, canonical.
        (None, PRINT_COPY),
        # The article's own URL on the same site is trusted, tracking cut, www or not.
        (
            "https://contoh.id/2023/07/17/berita-satu-dua-tiga/?utm_source=print",
            "https://contoh.id/2023/07/17/berita-satu-dua-tiga/",
        ),
        (
            "https://www.contoh.id/2023/07/17/berita-satu-dua-tiga/amp/",
            "https://www.contoh.id/2023/07/17/berita-satu-dua-tiga/",
        ),
        # Another site's URL (a syndicated copy pointing home) is not this article's.
        ("https://elsewhere.example/2023/07/17/berita-satu-dua-tiga/", PRINT_COPY),
    ],
)
def test_normalize_trusts_a_canonical_url_on_the_same_site_only(
    given: str | None, expected: str
) -> None:
    """What the pipeline makes of ``Article.canonical_url`` as a page object hands it on
    (a site's page object may read ``<link rel=canonical>``; the generic one does not)."""
    crawler = make_crawler()
    item = NormalizePipeline.from_crawler(crawler).process_item(
        article(url=PRINT_COPY, canonical_url=given)
    )
    assert item.canonical_url == expected


def test_normalize_drops_far_future_dates() -> None:
    crawler = make_crawler()
    now = datetime.now(UTC)
    item = NormalizePipeline.from_crawler(crawler).process_item(
        article(published_at=now + timedelta(days=30), fetched_at=now)
    )
    assert item.published_at is None
    assert crawler.stats is not None
    assert crawler.stats.get_value("kabar/normalized/future_date") == 1


@pytest.mark.parametrize(
    ("fields", "reason"),
    [
        ({"title": None}, "no_title"),
        ({"body": "pendek"}, "short_body"),
        ({"body": None}, "short_body"),
    ],
)
def test_validate_drops_with_counted_reason(fields: dict[str, Any], reason: str) -> None:
    crawler = make_crawler()
    pipeline = ValidatePipeline.from_crawler(crawler)
    item = article(canonical_url="https://contoh.id/x", **fields)
    with pytest.raises(DropItem, match=reason):
        pipeline.process_item(item)
    assert crawler.stats is not None
    assert crawler.stats.get_value(f"kabar/dropped/{reason}") == 1


def test_body_hash_ignores_case_spacing_and_punctuation() -> None:
    assert body_hash("Satu, dua.\nTiga!") == body_hash("satu dua  tiga")
    assert body_hash("satu dua tiga") != body_hash("satu dua empat")
    assert body_hash("  ") is None


def test_deduplicate_drops_only_the_same_url_twice_in_a_run(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'k.db'}"
    crawler = make_crawler({"KABAR_DB_URL": db})
    dedupe = DeduplicatePipeline.from_crawler(crawler)
    first = article(canonical_url="https://contoh.id/a-b-c-d/")
    assert dedupe.process_item(first) is first
    with pytest.raises(DropItem, match="duplicate_url"):
        dedupe.process_item(article(canonical_url="https://contoh.id/a-b-c-d/"))
    # The http and www variants are the same article.
    with pytest.raises(DropItem, match="duplicate_url"):
        dedupe.process_item(article(canonical_url="http://www.contoh.id/a-b-c-d/"))
    # The same body under another URL is a copy: kept, the store links it.
    copy = article(canonical_url="https://contoh.id/lain/", body=BODY.upper())
    assert dedupe.process_item(copy) is copy
    assert crawler.stats is not None
    assert crawler.stats.get_value("kabar/dropped/duplicate_url") == 2


def test_a_later_run_hands_a_stored_url_to_the_store(tmp_path: Path) -> None:
    """Deduplication is per run: an article stored by an earlier run is an update
    candidate for the store, not a duplicate to drop."""
    db = f"sqlite:///{tmp_path / 'k.db'}"
    url = "https://contoh.id/a-b-c-d/"

    def run(item: Article) -> dict[str, Any]:
        """One run's dedupe and store, on a crawler of its own; its stats."""
        crawler = make_crawler({"KABAR_DB_URL": db})
        dedupe = DeduplicatePipeline.from_crawler(crawler)
        store = StorePipeline.from_crawler(crawler)
        store.open_spider()
        store.process_item(dedupe.process_item(item))
        store.close_spider()
        assert crawler.stats is not None
        return dict(crawler.stats.get_stats())

    assert run(article(canonical_url=url))["kabar/articles/new"] == 1
    later = run(article(canonical_url=url, title="Judul yang diperbarui"))
    assert later["kabar/articles/updated"] == 1
    assert "kabar/dropped/duplicate_url" not in later


def test_store_counts_a_database_that_is_unreachable() -> None:
    # Nothing listens on port 9: every connection is refused.
    crawler = make_crawler({"KABAR_DB_URL": "postgresql+psycopg://kabar@127.0.0.1:9/none"})
    store = StorePipeline.from_crawler(crawler)
    store.open_spider()  # logs, does not raise: the crawl goes on
    for n in range(2):
        with pytest.raises(DropItem, match="database_error"):
            store.process_item(article(canonical_url=f"https://contoh.id/a-b-c-{n}/"))
    assert crawler.stats is not None
    assert crawler.stats.get_value("kabar/errors/database") == 2
    assert crawler.stats.get_value("kabar/dropped/database_error") == 2
