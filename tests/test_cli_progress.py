"""Live progress (issue 16.2): each site's line as it finishes, a running total on a
terminal. Ordered by events (a site held back by the test), never by timing."""

from __future__ import annotations

import asyncio
import os
import pty
import re
import subprocess
import sys
import threading
from pathlib import Path

from aiohttp import web

from kabar.demo import write_sites_toml
from tests.conftest import PROJECT_ROOT, serve_app

FAST = [
    "--set", "AUTOTHROTTLE_ENABLED=False",
    "--set", "DOWNLOAD_DELAY=0",
    "--set", "CONCURRENT_REQUESTS_PER_DOMAIN=8",
    "--set", "DOWNLOAD_TIMEOUT=60",
    "--set", "RETRY_TIMES=0",
]  # fmt: skip


def held_site(release: threading.Event) -> web.Application:
    """A site whose homepage answers only once ``release`` is set."""

    async def home(request: web.Request) -> web.Response:
        while not release.is_set():
            await asyncio.sleep(0.05)
        return web.Response(text="<html><body><p>Sepi.</p></body></html>", content_type="text/html")

    async def missing(request: web.Request) -> web.Response:
        return web.Response(status=404)

    app = web.Application()
    app.router.add_get("/", home)
    app.router.add_get("/{tail:.+}", missing)
    return app


def sites_with_held_site(mockweb: dict[str, str], port: int, tmp_path: Path) -> tuple[str, str]:
    fast = sorted(mockweb)[0]
    sites = write_sites_toml({fast: mockweb[fast]}, tmp_path / "sites.toml")
    with sites.open("a", encoding="utf-8") as out:
        out.write(f'\n[[site]]\nname = "lambat"\nurl = "http://127.0.0.1:{port}/"\n')
    return str(sites), fast


