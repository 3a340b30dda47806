"""Unattended operation: leases, the adaptive schedule, `kabar run`, `kabar status`,
and crash safety (SIGKILL mid-crawl), on real databases and real crawls."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from aiohttp import web
from sqlalchemy import update

from archive.db import make_engine, make_sessionmaker, session_scope, upgrade
from archive.models import SiteLock, utcnow
from archive.operations import (
    acquire_lock,
    due_sites,
    lock_holder,
    publishing_interval,
    release_lock,
    reschedule,
)
from kabar.demo import build_web, write_sites_toml
from tests.conftest import PROJECT_ROOT, run_kabar, serve_app
from tests.test_crawl_e2e import FAST


def test_leases_are_exclusive_and_expire(db_url: str) -> None:
    engine = make_engine(db_url)
    upgrade(engine)
    factory = make_sessionmaker(engine)
    hour = timedelta(hours=1)
    with session_scope(factory) as session:
        assert acquire_lock(session, "a", "one", hour)
    with session_scope(factory) as session:
        assert not acquire_lock(session, "a", "two", hour)
        assert lock_holder(session, "a") == "one"
        assert acquire_lock(session, "a", "one", hour)  # re-entrant for its holder
    with session_scope(factory) as session:
        release_lock(session, "a", "two")  # not the holder: no effect
        assert lock_holder(session, "a") == "one"
        release_lock(session, "a", "one")
        assert lock_holder(session, "a") is None
    with session_scope(factory) as session:
        assert acquire_lock(session, "b", "killed", timedelta(seconds=-1))  # already expired
    with session_scope(factory) as session:
        assert lock_holder(session, "b") is None
        assert acquire_lock(session, "b", "next", hour)
    engine.dispose()


def test_schedule_follows_the_publishing_rate(db_url: str) -> None:
    week = timedelta(days=7)
    hourly = publishing_interval(168, week, min_s=900, max_s=86400)
    weekly = publishing_interval(1, week, min_s=900, max_s=86400)
    assert hourly == 1800 and weekly == 86400
    assert publishing_interval(10_000, week, min_s=900, max_s=86400) == 900
    assert publishing_interval(0, week, min_s=900, max_s=86400) == 86400
    engine = make_engine(db_url)
    upgrade(engine)
    factory = make_sessionmaker(engine)
    with session_scope(factory) as session:
        assert due_sites(session, ["a", "b"]) == ["a", "b"]
        next_at = reschedule(session, "a", min_s=900, max_s=86400)
        assert next_at > datetime.now(UTC) + timedelta(hours=23)
        assert due_sites(session, ["a", "b"]) == ["b"]
        assert due_sites(session, ["a"], now=next_at + timedelta(seconds=1)) == ["a"]
    engine.dispose()


def _popen_kabar(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "kabar.cli", *args],
        cwd=PROJECT_ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


@pytest.mark.slow
def test_two_runs_at_once_crawl_each_site_once(mockweb: dict[str, str], tmp_path: Path) -> None:
    sites = write_sites_toml(mockweb, tmp_path / "sites.toml")
    db = f"sqlite:///{tmp_path / 'kabar.db'}"
    assert run_kabar("db", "upgrade", "--db", db).returncode == 0
    args = ["run", "--sites", str(sites), "--db", db, "--feeds-out", str(tmp_path / "f"), *FAST]
    first, second = _popen_kabar(*args), _popen_kabar(*args)
    outputs = [p.communicate(timeout=120) for p in (first, second)]
    assert first.returncode == 0 and second.returncode == 0, outputs
    one, other = (site_outcomes(stdout) for stdout, _ in outputs)
    assert set(one) == set(other) == set(mockweb), outputs
    for site in mockweb:
        # Crawled by one run; the other found it leased (busy) or, if it came later,
        # already rescheduled (not due). However the two interleave.
        assert sorted([one[site], other[site]]) in (["busy", "crawled"], ["crawled", "not due"])
    # The next run finds nothing due and crawls nothing.
    again = run_kabar(*args)
    assert again.returncode == 0
    assert site_outcomes(again.stdout) == dict.fromkeys(mockweb, "not due"), again.stdout


def site_outcomes(stdout: str) -> dict[str, str]:
    """``kabar run``'s report: each site's one outcome ("crawled", "busy", "not due")."""
    outcomes: dict[str, str] = {}
    for line in stdout.splitlines():
        name, _, rest = line.partition(": ")
        if name == "feeds":
            continue
        outcome = next(
            (word for word in ("busy", "not due") if rest.startswith(word)),
            "crawled" if rest.startswith("strategy") else rest,
        )
        assert name not in outcomes, f"{name} reported twice: {stdout}"
        outcomes[name] = outcome
    return outcomes


def _article_urls(db: Path) -> list[str]:
    with sqlite3.connect(db) as connection:
        return sorted(u for (u,) in connection.execute("SELECT canonical_url FROM articles"))


@pytest.mark.slow
def test_sigkill_mid_crawl_loses_and_duplicates_nothing(
    mockweb: dict[str, str], tmp_path: Path
) -> None:
    sites = write_sites_toml(mockweb, tmp_path / "sites.toml")
    db_file = tmp_path / "kabar.db"
    db = f"sqlite:///{db_file}"
    # A slow crawl (one request at a time, with a delay) so there is a middle to kill in.
    slow = ["--set", "CONCURRENT_REQUESTS_PER_DOMAIN=1", "--set", "DOWNLOAD_DELAY=0.1"]
    args = [
        "run",
        "--sites",
        str(sites),
        "--db",
        db,
        "--feeds-out",
        str(tmp_path / "f"),
        *slow,
    ]
    victim = _popen_kabar(*args, "--set", "AUTOTHROTTLE_ENABLED=False")
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if db_file.exists():
            try:
                if len(_article_urls(db_file)) >= 5:
                    break
            except sqlite3.OperationalError:
                pass
        time.sleep(0.1)
    os.kill(victim.pid, signal.SIGKILL)
    victim.wait(10)
    partial = _article_urls(db_file)
    assert 5 <= len(partial) < len(build_web().articles())
    # The killed run still holds its leases (they would keep other runs off for
    # KABAR_LOCK_TTL_S); here they expire at once, as they would when their time is up.
    engine = make_engine(db)
    factory = make_sessionmaker(engine)
    with session_scope(factory) as session:
        holders = {lock_holder(session, site) for site in mockweb}
        assert len(holders) == 1 and None not in holders, holders
        session.execute(update(SiteLock).values(expires_at=utcnow() - timedelta(seconds=1)))
    with session_scope(factory) as session:
        assert {lock_holder(session, site) for site in mockweb} == {None}
    engine.dispose()
    result = run_kabar(*args, "--force", *FAST)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "busy" not in result.stdout
    final = _article_urls(db_file)
    assert len(final) == len(set(final)) == len(build_web().articles())
    assert set(partial) <= set(final)


# -- a site whose layout changes -------------------------------------------------------

ARTICLE = """<html><head><title>{title} - Warta Uji</title>
<meta property="og:type" content="article">
<meta property="article:published_time" content="2023-07-17T09:30:00+07:00">
</head><body><article class="post"><h1 class="entry-title">{title}</h1>
<div class="entry-content">{body}</div></article></body></html>"""


@pytest.fixture
def changing_site() -> Iterator[tuple[str, dict[str, bool]]]:
    """A one-site web whose homepage stops linking articles when ``state['broken']``."""
    state = {"broken": False}
    paragraph = "<p>" + "Warga desa menggelar gotong royong membersihkan saluran air. " * 6 + "</p>"

    async def home(request: web.Request) -> web.Response:
        if state["broken"]:
            links = '<a href="/x1/">x</a><a href="/x2/">y</a>'
        else:
            links = "".join(
                f'<a href="/2023/07/17/berita-desa-nomor-{n}-hari-ini/">b{n}</a>' for n in range(3)
            )
        return web.Response(text=f"<html><body>{links}</body></html>", content_type="text/html")

    async def article(request: web.Request) -> web.Response:
        n = request.match_info["n"]
        html = ARTICLE.format(title=f"Berita desa nomor {n}", body=paragraph * 2)
        return web.Response(text=html, content_type="text/html")

    async def other(request: web.Request) -> web.Response:
        return web.Response(status=404, text="not found")

    app = web.Application()
    app.router.add_get("/", home)
    app.router.add_get("/2023/07/17/berita-desa-nomor-{n}-hari-ini/", article)
    app.router.add_get("/{tail:.*}", other)
    with serve_app(app) as port:
        yield f"http://127.0.0.1:{port}/", state


@pytest.mark.slow
def test_status_flags_a_site_that_stops_yielding(
    changing_site: tuple[str, dict[str, bool]], tmp_path: Path
) -> None:
    url, state = changing_site
    sites = tmp_path / "sites.toml"
    sites.write_text(
        f'[[site]]\nname = "wartauji"\nurl = "{url}"\nmax_age_days = 5000\n', encoding="utf-8"
    )
    db = f"sqlite:///{tmp_path / 'kabar.db'}"
    crawl = ["crawl", "--sites", str(sites), "--db", db, *FAST]
    first = run_kabar(*crawl)
    assert ", 3 new," in first.stdout, first.stdout + first.stderr
    status = json.loads(
        run_kabar("status", "--sites", str(sites), "--db", db, "--format", "json").stdout
    )
    assert status[0]["site"] == "wartauji" and status[0]["flags"] == []
    assert status[0]["articles"] == 3 and sum(status[0]["articles_per_day"]) == 3
    state["broken"] = True
    for _ in range(2):
        assert run_kabar(*crawl).returncode == 0
    status = json.loads(
        run_kabar("status", "--sites", str(sites), "--db", db, "--format", "json").stdout
    )
    assert "yields_nothing" in status[0]["flags"]
    table = run_kabar("status", "--sites", str(sites), "--db", db)
    assert "yields_nothing" in table.stdout


@pytest.mark.slow
def test_jobdir_resume_works_per_site(mockweb: dict[str, str], tmp_path: Path) -> None:
    sites = write_sites_toml(mockweb, tmp_path / "sites.toml")
    db = tmp_path / "kabar.db"
    args = ["crawl", "--sites", str(sites), "--db", f"sqlite:///{db}", "--site", "merahputih"]
    result = run_kabar(*args, "--set", f"JOBDIR={tmp_path / 'job'}", *FAST)
    assert result.returncode == 0, result.stdout + result.stderr
    truth = [a for a in build_web().articles() if a.site == "merahputih"]
    assert len(_article_urls(db)) == len(truth)
    assert (tmp_path / "job" / "requests.seen").exists()


@pytest.mark.slow
def test_robots_txt_forbidding_everything_is_one_clear_line(tmp_path: Path) -> None:
    async def robots(request: web.Request) -> web.Response:
        return web.Response(text="User-agent: *\nDisallow: /\n")

    async def page(request: web.Request) -> web.Response:
        return web.Response(text="<html><body>secret</body></html>", content_type="text/html")

    app = web.Application()
    app.router.add_get("/robots.txt", robots)
    app.router.add_get("/{tail:.*}", page)
    with serve_app(app) as port:
        sites = tmp_path / "sites.toml"
        sites.write_text(
            f'[[site]]\nname = "tertutup"\nurl = "http://127.0.0.1:{port}/"\n', encoding="utf-8"
        )
        result = run_kabar("crawl", "--sites", str(sites), "--db", f"sqlite:///{tmp_path / 'k.db'}")
    assert result.returncode == 3
    assert result.stdout.strip().startswith("tertutup: UNREACHABLE (forbidden_by_robots)")
