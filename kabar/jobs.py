"""Jobs the CLI runs that span packages: building feeds from the archive, the demo.

Kept out of ``kabar.cli`` so they are callable (and tested) without click.
"""

from __future__ import annotations

import errno
import shutil
import socket
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from archive.db import make_sessionmaker, open_engine, session_scope
from archive.repository import count_articles
from crawler.sites import load_sites
from feeds.collect import plan_feeds
from feeds.publish import PublishReport, publish

if TYPE_CHECKING:
    from feeds.model import FeedInfo
    from kabar.crawl import CrawlProgress

DEMO_MARKER = ".kabar-demo"
"""The file that marks a folder as the demo's own: only such a folder is cleared."""
DEMO_FILES = ("kabar.db", "kabar.db-wal", "kabar.db-shm", "kabar.db.lock", "sites.toml")


class FeedsError(RuntimeError):
    """Publishing would destroy published feeds by mistake; one line."""


class DemoError(RuntimeError):
    """The demo cannot run where asked (a folder not its own, a busy port); one line."""


DEMO_SETTINGS = {
    # The demo web is local: no need to wait between requests.
    "AUTOTHROTTLE_ENABLED": False,
    "DOWNLOAD_DELAY": 0,
    "CONCURRENT_REQUESTS_PER_DOMAIN": 8,
    "RETRY_TIMES": 1,
    "DOWNLOAD_TIMEOUT": 5,
}


def build_feeds(
    db_url: str | None,
    out_dir: Path,
    *,
    base_url: str,
    limit: int = 50,
    allow_empty: bool = True,
    on_feed: Callable[[FeedInfo, int, bool], object] | None = None,
) -> PublishReport:
    """Publish every feed of the archive at ``db_url`` into ``out_dir``.

    The archive is opened read-only: a typo in ``db_url`` is an error naming the
    URL, never an empty archive whose empty feeds replace the published ones.
    Without ``allow_empty``, an archive with no article is refused (:class:`FeedsError`)
    when ``out_dir`` already holds feeds, for the same reason.
    """
    engine = open_engine(db_url)
    try:
        with session_scope(make_sessionmaker(engine)) as session:
            if not allow_empty and count_articles(session) == 0 and _holds_feeds(out_dir):
                raise FeedsError(
                    f"refusing to replace the feeds in {out_dir} with empty ones: the archive "
                    "holds no article (wrong --db?); --allow-empty does it anyway"
                )
            # Only the feeds whose articles changed since the last run are read and rendered.
            return publish(
                out_dir, plan_feeds(session, limit=limit), base_url=base_url, on_feed=on_feed
            )
    finally:
        engine.dispose()


def _holds_feeds(out_dir: Path) -> bool:
    return out_dir.is_dir() and any(out_dir.glob("*.xml"))


def run_demo(
    work_dir: Path,
    *,
    port: int = 8080,
    serve: bool = False,
    echo: Callable[[str], object] = print,
    progress: CrawlProgress | None = None,
) -> str:
    """Serve the bundled mock web, crawl it into a fresh SQLite file, publish feeds.

    Returns the summary to print. With ``serve``, blocks serving the feeds.
    """
    from kabar.crawl import run_crawl
    from kabar.demo import serve_mockweb_subprocess, write_sites_toml

    started = time.monotonic()
    if serve:
        check_port_free(port)
    prepare_demo_dir(work_dir)
    db_file = work_dir / "kabar.db"
    feeds_dir = work_dir / "feeds"
    db_url = f"sqlite:///{db_file.resolve()}"
    base_url = f"http://127.0.0.1:{port}/"
    with serve_mockweb_subprocess() as base_urls:
        echo(f"demo web: {len(base_urls)} sites on 127.0.0.1 ({', '.join(sorted(base_urls))})")
        sites = load_sites(write_sites_toml(base_urls, work_dir / "sites.toml"))
        report = run_crawl(
            sites,
            db_url=db_url,
            overrides={**DEMO_SETTINGS, "LOG_LEVEL": "ERROR"},
            quiet=True,
            progress=progress,
        )
    if progress is None:
        for site in report.sites:
            echo(site.line())
    published = build_feeds(db_url, feeds_dir, base_url=base_url)
    engine = open_engine(db_url)
    with session_scope(make_sessionmaker(engine)) as session:
        articles = count_articles(session)
    engine.dispose()
    elapsed = time.monotonic() - started
    lines = [
        f"demo done in {elapsed:.1f} s: {len(report.sites)} sites, {articles} articles "
        f"in {db_file}",
        f"{published.feeds} feeds ({len(published.written)} files) in {feeds_dir}",
        f"export: kabar export --db {db_url} --format jsonl",
    ]
    if serve:
        from feeds.serve import serve_directory

        echo("\n".join(lines))
        serve_directory(
            feeds_dir,
            host="127.0.0.1",
            port=port,
            db_url=db_url,
            on_ready=lambda url: echo(
                f"serving feeds and search: point your RSS reader at {url}all.xml, "
                f"a browser at {url} (Ctrl-C stops)"
            ),
        )
        return "stopped"
    lines.append(
        f"to read them in an RSS reader: kabar serve --out {feeds_dir} --port {port}, "
        f"then subscribe to {base_url}all.xml"
    )
    return "\n".join(lines)


def prepare_demo_dir(work_dir: Path) -> None:
    """Make ``work_dir`` ready for a fresh demo, deleting only a previous demo's files.

    The folder must be new, empty, or marked by an earlier demo (:data:`DEMO_MARKER`);
    anything else is refused with a :class:`DemoError` before a byte is touched, so
    ``kabar demo --dir .`` in a folder of one's own loses nothing.
    """
    if work_dir.exists() and not work_dir.is_dir():
        raise DemoError(f"refusing to use {work_dir} for the demo: it is not a folder")
    if work_dir.is_dir() and any(work_dir.iterdir()) and not (work_dir / DEMO_MARKER).is_file():
        raise DemoError(
            f"refusing to use {work_dir} for the demo: the folder holds files and no "
            f"earlier demo ({DEMO_MARKER} is missing); give a new or empty --dir"
        )
    work_dir.mkdir(parents=True, exist_ok=True)
    (work_dir / DEMO_MARKER).write_text(
        "This folder belongs to `kabar demo`, which replaces kabar.db, sites.toml and\n"
        "feeds/ here on every run.\n",
        encoding="utf-8",
    )
    for name in DEMO_FILES:
        (work_dir / name).unlink(missing_ok=True)
    feeds_dir = work_dir / "feeds"
    if feeds_dir.is_dir():
        shutil.rmtree(feeds_dir)


def check_port_free(port: int, host: str = "127.0.0.1") -> None:
    """Fail before the crawl, not after it, when ``--serve`` could not listen."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as exc:
            reason = "in use" if exc.errno == errno.EADDRINUSE else exc.strerror
            raise DemoError(f"cannot serve on {host}:{port} ({reason}): choose --port") from None
