"""Bounded work: an oversized body is capped before enrichment, and SIGTERM ends a
crawl within seconds even when the reactor is blocked (crawler/shutdown.py)."""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest
from scrapy.utils.misc import load_object

from crawler import settings as project_settings
from crawler.shutdown import EXIT_CODE
from kabar.cli.common import EXIT_INTERRUPTED
from kabar.core.article import Article
from kabar.core.text import clean_paragraphs
from kabar.demo import write_sites_toml
from tests.conftest import PROJECT_ROOT, run_kabar
from tests.test_crawl_e2e import FAST
from tests.test_pipelines import make_crawler

# -- the body cap ------------------------------------------------------------------------

PARAGRAPH = (
    "Warga Palembang dan Banyuasin menggelar gotong royong membersihkan saluran air "
    "di Kabupaten Ogan Ilir bersama petugas kecamatan dan relawan pemuda desa. "
)


def test_a_10_mb_body_is_stored_capped_at_a_paragraph(tmp_path: Path) -> None:
    """The project's whole item pipeline, in order, on a real crawler and a SQLite file:
    a 10 MB body with thousands of place mentions is capped before topics and regions
    run, stored, and counted."""
    db = f"sqlite:///{tmp_path / 'k.db'}"
    cap = project_settings.KABAR_MAX_BODY_CHARS
    crawler = make_crawler({"KABAR_DB_URL": db, "KABAR_MAX_BODY_CHARS": cap})
    paragraphs = [f"{n}. {PARAGRAPH * 3}" for n in range(10 * 1024 * 1024 // len(PARAGRAPH * 3))]
    body = "\n".join(paragraphs)
    assert len(body) > 10_000_000
    item = Article(
        url="https://contoh.id/2023/07/17/berita-sangat-panjang-sekali/",
        site="contoh",
        title="Berita yang sangat panjang",
        body=body,
        body_html="".join(f"<p>{p}</p>" for p in paragraphs),
    )
    order = sorted(project_settings.ITEM_PIPELINES.items(), key=lambda entry: entry[1])
    pipelines = [load_object(path).from_crawler(crawler) for path, _ in order]
    for pipeline in pipelines:
        if hasattr(pipeline, "open_spider"):
            pipeline.open_spider()
    for pipeline in pipelines:
        item = pipeline.process_item(item)
    for pipeline in reversed(pipelines):
        if hasattr(pipeline, "close_spider"):
            pipeline.close_spider()

    assert crawler.stats is not None
    assert crawler.stats.get_value("kabar/normalized/body_capped") == 1
    assert crawler.stats.get_value("kabar/articles/new") == 1
    with sqlite3.connect(tmp_path / "k.db") as connection:
        stored, stored_html = connection.execute("SELECT body, body_html FROM articles").fetchone()
    full = clean_paragraphs(body)
    assert 0.9 * cap < len(stored) <= cap
    # Cut at a paragraph boundary: a prefix of the full body, the next paragraph left out.
    assert full.startswith(stored) and full[len(stored)] == "\n"
    # Markup far over the cap is dropped; the feeds publish the capped paragraphs.
    assert stored_html is None


def test_one_paragraph_over_the_cap_is_cut_at_a_word() -> None:
    crawler = make_crawler({"KABAR_MAX_BODY_CHARS": 1000})
    normalize = load_object("pipelines.normalize.NormalizePipeline").from_crawler(crawler)
    item = normalize.process_item(
        Article(url="https://contoh.id/a-b-c-d/", site="contoh", title="J", body=PARAGRAPH * 50)
    )
    assert item.body is not None and 900 < len(item.body) <= 1000
    assert (PARAGRAPH * 50).startswith(item.body + " ")


# -- SIGTERM -----------------------------------------------------------------------------

BLOCKED = textwrap.dedent(
    """
    import signal, sys
    from crawler import shutdown

    def scheduled(signum, frame):
        # Like Scrapy's handler: it only schedules a stop that a blocked loop never runs.
        print("scheduled", flush=True)

    signal.signal(signal.SIGTERM, scheduled)
    shutdown.install(float(sys.argv[1]))
    print("ready", flush=True)
    n = 0
    while True:  # a long CPU loop: nothing else ever runs
        n += 1
    """
)


def _blocked_process(grace_s: float) -> subprocess.Popen[str]:
    proc = subprocess.Popen(
        [sys.executable, "-c", BLOCKED, str(grace_s)],
        cwd=PROJECT_ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    assert proc.stdout.readline() == "ready\n"
    return proc


def test_sigterm_ends_a_process_stuck_in_a_cpu_loop() -> None:
    proc = _blocked_process(grace_s=1)
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(timeout=60) == EXIT_CODE
    assert proc.stdout is not None
    assert proc.stdout.read() == "scheduled\n"  # the handler behind it was still called


def test_a_second_sigterm_ends_it_at_once() -> None:
    proc = _blocked_process(grace_s=3600)
    assert proc.stdout is not None
    proc.send_signal(signal.SIGTERM)
    assert proc.stdout.readline() == "scheduled\n"
    proc.send_signal(signal.SIGTERM)
    # With an hour's grace, only the second signal can have ended it.
    assert proc.wait(timeout=60) == EXIT_CODE


def _article_urls(db: Path) -> list[str]:
    with sqlite3.connect(db) as connection:
        return sorted(u for (u,) in connection.execute("SELECT canonical_url FROM articles"))


SLOW = [
    "--set", "AUTOTHROTTLE_ENABLED=False",
    "--set", "CONCURRENT_REQUESTS_PER_DOMAIN=1",
    "--set", "DOWNLOAD_DELAY=0.2",
    "--set", "KABAR_STORE_BATCH_ITEMS=1",
]  # fmt: skip
"""A crawl slow enough to have a middle to stop in."""


def _start_crawl(sites: Path, db_file: Path, *more: str) -> tuple[subprocess.Popen[str], list[str]]:
    """A ``kabar crawl`` subprocess, returned once its first article is stored (an
    event, not a sleep), with the list its log lines are collected into."""
    db = f"sqlite:///{db_file}"
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "kabar.cli",
            "crawl",
            "--sites",
            str(sites),
            "--db",
            db,
            *SLOW,
            *more,
        ],
        cwd=PROJECT_ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    log: list[str] = []
    assert proc.stderr is not None
    # Drained by a thread, so a full pipe never blocks the crawl.
    threading.Thread(target=lambda: log.extend(proc.stderr or ()), daemon=True).start()
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            if db_file.exists() and _article_urls(db_file):
                break
        except sqlite3.OperationalError:
            pass
        time.sleep(0.05)
    assert proc.poll() is None, "the crawl ended before it could be stopped"
    return proc, log


@pytest.mark.slow
def test_sigterm_mid_crawl_exits_and_a_rerun_completes(
    mockweb: dict[str, str], tmp_path: Path
) -> None:
    sites = write_sites_toml(mockweb, tmp_path / "sites.toml")
    db_file = tmp_path / "kabar.db"
    victim, log = _start_crawl(sites, db_file)
    try:
        victim.send_signal(signal.SIGTERM)
        victim.wait(timeout=60)
    finally:
        if victim.poll() is None:
            victim.kill()
            victim.wait()
    partial = _article_urls(db_file)
    assert partial
    # Stopped gracefully: the documented "interrupted" status, not "ok".
    assert victim.returncode == EXIT_INTERRUPTED, "".join(log)

    again = run_kabar("crawl", "--sites", str(sites), "--db", f"sqlite:///{db_file}", *FAST)
    assert again.returncode == 0, again.stdout + again.stderr
    final = _article_urls(db_file)
    assert len(final) == len(set(final))
    assert set(partial) <= set(final)


@pytest.mark.slow
def test_a_second_sigterm_ends_a_crawl_and_its_workers(
    mockweb: dict[str, str], tmp_path: Path
) -> None:
    """The second SIGTERM ends the crawl at once, extraction workers included: an
    orphaned worker would hold the crawl's output pipes open and ``communicate`` would
    never see them close."""
    sites = write_sites_toml(mockweb, tmp_path / "sites.toml")
    victim, log = _start_crawl(sites, tmp_path / "kabar.db", "--log-level", "INFO")
    try:
        victim.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + 60
        # Scrapy logs the first signal from the reactor once its handler ran.
        while time.monotonic() < deadline and not any("Received SIGTERM" in x for x in log):
            time.sleep(0.05)
        assert any("Received SIGTERM" in line for line in log), "".join(log)
        if victim.poll() is None:  # not already stopped gracefully
            victim.send_signal(signal.SIGTERM)
            victim.communicate(timeout=60)
            assert victim.returncode == EXIT_CODE, "".join(log)
    finally:
        if victim.poll() is None:
            victim.kill()
            victim.wait()
