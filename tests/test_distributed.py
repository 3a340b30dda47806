"""Distributed mode: two `kabar crawl --redis` workers, started together, share the mock
web's article frontier in the real Redis and store into one real PostgreSQL archive.

Needs ``KABAR_TEST_REDIS_URL`` and ``KABAR_TEST_POSTGRES_URL`` (skipped, with the reason
shown, when either is unset; CI sets both).
"""

from __future__ import annotations

import os
import pickle
import re
import subprocess
import sys
import uuid
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urljoin

import pytest
from scrapy import Request
from sqlalchemy import create_engine, text

from crawler.discovery import Candidate
from crawler.distributed import DistributedError, frontier_keys, redis_settings
from crawler.sites import SiteConfig
from crawler.spiders.site import SiteSpider
from kabar.demo import build_web, write_sites_toml
from tests.conftest import PROJECT_ROOT
from tests.test_crawl_e2e import FAST, report

REDIS_ENV = "KABAR_TEST_REDIS_URL"
SITES = ("merahputih", "halobanyuasin", "suarasumsel", "sumselterkini")
"""One mock site per discovery strategy (REST API, feed, listing, sitemap)."""
CRAWLED = re.compile(r"Crawled \((?P<status>\d+)\) <GET (?P<url>\S+)>")
REDIRECTED = re.compile(r"Redirecting \([^)]*\) to <GET (?P<url>\S+)>")


@pytest.fixture
def redis_url() -> str:
    url = os.environ.get(REDIS_ENV)
    if not url:
        pytest.skip(f"{REDIS_ENV} is not set: distributed crawling tests skipped")
    return url


@pytest.fixture
def prefix(redis_url: str) -> Iterator[str]:
    """A key namespace of this test's own; whatever is left in it is deleted after."""
    import redis

    name = f"kabar-test-{uuid.uuid4().hex[:12]}"
    yield name
    client = redis.Redis.from_url(redis_url)
    for key in client.scan_iter(f"{name}:*"):
        client.delete(key)
    client.close()


def show(request: pytest.FixtureRequest, line: str) -> None:
    """Print past pytest's capture, so the figure is in CI's log without ``-s``."""
    capture = request.config.pluginmanager.getplugin("capturemanager")
    if capture is None:
        print(line)
        return
    with capture.global_and_fixture_disabled():
        print(line)


def test_article_request_survives_scrapy_redis_serializer() -> None:
    """What the spider puts in the shared queue (a spider-method callback and a frozen
    Candidate with aware datetimes in cb_kwargs) makes the round trip intact."""
    from scrapy.utils.request import request_from_dict
    from scrapy_redis import picklecompat

    site = SiteConfig(name="contoh", url="https://contoh.example/")
    spider = SiteSpider.for_site(site)()
    hint = Candidate(
        url="https://contoh.example/2024/05/01/berita/",
        title="Berita",
        published_at=datetime(2024, 5, 1, 3, 0, tzinfo=UTC),
        tags=("desa", "banjir"),
        strategy="wp_rest",
    )
    request = Request(
        hint.url,
        callback=spider.parse_article,
        errback=spider.on_error,
        cb_kwargs={"hint": hint},
        meta={"kabar_kind": "article"},
    )
    data = picklecompat.dumps(request.to_dict(spider=spider))
    restored = request_from_dict(picklecompat.loads(data), spider=spider)
    assert restored.callback == spider.parse_article
    assert restored.errback == spider.on_error
    assert restored.cb_kwargs == {"hint": hint}
    assert restored.meta["kabar_kind"] == "article"
    assert pickle.loads(pickle.dumps(hint)) == hint


def test_redis_settings_namespace_the_keys() -> None:
    settings = redis_settings("redis://127.0.0.1:6379/0", prefix="run%1")
    queue, dupefilter, workers = frontier_keys("run%1", "halopos")
    assert settings["SCHEDULER_QUEUE_KEY"] % {"spider": "halopos"} == queue
    assert settings["SCHEDULER_DUPEFILTER_KEY"] % {"spider": "halopos"} == dupefilter
    assert settings["KABAR_REDIS_WORKERS_KEY"] % {"spider": "halopos"} == workers
    assert settings["SCHEDULER_PERSIST"] is True
    with pytest.raises(DistributedError):
        redis_settings("redis://127.0.0.1:6379/0", prefix="two words")


