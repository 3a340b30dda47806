"""The ``kabar`` command line: a thin layer over crawler, archive and feeds.

Every command has an example in its help; a library error becomes one line on
stderr and a non-zero exit, never a traceback.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

import click
from sqlalchemy.exc import SQLAlchemyError

from archive.db import ArchiveError, make_engine, make_sessionmaker, session_scope, upgrade
from crawler.distributed import DistributedError
from crawler.pages import ExtractionError
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
    except (SitesError, ArchiveError, DistributedError, ExtractionError) as exc:
        raise click.ClickException(str(exc)) from None
    except SQLAlchemyError as exc:
        reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
        raise click.ClickException(f"database error: {reason}") from None
    except OSError as exc:
        raise click.ClickException(str(exc)) from None


def parse_overrides(pairs: tuple[str, ...]) -> dict[str, str]:
    """``NAME=VALUE`` pairs as a dict; Scrapy's getters convert the strings."""
    result = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip():
            raise click.BadParameter(f"expected NAME=VALUE, got {pair!r}", param_hint="--set")
        result[name.strip()] = value.strip()
    return result


@click.group()
@click.version_option(package_name="kabar")
def main() -> None:
    """kabar: crawl regional news sites, archive them, publish feeds."""


@main.command()
@click.option("--sites", "sites_file", type=click.Path(path_type=Path), help="sites.toml to use.")
@click.option("--site", "site_names", multiple=True, help="Crawl only this site (repeatable).")
@db_option
@click.option(
    "--set",
    "overrides",
    multiple=True,
    metavar="NAME=VALUE",
    help="Override a Scrapy/kabar setting for this run (repeatable), e.g. DOWNLOAD_DELAY=2.",
)
@click.option(
    "--log-level",
    help="Show the crawl's log at this level (DEBUG, INFO, WARNING, ERROR); "
    "by default only the per-site report is printed.",
)
@click.option(
    "--redis",
    "redis_url",
    envvar="KABAR_REDIS_URL",
    metavar="URL",
    help="Be one worker of a distributed crawl: share each site's article frontier with "
    "the other workers in this Redis (env KABAR_REDIS_URL; docs/operations.md).",
)
@click.option(
    "--redis-prefix",
    envvar="KABAR_REDIS_PREFIX",
    default="kabar",
    show_default=True,
    help="Namespace of the Redis keys; workers of one crawl use the same.",
)
def crawl(
    sites_file: Path | None,
    site_names: tuple[str, ...],
    db_url: str | None,
    overrides: tuple[str, ...],
    log_level: str | None,
    redis_url: str | None,
    redis_prefix: str,
) -> None:
    """Crawl the configured sites into the archive, then print one line per site.

    Example: kabar crawl --site merahputihnews --db sqlite:///kabar.db

    \b
    Distributed (run the same on every worker machine):
    kabar crawl --redis redis://queue:6379/0 --db postgresql+psycopg://kabar@db/kabar
    """
    from crawler.distributed import check_redis, redis_settings
    from kabar.crawl import run_crawl

    with user_errors():
        sites = select_sites(load_sites(sites_file), site_names)
        distributed = {}
        if redis_url:
            distributed = redis_settings(redis_url, prefix=redis_prefix)
            check_redis(redis_url)
        report = run_crawl(
            sites,
            db_url=db_url,
            overrides={
                **distributed,
                **parse_overrides(overrides),
                "LOG_LEVEL": (log_level or "ERROR").upper(),
            },
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
    "--format",
    "fmt",
    type=click.Choice(["jsonl", "csv", "warc"]),
    default="jsonl",
    show_default=True,
    help="warc: gzipped WARC 1.1 request/response records of each article's latest fetch.",
)
@click.option("--output", "-o", type=click.Path(path_type=Path), help="File (default stdout).")
@click.option("--site", "site_names", multiple=True, help="Only this site (repeatable).")
def export(db_url: str | None, fmt: str, output: Path | None, site_names: tuple[str, ...]) -> None:
    """Export every stored article, one record each (id plus the article's fields).

    Example: kabar export --format csv -o articles.csv
    """
    from archive.export import EXPORTERS

    if fmt == "warc":
        export_warc_file(db_url, output, site_names)
        return
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


def export_warc_file(db_url: str | None, output: Path | None, site_names: tuple[str, ...]) -> None:
    """``kabar export --format warc``: binary output, and a count of articles left out."""
    from archive.warc import export_warc

    with user_errors():
        engine = make_engine(db_url)
        upgrade(engine)
        with session_scope(make_sessionmaker(engine)) as session:
            if output is None:
                report = export_warc(session, sys.stdout.buffer, site_names=site_names)
            else:
                with output.open("wb") as out:
                    report = export_warc(session, out, site_names=site_names)
    where = f" to {output}" if output is not None else ""
    click.echo(f"{report.articles} articles written{where}", err=True)
    if report.without_fetch:
        click.echo(
            f"{report.without_fetch} articles left out: no stored fetch "
            "(crawled before evidence was kept, or pruned)",
            err=True,
        )