def test_a_site_line_is_printed_as_the_site_finishes(
    mockweb: dict[str, str], tmp_path: Path
) -> None:
    release = threading.Event()
    with serve_app(held_site(release)) as port:
        sites, fast = sites_with_held_site(mockweb, port, tmp_path)
        crawl = subprocess.Popen(
            [sys.executable, "-m", "kabar.cli", "crawl", "--sites", sites,
             "--db", f"sqlite:///{tmp_path / 'kabar.db'}", *FAST],
            cwd=PROJECT_ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
        try:
            assert crawl.stdout is not None
            first = crawl.stdout.readline()
            # The held site cannot have finished: its homepage has not been answered.
            assert not release.is_set() and crawl.poll() is None
            assert first.startswith(f"{fast}: strategy "), first
        finally:
            release.set()
        rest, errors = crawl.communicate(timeout=120)
    assert crawl.returncode in (0, 3), errors
    assert rest.startswith("lambat: "), rest


def test_on_a_terminal_a_running_total_is_shown(mockweb: dict[str, str], tmp_path: Path) -> None:
    release = threading.Event()
    with serve_app(held_site(release)) as port:
        sites, fast = sites_with_held_site(mockweb, port, tmp_path)
        controller, terminal = pty.openpty()
        crawl = subprocess.Popen(
            [sys.executable, "-m", "kabar.cli", "crawl", "--sites", sites,
             "--db", f"sqlite:///{tmp_path / 'kabar.db'}", *FAST],
            cwd=PROJECT_ROOT, stdout=terminal, stderr=subprocess.PIPE,
            env={**os.environ, "COLUMNS": "200", "TERM": "xterm"},
        )  # fmt: skip
        os.close(terminal)
        seen = b""
        try:
            # Read until the total counts the fast site done while the held one still runs.
            while b"1/2 sites done" not in seen:
                chunk = os.read(controller, 4096)
                assert chunk, seen
                seen += chunk
            assert not release.is_set() and crawl.poll() is None
        finally:
            release.set()
        while True:
            try:
                chunk = os.read(controller, 4096)
            except OSError:  # the terminal closed with the process
                break
            if not chunk:
                break
            seen += chunk
        crawl.wait(120)
        os.close(controller)
    text = seen.decode("utf-8", "replace")
    assert f"{fast}: strategy " in text and "lambat: " in text
    assert "requests" in text and "new articles" in text


def archive_of(tmp_path: Path, articles: int) -> str:
    """A SQLite archive of ``articles`` articles of ~2 KB each, on one site."""
    from datetime import UTC, datetime

    from archive.db import make_engine, make_sessionmaker, session_scope, upgrade
    from archive.repository import SiteInfo, ensure_site, upsert_article
    from kabar.core.article import Article

    db = f"sqlite:///{tmp_path / 'kabar.db'}"
    engine = make_engine(db)
    upgrade(engine)
    with session_scope(make_sessionmaker(engine)) as session:
        site = ensure_site(session, SiteInfo(name="contoh", url="https://contoh.id/"))
        for number in range(articles):
            url = f"https://contoh.id/berita/{number}/"
            body = f"Paragraf berita nomor {number} tentang dana desa.\n" * 40
            published = datetime(2024, 1, 3, 2, 0, tzinfo=UTC)
            upsert_article(
                session,
                site,
                Article(url=url, canonical_url=url, site="contoh", title=f"Berita {number}",
                        body=body, published_at=published),
                body_hash=None,
            )  # fmt: skip
    engine.dispose()
    return db


def kabar_command(*args: str) -> list[str]:
    return [sys.executable, "-m", "kabar.cli", *args]


def test_export_shows_a_running_total_on_a_terminal_while_it_writes(tmp_path: Path) -> None:
    """stdout is a pipe nobody reads yet, so the export blocks half-way; the total on the
    terminal (stderr) must show articles done of all before it can finish, and the
    data must all reach stdout, none of it the display's."""
    db = archive_of(tmp_path, 200)  # ~400 KB of JSON: far more than a pipe holds
    controller, terminal = pty.openpty()
    export = subprocess.Popen(
        kabar_command("export", "--db", db),
        cwd=PROJECT_ROOT, stdout=subprocess.PIPE, stderr=terminal,
        env={**os.environ, "COLUMNS": "200", "TERM": "xterm"},
    )  # fmt: skip
    os.close(terminal)
    seen = b""
    while b"/200 articles" not in seen:
        chunk = os.read(controller, 4096)
        assert chunk, seen
        seen += chunk
    assert export.poll() is None  # blocked on stdout: the total came while it worked
    shown = re.search(rb"(\d+)/200 articles", seen)
    assert shown is not None and int(shown.group(1)) < 200
    data, _ = export.communicate(timeout=120)
    os.close(controller)
    assert export.returncode == 0
    lines = data.decode("utf-8").splitlines()
    assert len(lines) == 200 and all(line.startswith('{"id": ') for line in lines)


def test_feeds_and_export_print_plain_lines_off_a_terminal(tmp_path: Path) -> None:
    db = archive_of(tmp_path, 3)
    out = tmp_path / "feeds"
    base = ["--db", db]
    feeds = subprocess.run(
        kabar_command("feeds", *base, "--out", str(out), "--base-url", "http://127.0.0.1/"),
        cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert feeds.returncode == 0, feeds.stderr
    assert "all: 3 entries, written" in feeds.stderr.splitlines()
    assert "site-contoh: 3 entries, written" in feeds.stderr.splitlines()
    assert "\x1b[" not in feeds.stderr  # no terminal codes in a log
    export = subprocess.run(
        kabar_command("export", *base), cwd=PROJECT_ROOT, capture_output=True, text=True,
        timeout=120,
    )  # fmt: skip
    [total] = export.stderr.splitlines()
    assert export.returncode == 0 and total.startswith("3/3 articles (")
    quiet = subprocess.run(
        kabar_command("--quiet", "feeds", *base, "--out", str(out), "--base-url",
                      "http://127.0.0.1/"),
        cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert quiet.returncode == 0 and quiet.stderr == "" and quiet.stdout == ""
