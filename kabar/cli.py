"""The ``kabar`` command line: a thin layer over crawler, archive and feeds.

Every command has an example in its help; a library error becomes one line on
stderr and a non-zero exit, never a traceback.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

import click
from sqlalchemy.exc import SQLAlchemyError

from archive.db import ArchiveError, make_engine, make_sessionmaker, session_scope, upgrade
from crawler.sites import SitesError, load_sites, select_sites

F = TypeVar("F", bound=Callable[..., Any])

EXIT_FAILED = 1
EXIT_SITES_FAILED = 3


def db_option(func: F) -> F:
    return click.option(
        "--db",
        "db_url",
        envvar="KABAR_DB_URL",
        help="Database URL (default ./kabar.db; env KABAR_DB_URL).",
    )(func)


@contextmanager
def user_errors() -> Iterator[None]:
    """Turn the library's expected failures into one line and exit status 1."""
    try:
        yield
    except (SitesError, ArchiveError) as exc:
        raise click.ClickException(str(exc)) from None
    except SQLAlchemyError as exc:
        reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
        raise click.ClickException(f"database error: {reason}") from None
    except OSError as exc:
        raise click.ClickException(str(exc)) from None


@click.group()
@click.version_option(package_name="kabar")
def main() -> None:
    """kabar: crawl regional news sites, archive them, publish feeds."""


@main.command()
@click.option("--sites", "sites_file", type=click.Path(path_type=Path), help="sites.toml to use.")
@click.option("--site", "site_names", multiple=True, help="Crawl only this site (repeatable).")
@db_option
@click.option(
    "--log-level",
    help="Show the crawl's log at this level (DEBUG, INFO, WARNING, ERROR); "
    "by default only the per-site report is printed.",
)
def crawl(
    sites_file: Path | None, site_names: tuple[str, ...], db_url: str | None, log_level: str | None
) -> None:
    """Crawl the configured sites into the archive, then print one line per site.

    Example: kabar crawl --site merahputihnews --db sqlite:///kabar.db
    """
    from kabar.crawl import run_crawl

    with user_errors():
        sites = select_sites(load_sites(sites_file), site_names)
        report = run_crawl(
            sites,
            db_url=db_url,
            overrides={"LOG_LEVEL": (log_level or "ERROR").upper()},
            quiet=log_level is None,
        )
    for site in report.sites:
        click.echo(site.line())
    if report.failed:
        click.echo(f"{len(report.failed)} of {len(report.sites)} site(s) failed", err=True)
        sys.exit(EXIT_SITES_FAILED)


@main.command()
@db_option
@click.option("--out", "out_dir", required=True, type=click.Path(path_type=Path))
@click.option(
    "--base-url",
    default="http://127.0.0.1:8080/",
    show_default=True,
    help="Where OUT is served (feeds name their own URL).",
)
@click.option("--limit", default=50, show_default=True, help="Entries per feed.")
def feeds(db_url: str | None, out_dir: Path, base_url: str, limit: int) -> None:
    """Write RSS, Atom and JSON feeds, index.html and feeds.opml to OUT.

    Example: kabar feeds --out public/ --base-url https://news.example.org/feeds/
    """
    from kabar.jobs import build_feeds

    with user_errors():
        report = build_feeds(db_url, out_dir, base_url=base_url, limit=limit)
    click.echo(
        f"{report.feeds} feeds in {out_dir}: {len(report.written)} files written, "
        f"{len(report.unchanged)} unchanged, {len(report.removed)} removed"
    )


@main.command()
@db_option
@click.option(
    "--format", "fmt", type=click.Choice(["jsonl", "csv"]), default="jsonl", show_default=True
)
@click.option("--output", "-o", type=click.Path(path_type=Path), help="File (default stdout).")
@click.option("--site", "site_names", multiple=True, help="Only this site (repeatable).")
def export(db_url: str | None, fmt: str, output: Path | None, site_names: tuple[str, ...]) -> None:
    """Export every stored article, one record each (id plus the article's fields).

    Example: kabar export --format csv -o articles.csv
    """
    from archive.export import EXPORTERS

    with user_errors():
        engine = make_engine(db_url)
        upgrade(engine)
        factory = make_sessionmaker(engine)
        with session_scope(factory) as session:
            if output is None:
                count = EXPORTERS[fmt](session, sys.stdout, site_names=site_names)
            else:
                with output.open("w", encoding="utf-8", newline="") as out:
                    count = EXPORTERS[fmt](session, out, site_names=site_names)
    if output is not None:
        click.echo(f"{count} articles written to {output}", err=True)


@main.group()
def db() -> None:
    """Manage the archive's schema."""


@db.command("upgrade")
@db_option
def db_upgrade(db_url: str | None) -> None:
    """Apply pending migrations (a crawl does this itself).

    Example: kabar db upgrade --db postgresql+psycopg://localhost/kabar
    """
    from archive.db import current_revision

    with user_errors():
        engine = make_engine(db_url)
        upgrade(engine)
        click.echo(f"database at revision {current_revision(engine)}")


@main.command()
@click.option(
    "--dir",
    "feeds_dir",
    default="public",
    show_default=True,
    type=click.Path(path_type=Path, exists=True, file_okay=False),
    help="The directory `kabar feeds --out` wrote.",
)
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8080, show_default=True)
def serve(feeds_dir: Path, host: str, port: int) -> None:
    """Serve published feeds with ETag/Last-Modified, 304s and gzip.

    Example: kabar serve --dir public --port 8080
    """
    from feeds.serve import serve_directory

    click.echo(f"serving {feeds_dir} on http://{host}:{port}/ (Ctrl-C stops)")
    serve_directory(feeds_dir, host=host, port=port)


@main.command()
@click.option(
    "--dir",
    "work_dir",
    default="kabar-demo",
    show_default=True,
    type=click.Path(path_type=Path),
    help="Where the demo's database, sites.toml and feeds go.",
)
@click.option("--serve", is_flag=True, help="Keep serving the feeds after the crawl.")
@click.option("--port", default=8080, show_default=True, help="Port for --serve.")
def demo(work_dir: Path, serve: bool, port: int) -> None:
    """Crawl a bundled sample of Indonesian regional news sites served on 127.0.0.1,
    store them in a fresh SQLite file and publish their feeds (offline, < 1 minute).

    Example: kabar demo --serve
    """
    from kabar.jobs import run_demo

    with user_errors():
        summary = run_demo(work_dir, port=port, serve=serve, echo=click.echo)
    click.echo(summary)


if __name__ == "__main__":  # pragma: no cover
    main()
