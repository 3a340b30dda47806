"""``kabar feeds``, ``kabar serve`` and ``kabar demo``: publishing the archive."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from kabar.cli.common import (
    AliasOption,
    base_url_option,
    db_option,
    feeds_dir_option,
    info,
    say,
    user_errors,
    verbosity,
)

if TYPE_CHECKING:
    from feeds.model import FeedInfo


@click.command()
@db_option
@feeds_dir_option(default=None, required=True)
@base_url_option
@click.option(
    "--limit",
    default=50,
    show_default=True,
    type=click.IntRange(1, 100_000),
    help="Entries per feed.",
)
@click.option(
    "--allow-empty",
    is_flag=True,
    help="Publish even when the archive holds no article and --out holds feeds.",
)
def feeds(db_url: str | None, out_dir: Path, base_url: str, limit: int, allow_empty: bool) -> None:
    """Write RSS, Atom and JSON feeds, index.html and feeds.opml to --out.

    Progress goes to stderr: on a terminal a running count of feeds (each feed's line
    too with kabar --verbose), elsewhere a line per feed.

    The archive is only read: a database that does not exist or holds no kabar
    schema is an error, and so is one without articles when --out already holds
    feeds; the published feeds stay as they are.

    Example: kabar feeds --out public/ --base-url https://news.example.org/feeds/
    """
    with user_errors():
        from kabar.cli.progress import make_task_progress
        from kabar.jobs import build_feeds

        shown = verbosity()
        progress = make_task_progress("feeds", quiet=shown.quiet, verbose=shown.verbose)

        def feed_done(info: FeedInfo, entries: int, rendered: bool) -> None:
            state = "written" if rendered else "unchanged"
            progress.advance(f"{info.slug}: {entries} entries, {state}")

        try:
            report = build_feeds(
                db_url,
                out_dir,
                base_url=base_url,
                limit=limit,
                allow_empty=allow_empty,
                on_feed=feed_done,
            )
        finally:
            progress.close()
    say(
        f"{report.feeds} feeds in {out_dir}: {len(report.written)} files written, "
        f"{len(report.unchanged)} unchanged, {len(report.removed)} removed"
    )


@click.command()
@click.option(
    "--out",
    "--dir",
    "out_dir",
    cls=AliasOption,
    default="public",
    show_default=True,
    type=click.Path(path_type=Path, exists=True, file_okay=False),
    help="The feed directory (`kabar feeds --out` wrote it).",
)
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8080, show_default=True, type=click.IntRange(0, 65535))
@click.option(
    "--db",
    "db_url",
    default=None,
    help="An archive to search (opened read-only): adds /search and /article/<id>. "
    "No default, so a plain `kabar serve` never opens ./kabar.db.",
)
def serve(out_dir: Path, host: str, port: int, db_url: str | None) -> None:
    """Serve published feeds and their pages (ETag/Last-Modified, 304s, Range, gzip).

    Example: kabar serve --out public --port 8080 --db sqlite:///kabar.db
    """
    with user_errors():
        from feeds.serve import serve_directory
        from kabar.jobs import check_port_free

        check_port_free(port, host)
        serve_directory(
            out_dir,
            host=host,
            port=port,
            db_url=db_url,
            on_ready=lambda url: info(f"serving {out_dir} on {url} (Ctrl-C stops)"),
        )


@click.command()
@click.option(
    "--dir",
    "work_dir",
    default="kabar-demo",
    show_default=True,
    type=click.Path(path_type=Path),
    help="Where the demo's database, sites.toml and feeds go: a new or empty folder, "
    "or one an earlier demo made (nothing else is touched).",
)
@click.option("--serve", is_flag=True, help="Keep serving the feeds after the crawl.")
@click.option(
    "--port", default=8080, show_default=True, type=click.IntRange(1, 65535), help="For --serve."
)
def demo(work_dir: Path, serve: bool, port: int) -> None:
    """Crawl a bundled sample of Indonesian regional news sites served on 127.0.0.1,
    store them in a fresh SQLite file and publish their feeds (offline, < 1 minute).

    Example: kabar demo --serve
    """
    with user_errors():
        from kabar.cli.crawling import crawl_progress
        from kabar.demo import build_web
        from kabar.jobs import run_demo

        progress = crawl_progress(len(build_web().sites))
        try:
            summary = run_demo(work_dir, port=port, serve=serve, echo=info, progress=progress)
        finally:
            if progress is not None:
                progress.close()
    if not verbosity().quiet:
        click.echo(summary)


COMMANDS = [feeds, serve, demo]
