"""Work done ahead (:mod:`pipelines.ahead`): what the extraction workers compute for
the pipelines is exactly what the pipelines compute themselves, and is used only for
the very inputs it was computed from."""

from __future__ import annotations

import asyncio
import copy
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from scrapy.crawler import Crawler
from scrapy.utils.test import get_crawler

from crawler.extraction import PagePool, PageResult
from crawler.sites import SiteConfig
from crawler.spiders.site import SiteSpider
from kabar.core.article import Article
from pipelines import near_duplicates
from pipelines.ahead import ahead, topics_key
from pipelines.fingerprints import body_hash
from pipelines.near_duplicates import UNSIGNED
from pipelines.normalize import NormalizePipeline
from pipelines.regions import RegionsPipeline
from pipelines.store import Ready
from pipelines.topics import TopicsPipeline
from tests.test_engine_extraction import CASES, FETCHED, _case
from tests.test_engine_extraction import pool as pool  # the workers (a fixture)

Pipeline = NormalizePipeline | TopicsPipeline | RegionsPipeline


@pytest.fixture(autouse=True)
def nothing_ahead() -> Iterator[None]:
    ahead.clear()
    yield
    ahead.clear()


def _crawler(site: SiteConfig) -> Crawler:
    crawler = get_crawler(SiteSpider.for_site(site))
    crawler.spider = crawler._create_spider()
    return crawler


def _through(crawler: Crawler, item: Article) -> Article:
    pipelines: list[Pipeline] = [
        NormalizePipeline.from_crawler(crawler),
        TopicsPipeline.from_crawler(crawler),
        RegionsPipeline.from_crawler(crawler),
    ]
    for pipeline in pipelines:
        item = pipeline.process_item(item)
    return item


def _item(site: SiteConfig, url: str, page: PageResult) -> Article:
    """The article as the spider makes it of a read page."""
    fields: dict[str, Any] = copy.deepcopy(page.fields)
    fields.pop("url", None)
    return Article(url=url, site=site.name, **fields)


def _read(pool: PagePool, site: SiteConfig, url: str, body: bytes) -> PageResult:
    async def go() -> PageResult:
        return await pool.read(site, url, body, fetched_at=FETCHED, encoding=None)

    return asyncio.run(go())


def test_the_workers_work_is_the_pipelines_own(pool: PagePool) -> None:
    articles = 0
    for name in CASES:
        site, url, body = _case(name)
        page = _read(pool, site, url, body)
        if not page.is_article:
            continue
        articles += 1
        crawler = _crawler(site)
        found = ahead.found
        item = _through(crawler, _item(site, url, page))
        ready = Ready.of(item.body)
        assert ahead.found > found, name  # the worker's values were used ...
        ahead.clear()
        expected = _through(crawler, _item(site, url, page))  # ... and equal these
        assert replace(item, fetched_at=None) == replace(expected, fetched_at=None), name
        assert Ready.of(expected.body) == Ready(None, None, UNSIGNED)  # nothing ahead now
        assert ready.body_hash == body_hash(expected.body), name
        assert ready.prepared == near_duplicates.prepare(expected.body), name
        # Signed whole, as the store signs a body with no boilerplate in it.
        assert ready.signature == near_duplicates.signature(expected.body), name
    assert articles >= 10


def test_a_value_is_used_only_for_its_own_inputs() -> None:
    site = SiteConfig(name="contoh", url="https://contoh.id/", region="Sumatera Selatan")
    crawler = _crawler(site)
    body = "Bupati Banyuasin meninjau banjir di Kecamatan Tanjung Lago. " * 5
    made = NormalizePipeline.from_crawler(crawler).process_item(
        Article(url="https://contoh.id/a/", site="contoh", title="Banjir", body=body)
    )
    topics = TopicsPipeline.from_crawler(crawler)
    # A value the worker gave for these inputs is taken as it is ...
    ahead.add([("topics", topics_key(made), ["(computed ahead)"])])
    assert topics.process_item(copy.deepcopy(made)).topics == ["(computed ahead)"]
    # ... and not for others (a title the listing hint gave after the worker's read).
    ahead.add([("topics", topics_key(made), ["(computed ahead)"])])
    retitled = replace(copy.deepcopy(made), title="Banjir bandang di Banyuasin")
    assert topics.process_item(retitled).topics != ["(computed ahead)"]


def test_without_workers_the_pipelines_compute_everything(tmp_path: Path) -> None:
    site, url, body = _case(CASES[0])
    pool = PagePool(0)  # KABAR_EXTRACTION_PROCESSES=0: read in the crawl process
    page = _read(pool, site, url, body)
    assert page.ahead == ()
    assert len(ahead) == 0