def output_format_option(func: F) -> F:
    return click.option(
        "--format",
        "fmt",
        type=click.Choice(["table", "csv", "jsonl"]),
        default="table",
        show_default=True,
    )(func)


@main.command()
@click.argument("query")
@db_option
@click.option("--site", "sites", multiple=True, help="Only this site (repeatable).")
@click.option("--topic", "topics", multiple=True, help="Only this topic (repeatable).")
@click.option("--region", "regions", multiple=True, help="Only this region (repeatable).")
@click.option("--since", type=click.DateTime(["%Y-%m-%d"]), help="Published on or after (WIB day).")
@click.option(
    "--until", type=click.DateTime(["%Y-%m-%d"]), help="Published on or before (WIB day)."
)
@click.option("--limit", default=20, show_default=True, help="Results to show.")
@click.option(
    "--exhaustive",
    is_flag=True,
    help="Rank every match; by default a query matching more than 20,000 articles "
    "ranks the 20,000 stored last (fast however common the words).",
)
@output_format_option
def search(
    query: str,
    db_url: str | None,
    sites: tuple[str, ...],
    topics: tuple[str, ...],
    regions: tuple[str, ...],
    since: datetime | None,
    until: datetime | None,
    limit: int,
    exhaustive: bool,
    fmt: str,
) -> None:
    """Full-text search of titles, leads and bodies, best matches first.

    QUERY is words (all must appear), "quoted phrases", prefix* and -excluded words.

    Example: kabar search '"dana desa" banyuasin' --since 2024-01-01 --topic Pemerintahan
    """
    from archive.search import RANK_WINDOW
    from archive.search import search as search_archive
    from kabar.output import search_rows, write_rows

    with user_errors():
        engine = make_engine(db_url)
        upgrade(engine)
        with session_scope(make_sessionmaker(engine)) as session:
            hits = search_archive(
                session,
                query,
                sites=sites,
                topics=topics,
                regions=regions,
                since=since.date() if since else None,
                until=until.date() if until else None,
                limit=limit,
                rank_window=None if exhaustive else RANK_WINDOW,
            )
    columns, rows = search_rows(hits, brief=fmt == "table")
    write_rows(sys.stdout, columns, rows, fmt)
    if fmt == "table" and not hits:
        click.echo("no matches", err=True)


@main.command()
@click.argument("article")
@db_option
@click.option("--full", is_flag=True, help="Print the whole body, not its start.")
@click.option("--json", "as_json", is_flag=True, help="One JSON object instead of text.")
def show(article: str, db_url: str | None, full: bool, as_json: bool) -> None:
    """Show one article (by id or URL): its fields, fetch history, revisions and copies.

    Example: kabar show 42    (or: kabar show https://contoh.id/2024/05/01/berita/)
    """
    from archive.details import article_details
    from kabar.output import show_details

    with user_errors():
        engine = make_engine(db_url)
        upgrade(engine)
        with session_scope(make_sessionmaker(engine)) as session:
            details = article_details(session, article)
    if details is None:
        raise click.ClickException(f"no article with id or URL {article!r}")
    show_details(sys.stdout, details, full=full, as_json=as_json)


@main.command()
@click.argument("statement")
@db_option
@output_format_option
def sql(statement: str, db_url: str | None, fmt: str) -> None:
    """Run one SQL query on a read-only connection and print its rows.

    Writes are refused by the database itself (SQLite mode=ro, PostgreSQL read-only
    transactions). Views article_view, article_term_view and fetch_view are
    described in docs/schema.md.

    Example: kabar sql "SELECT site, count(*) FROM article_view GROUP BY site"
    """
    from archive.readonly import readonly_engine, run_query
    from kabar.output import write_rows

    with user_errors():
        engine = readonly_engine(db_url)
        with run_query(engine, statement) as result:
            if not result.columns:
                raise click.ClickException("the statement returned no rows to print")
            write_rows(sys.stdout, result.columns, result.rows, fmt)


