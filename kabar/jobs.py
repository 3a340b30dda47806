"""Jobs the CLI runs that span packages: building feeds from the archive, the demo.

Kept out of ``kabar.cli`` so they are callable (and tested) without click.
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable
from pathlib import Path

from archive.db import make_engine, make_sessionmaker, session_scope, upgrade
from archive.repository import count_articles
from crawler.sites import load_sites
from feeds.collect import plan_feeds
from feeds.publish import PublishReport, publish

DEMO_SETTINGS = {
    # The demo web is local: no need to wait between requests.
    "AUTOTHROTTLE_ENABLED": False,
    "DOWNLOAD_DELAY": 0,
    "CONCURRENT_REQUESTS_PER_DOMAIN": 8,
    "RETRY_TIMES": 1,
    "DOWNLOAD_TIMEOUT": 5,
}


def build_feeds(
    db_url: str | None, out_dir: Path, *, base_url: str, limit: int = 50
) -> PublishReport:
    """Publish every feed of the archive at ``db_url`` into ``out_dir``."""
    engine = make_engine(db_url)
    upgrade(engine)
    try:
        with session_scope(make_sessionmaker(engine)) as session:
            # Only the feeds whose articles changed since the last run are read and rendered.
            return publish(out_dir, plan_feeds(session, limit=limit), base_url=base_url)
    finally:
        engine.dispose()


def run_demo(
    work_dir: Path,
    *,
    port: int = 8080,
    serve: bool = False,
    echo: Callable[[str], object] = print,
) -> str:
    """Serve the bundled mock web, crawl it into a fresh SQLite file, publish feeds.

    Returns the summary to print. With ``serve``, blocks serving the feeds.
    """
    from kabar.crawl import run_crawl
    from kabar.demo import serve_mockweb_subprocess, write_sites_toml

    started = time.monotonic()
    work_dir.mkdir(parents=True, exist_ok=True)
    db_file = work_dir / "kabar.db"
    for stale in work_dir.glob("kabar.db*"):
        stale.unlink()
    feeds_dir = work_dir / "feeds"
    if feeds_dir.exists():
        shutil.rmtree(feeds_dir)
    db_url = f"sqlite:///{db_file.resolve()}"
    base_url = f"http://127.0.0.1:{port}/"
    with serve_mockweb_subprocess() as base_urls:
        echo(f"demo web: {len(base_urls)} sites on 127.0.0.1 ({', '.join(sorted(base_urls))})")
        sites = load_sites(write_sites_toml(base_urls, work_dir / "sites.toml"))
        report = run_crawl(
            sites, db_url=db_url, overrides={**DEMO_SETTINGS, "LOG_LEVEL": "ERROR"}, quiet=True
        )
    for site in report.sites:
        echo(site.line())
    published = build_feeds(db_url, feeds_dir, base_url=base_url)
    engine = make_engine(db_url)
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

        lines.append(f"serving feeds: point your RSS reader at {base_url}all.xml (Ctrl-C stops)")
        echo("\n".join(lines))
        serve_directory(feeds_dir, host="127.0.0.1", port=port)
        return "stopped"
    lines.append(
        f"to read them in an RSS reader: kabar serve --dir {feeds_dir} --port {port}, "
        f"then subscribe to {base_url}all.xml"
    )
    return "\n".join(lines)