def test_unreachable_redis_is_one_line(tmp_path: Path) -> None:
    from tests.conftest import run_kabar

    result = run_kabar(
        "crawl", "--redis", "redis://127.0.0.1:9/0", "--db", f"sqlite:///{tmp_path / 'k.db'}"
    )
    assert result.returncode == 1
    assert "cannot use Redis at redis://127.0.0.1:9/0" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.slow
def test_two_workers_share_the_frontier(
    request: pytest.FixtureRequest,
    mockweb: dict[str, str],
    postgres_url: str,
    redis_url: str,
    prefix: str,
    tmp_path: Path,
) -> None:
    import redis

    base_urls = {name: mockweb[name] for name in SITES}
    sites = write_sites_toml(base_urls, tmp_path / "sites.toml")
    truth = {urljoin(base_urls[a.site], a.path) for a in build_web().articles() if a.site in SITES}
    command = [
        sys.executable, "-m", "kabar.cli", "crawl", "--sites", str(sites),
        "--db", postgres_url, "--redis", redis_url, "--redis-prefix", prefix,
        "--log-level", "DEBUG", *FAST,
    ]  # fmt: skip
    logs = [(tmp_path / f"worker{i}.out", tmp_path / f"worker{i}.log") for i in (1, 2)]
    workers = []
    try:
        for out, log in logs:  # started together, as cron would on two machines
            with out.open("w") as stdout, log.open("w") as stderr:
                workers.append(
                    subprocess.Popen(command, stdout=stdout, stderr=stderr, cwd=PROJECT_ROOT)
                )
        for worker in workers:
            worker.wait(timeout=90)
    finally:
        for worker in workers:
            if worker.poll() is None:
                worker.kill()
                worker.wait()

    fetched: list[Counter[str]] = []
    discovered: list[set[str]] = []
    strategies: list[dict[str, str]] = []
    for (out, log), worker in zip(logs, workers, strict=True):
        lines, log_text = out.read_text(), log.read_text()
        assert worker.returncode == 0, lines + log_text[-3000:]
        assert set(report(lines)) == set(SITES), lines
        # Scrapy logs every response it hands to the spider (a retried one is not).
        pages = Counter(m["url"] for m in CRAWLED.finditer(log_text) if m["url"] in truth)
        fetched.append(pages)
        # Discovery pages: neither articles nor robots.txt, nor where an article
        # redirected (the mock web moves an article to its homepage).
        redirected = {m["url"] for m in REDIRECTED.finditer(log_text)}
        discovered.append(
            {
                m["url"]
                for m in CRAWLED.finditer(log_text)
                if m["url"] not in truth | redirected and not m["url"].endswith("/robots.txt")
            }
        )
        strategies.append({site: line["strategy"] for site, line in report(lines).items()})
        requests = sum(int(line["requests"]) for line in report(lines).values())
        show(
            request,
            f"worker {len(fetched)}: {sum(pages.values())} article pages "
            f"of {len(truth)}, {requests} requests in all",
        )

    both = fetched[0] + fetched[1]
    assert set(both) == truth  # every article page fetched ...
    assert [key for key, count in both.items() if count > 1] == []  # ... by one worker, once
    # Each site discovered by one worker (a lease), not by both: no homepage, API, feed,
    # sitemap or listing page fetched by the two.
    assert discovered[0] | discovered[1] >= set(base_urls.values())
    assert discovered[0] & discovered[1] == set(), "a site was discovered twice"
    for site in SITES:  # one worker found each site's strategy, the other left it alone
        found = [worker[site] for worker in strategies if worker[site] != "none"]
        assert len(found) == 1, (site, strategies)

    engine = create_engine(postgres_url)
    with engine.connect() as connection:
        rows = connection.execute(
            text("SELECT s.name, a.url FROM articles a JOIN sites s ON s.id = a.site_id")
        ).all()
    engine.dispose()
    stored = Counter(url for _, url in rows)
    assert set(stored) == truth
    assert [key for key, count in stored.items() if count > 1] == []

    # The last worker to close deleted each site's frontier.
    client = redis.Redis.from_url(redis_url)
    assert list(client.scan_iter(f"{prefix}:*")) == []
    client.close()