@main.command()
@click.option("--sites", "sites_file", type=click.Path(path_type=Path), help="sites.toml to use.")
@click.option("--site", "site_names", multiple=True, help="Only this site (repeatable).")
@db_option
@click.option(
    "--feeds-out",
    type=click.Path(path_type=Path),
    default="public",
    show_default=True,
    help="Feed directory rebuilt when articles changed.",
)
@click.option("--base-url", default="http://127.0.0.1:8080/", show_default=True)
@click.option("--force", is_flag=True, help="Crawl every site, due or not.")
@click.option("--set", "overrides", multiple=True, metavar="NAME=VALUE", help="As in crawl.")
def run(
    sites_file: Path | None,
    site_names: tuple[str, ...],
    db_url: str | None,
    feeds_out: Path,
    base_url: str,
    force: bool,
    overrides: tuple[str, ...],
) -> None:
    """Crawl the sites that are due (skipping those another run holds), then rebuild
    the feeds that changed: the command for cron or a systemd timer. Exit status 3
    when a site failed hard.

    Example: kabar run --db sqlite:////var/lib/kabar/kabar.db --feeds-out /srv/feeds
    """
    from kabar.run import run_due

    with user_errors():
        sites = select_sites(load_sites(sites_file), site_names)
        report = run_due(
            sites,
            db_url=db_url,
            feeds_out=feeds_out,
            base_url=base_url,
            force=force,
            overrides={**parse_overrides(overrides), "LOG_LEVEL": "CRITICAL"},
        )
    for line in report.lines():
        click.echo(line)
    if report.failed:
        sys.exit(EXIT_SITES_FAILED)


@main.command()
@click.option("--sites", "sites_file", type=click.Path(path_type=Path), help="sites.toml to use.")
@db_option
@click.option(
    "--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True
)
def status(sites_file: Path | None, db_url: str | None, fmt: str) -> None:
    """Show each site's health: last success, articles per day over the last week,
    error rate, and flags (yields_nothing: a layout change; failing; never_crawled).

    Example: kabar status --format json
    """
    import json

    from archive.operations import site_health

    with user_errors():
        sites = load_sites(sites_file)
        engine = make_engine(db_url)
        upgrade(engine)
        with session_scope(make_sessionmaker(engine)) as session:
            healths = [site_health(session, site.name) for site in sites]
        engine.dispose()
    if fmt == "json":
        click.echo(json.dumps([h.as_dict() for h in healths], ensure_ascii=False, indent=2))
        return
    click.echo(
        f"{'site':<18} {'last success':<26} {'articles':>8} {'7-day':<22} {'errors':>6}  flags"
    )
    for h in healths:
        week = ",".join(str(n) for n in h.articles_per_day)
        click.echo(
            f"{h.site:<18} {(h.last_success_at or '-')[:25]:<26} {h.articles:>8} {week:<22} "
            f"{h.error_rate:>6.1%}  {' '.join(h.flags) or 'ok'}"
        )


@main.command()
@click.argument("page", type=click.File("rb"), metavar="FILE|-")
@click.option("--url", help="The page's URL (resolves links and images; default the site's URL).")
@click.option("--site", "site_name", help="Read times in this site's zone, and use its language.")
@click.option("--sites", "sites_file", type=click.Path(path_type=Path), help="sites.toml to use.")
@click.option(
    "--fetched-at",
    type=click.DateTime(["%Y-%m-%dT%H:%M:%S%z", "%Y-%m-%dT%H:%M%z"]),
    help="When the page was fetched, with its offset (resolves '2 jam yang lalu'); "
    "default the file's modification time, or now for stdin.",
)
def extract(
    page: Any,
    url: str | None,
    site_name: str | None,
    sites_file: Path | None,
    fetched_at: datetime | None,
) -> None:
    """Print one saved page's extraction as a JSON object (the export's field names).

    Reads the page's bytes in any encoding from FILE, or from stdin with "-".
    Relative times ("2 jam yang lalu") count back from --fetched-at.

    Example: kabar extract --url https://merahputihnews.co.id/2023/07/17/rakor/ page.html

    Example: curl -s https://halopos.id/berita/1/ | kabar extract --site halopos -
    """
    import json

    from crawler.pages.article import MAX_HTML_CHARS
    from kabar.extract import extract_page

    with user_errors():
        site = select_sites(load_sites(sites_file), [site_name])[0] if site_name else None
        data = page.read(MAX_HTML_CHARS + 1)
        source = getattr(page, "name", None) or "<stdin>"
        if fetched_at is None:
            saved = Path(source).stat().st_mtime if Path(source).is_file() else None
            fetched_at = datetime.fromtimestamp(saved, UTC) if saved else datetime.now(UTC)
            fetched_at = fetched_at.replace(microsecond=0)
        record = extract_page(data, url=url, site=site, fetched_at=fetched_at, source=str(source))
    click.echo(json.dumps(record, ensure_ascii=False, indent=2))


if __name__ == "__main__":  # pragma: no cover
    main()
