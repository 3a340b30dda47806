"""The politeness middleware (robots.txt Crawl-delay, Retry-After on 429/503, backoff
after 5xx, each per host) in a real Scrapy crawl of local aiohttp sites.

The crawl runs in a child process (``tests/politeness_crawl.py``) on a virtual clock
that moves only when the middleware sleeps, so the asserts are on exact waits, request
counts and the middleware's stats, never on how long anything took.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field
from email.utils import formatdate
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web

from crawler.middlewares.politeness import backoff_seconds, retry_after_seconds
from tests.conftest import PROJECT_ROOT, serve_app
from tests.politeness_crawl import EPOCH

Answer = tuple[int, dict[str, str]]


@dataclass
class Host:
    """One site on its own port: its robots.txt, and answers to give before a 200."""

    robots: str | None = None
    faults: dict[str, list[Answer]] = field(default_factory=dict)
    hits: Counter[str] = field(default_factory=Counter)
    base: str = ""

    def app(self) -> web.Application:
        async def answer(request: web.Request) -> web.Response:
            path = request.path
            self.hits[path] += 1
            if path == "/robots.txt":
                if self.robots is None:
                    return web.Response(status=404)
                return web.Response(text=self.robots)
            queued = self.faults.get(path)
            if queued:
                status, headers = queued.pop(0)
                return web.Response(status=status, headers=headers, text="not now")
            return web.Response(text=f"<html><body>{path}</body></html>", content_type="text/html")

        app = web.Application()
        app.router.add_get("/{tail:.*}", answer)
        return app

    @property
    def netloc(self) -> str:
        return self.base.split("/")[2]


@pytest.fixture
def hosts() -> Iterator[dict[str, Host]]:
    """Three sites, each on its own port (a host of its own for the middleware)."""
    sites = {
        "slow": Host(robots="User-agent: *\nCrawl-delay: 5\n"),
        "busy": Host(),
        "broken": Host(robots="User-agent: *\nDisallow:\n"),
    }
    with ExitStack() as stack:
        for host in sites.values():
            port = stack.enter_context(serve_app(host.app()))
            host.base = f"http://127.0.0.1:{port}"
        yield sites


def crawl(urls: list[str], tmp_path: Path, **settings: Any) -> dict[str, Any]:
    """Run the recording crawl over ``urls`` (in this order) and return what it saw."""
    out = tmp_path / "result.json"
    config = tmp_path / "config.json"
    config.write_text(
        json.dumps({"urls": urls, "settings": settings, "out": str(out)}), encoding="utf-8"
    )
    process = subprocess.run(
        [sys.executable, "-m", "tests.politeness_crawl", str(config)],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert process.returncode == 0, process.stderr
    result: dict[str, Any] = json.loads(out.read_text(encoding="utf-8"))
    return result


def visits_to(result: dict[str, Any], host: Host, path: str | None = None) -> list[dict[str, Any]]:
    return [
        v
        for v in result["visits"]
        if v["host"] == host.netloc and (path is None or v["url"] == host.base + path)
    ]


def held(visit: dict[str, Any]) -> float:
    """Virtual seconds the middleware kept this attempt back."""
    return float(visit["departed"] - visit["arrived"])


def test_crawl_delay_spaces_its_own_host_only(hosts: dict[str, Host], tmp_path: Path) -> None:
    slow, busy = hosts["slow"], hosts["busy"]
    urls = [u for n in range(1, 4) for u in (f"{slow.base}/p{n}", f"{busy.base}/p{n}")]
    result = crawl(urls, tmp_path)
    assert result["crawl_delay"] == {slow.netloc: 5.0}
    # robots.txt, then each page exactly Crawl-delay after the one before.
    departures = [v["departed"] for v in visits_to(result, slow)]
    assert len(departures) == 4
    assert [b - a for a, b in pairwise(departures)] == [5.0, 5.0, 5.0]
    # The other host, visited in between, never waits.
    assert [held(v) for v in visits_to(result, busy)] == [0.0] * 4
    assert result["sleeps"] == [5.0, 5.0, 5.0]
    assert result["stats"]["kabar/politeness/waits"] == 3
    assert slow.hits == {"/robots.txt": 1, "/p1": 1, "/p2": 1, "/p3": 1}


def test_crawl_delay_is_capped(hosts: dict[str, Host], tmp_path: Path) -> None:
    slow = hosts["slow"]
    slow.robots = "User-agent: *\nCrawl-delay: 3600\n"
    result = crawl([f"{slow.base}/p1", f"{slow.base}/p2"], tmp_path, KABAR_MAX_CRAWL_DELAY_S=7)
    assert result["crawl_delay"] == {slow.netloc: 7.0}
    assert result["sleeps"] == [7.0, 7.0]


def test_retry_after_429_waits_the_seconds_asked_on_that_host(
    hosts: dict[str, Host], tmp_path: Path
) -> None:
    busy, slow = hosts["busy"], hosts["slow"]
    slow.robots = None
    busy.faults["/limited"] = [(429, {"Retry-After": "7"})]
    result = crawl([f"{busy.base}/limited", f"{slow.base}/p1", f"{busy.base}/p2"], tmp_path)
    first, retry = visits_to(result, busy, "/limited")
    assert (first["status"], retry["status"]) == (429, 200)
    assert retry["departed"] - first["departed"] == 7.0
    assert held(retry) == 7.0
    # The other host's request, which came next, was not held by busy's Retry-After.
    [other] = visits_to(result, slow, "/p1")
    assert held(other) == 0.0
    assert result["stats"]["kabar/politeness/retry_after_429"] == 1
    assert "retry/count" not in result["stats"]  # our retry, not RetryMiddleware's
    assert busy.hits["/limited"] == 2


def test_retry_after_503_as_an_http_date_waits_until_that_instant(
    hosts: dict[str, Host], tmp_path: Path
) -> None:
    busy = hosts["busy"]
    until = EPOCH + 100  # the virtual clock's wall time starts at EPOCH
    busy.faults["/down"] = [(503, {"Retry-After": formatdate(until, usegmt=True)})]
    result = crawl([f"{busy.base}/p1", f"{busy.base}/down"], tmp_path)
    first, retry = visits_to(result, busy, "/down")
    assert (first["status"], retry["status"]) == (503, 200)
    assert retry["departed"] == 100.0
    assert result["stats"]["kabar/politeness/retry_after_503"] == 1
    assert result["not_before"] == {busy.netloc: 100.0}


def test_retry_after_gives_up_after_its_times(hosts: dict[str, Host], tmp_path: Path) -> None:
    busy = hosts["busy"]
    busy.faults["/never"] = [(429, {"Retry-After": "2"})] * 10
    result = crawl([f"{busy.base}/never"], tmp_path, KABAR_RETRY_AFTER_TIMES=2, RETRY_TIMES=0)
    attempts = visits_to(result, busy, "/never")
    assert [v["status"] for v in attempts] == [429, 429, 429]  # the request and 2 retries
    assert [held(v) for v in attempts] == [0.0, 2.0, 2.0]
    assert result["stats"]["kabar/politeness/retry_after_429"] == 2
    assert result["stats"]["kabar/politeness/retry_after_gave_up"] == 1
    assert busy.hits["/never"] == 3


def test_5xx_backs_off_exponentially_on_that_host(hosts: dict[str, Host], tmp_path: Path) -> None:
    broken, busy = hosts["broken"], hosts["busy"]
    broken.faults["/flaky"] = [(500, {}), (502, {}), (500, {})]
    result = crawl(
        [f"{broken.base}/flaky", f"{busy.base}/p1"],
        tmp_path,
        RETRY_TIMES=3,
        KABAR_BACKOFF_BASE_S=1.5,
    )
    attempts = visits_to(result, broken, "/flaky")
    assert [v["status"] for v in attempts] == [500, 502, 500, 200]
    # RetryMiddleware retries; the middleware rests the host 1.5, 3, 6 s before each.
    assert [held(v) for v in attempts] == [0.0, 1.5, 3.0, 6.0]
    assert result["stats"]["kabar/politeness/backoff"] == 3
    assert result["stats"]["retry/count"] == 3
    [other] = visits_to(result, busy, "/p1")
    assert held(other) == 0.0
    assert broken.hits["/flaky"] == 4


def test_disabled_middleware_leaves_hosts_alone(hosts: dict[str, Host], tmp_path: Path) -> None:
    slow = hosts["slow"]
    result = crawl(
        [f"{slow.base}/p1", f"{slow.base}/p2"],
        tmp_path,
        KABAR_POLITENESS_ENABLED=False,
    )
    assert not result["enabled"]
    assert result["sleeps"] == [] and result["crawl_delay"] == {}
    assert [held(v) for v in visits_to(result, slow)] == [0.0, 0.0, 0.0]


def test_retry_after_forms() -> None:
    assert retry_after_seconds("120") == 120.0
    assert retry_after_seconds(None) is None
    assert retry_after_seconds("soon") is None
    now = 1_700_000_000.0
    assert retry_after_seconds(formatdate(now + 30, usegmt=True), now=now) == 30.0
    assert retry_after_seconds(formatdate(now - 30, usegmt=True), now=now) == 0.0


def test_backoff_doubles_and_caps() -> None:
    assert [backoff_seconds(n, 1.0, 5.0) for n in (1, 2, 3, 4, 5)] == [1.0, 2.0, 4.0, 5.0, 5.0]


@pytest.mark.parametrize("retry_after", ["3600", "1"])
def test_a_retry_after_not_honoured_gives_up_on_the_url(
    hosts: dict[str, Host], tmp_path: Path, retry_after: str
) -> None:
    """Too long a wait, or a host that keeps asking: the URL is given up for this run,
    not retried at once behind the host's back."""
    busy = hosts["busy"]
    busy.faults["/never"] = [(429, {"Retry-After": retry_after})] * 10
    result = crawl([f"{busy.base}/never"], tmp_path, KABAR_RETRY_AFTER_TIMES=1, RETRY_TIMES=2)
    first, *retries = visits_to(result, busy, "/never")
    assert first["status"] == 429
    # Every retry, if any, leaves only after a wait.
    assert [v for v in retries if held(v) == 0] == [], retries
