"""The archivist's read commands: search, show, status, sql, export.

None of them migrates or creates anything: each opens the archive read-only
(:func:`kabar.cli.common.open_archive`) and refuses, in one line, a database that
is missing, not kabar's, or behind.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from kabar.cli.common import (
    EXIT_HEALTH_ALERT,
    archive_session,
    db_option,
    format_option,
    info,
    output_option,
    output_stream,
    user_errors,
    verbosity,
)

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

EXPORT_PROGRESS_EVERY = 1000
"""Exported articles between two progress lines off a terminal."""
MAX_ID = 2**63 - 1
"""The largest id SQLite and PostgreSQL (bigint) can hold."""


def check_filters(
    session: Session,
    *,
    sites: Sequence[str] = (),
    topics: Sequence[str] = (),
    regions: Sequence[str] = (),
) -> None:
    """Refuse a filter value the archive does not hold, listing the ones it does:
    ``--topic Hukum`` when the topic is "Hukum & Kriminal" is a typo, not an empty
    answer. Names match ignoring case, as the search itself does."""
    from sqlalchemy import select

    from archive import models

    def check(option: str, given: Sequence[str], valid: list[str]) -> None:
        known = {v.lower() for v in valid}
        unknown = [g for g in given if g.lower() not in known]
        if unknown:
            listed = ", ".join(sorted(set(valid), key=str.lower)) or "none (the archive is empty)"
            raise click.UsageError(
                f"unknown {option} {', '.join(map(repr, unknown))}; the archive has: {listed}"
            )

    if sites:
        check("--site", sites, list(session.scalars(select(models.Site.name))))
    if topics:
        names = session.scalars(select(models.Term.name).where(models.Term.kind == "topic"))
        check("--topic", topics, list(names))
    if regions:
        terms = session.scalars(select(models.Term.name).where(models.Term.kind == "region"))
        site_regions = session.scalars(
            select(models.Site.region).where(models.Site.region.is_not(None))
        )
        check("--region", regions, [*terms, *(r for r in site_regions if r)])


@click.command()
@click.argument("query")
@db_option
@click.option("--site", "sites", multiple=True, help="Only this site (repeatable).")
@click.option("--topic", "topics", multiple=True, help="Only this topic (repeatable).")
@click.option("--region", "regions", multiple=True, help="Only this region (repeatable).")
@click.option("--since", type=click.DateTime(["%Y-%m-%d"]), help="Published on or after (WIB day).")
@click.option(
    "--until", type=click.DateTime(["%Y-%m-%d"]), help="Published on or before (WIB day)."
)
@click.option("--limit", default=20, show_default=True, type=click.IntRange(1, 1_000_000))
@click.option(
    "--exhaustive",
    is_flag=True,
    help="Rank every match; by default a query matching more than 20,000 articles "
    "ranks the 20,000 stored last (fast however common the words).",
)
@format_option()
@output_option
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
    output: Path | None,
) -> None:
    """Full-text search of titles, leads and bodies, best matches first.

    QUERY is words (all must appear), "quoted phrases", prefix* and -excluded words.
    An unknown --site, --topic or --region is an error that lists the valid ones.

    Example: kabar search '"dana desa" banyuasin' --since 2024-01-01 --topic Pemerintahan
    """
    from archive.search import RANK_WINDOW
    from archive.search import search as search_archive
    from kabar.output import search_rows, write_rows

    with user_errors():
        with archive_session(db_url) as session:
            check_filters(session, sites=sites, topics=topics, regions=regions)
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
        with output_stream(output) as out:
            write_rows(out, columns, rows, fmt)
    if fmt == "table" and not hits:
        info("no matches")


@click.command()
@click.argument("article")
@db_option
@click.option("--full", is_flag=True, help="Print the whole body, not its start.")
@format_option(("table", "json", "jsonl"))
@click.option("--json", "as_json", is_flag=True, hidden=True, help="Old spelling of --format json.")
@output_option
def show(
    article: str, db_url: str | None, full: bool, fmt: str, as_json: bool, output: Path | None
) -> None:
    """Show one article (by id or URL): its fields, fetch history, revisions (when, and
    what changed) and copies, times in the site's zone.

    A URL need not be exact: http or https, www., tracking parameters, a #fragment, a
    trailing slash or percent-encoding do not matter. An unknown one is an error that
    lists up to 5 stored URLs close to it.

    Example: kabar show 42    (or: kabar show contoh.id/2024/05/01/berita)
    """
    from archive.details import article_details, close_matches
    from kabar.output import show_details

    with user_errors():
        with archive_session(db_url) as session:
            # An id no database integer can hold names no article (and must not
            # reach the driver, which cannot bind it).
            too_big = article.strip().isdigit() and int(article) > MAX_ID
            details = None if too_big else article_details(session, article)
            near = close_matches(session, article) if details is None else []
        if details is None:
            hint = f"; close: {', '.join(near)}" if near else ""
            raise click.ClickException(f"no article with id or URL {article!r}{hint}")
        with output_stream(output) as out:
            show_details(out, details, full=full, fmt="json" if as_json else fmt)


@click.command()
@click.argument("statement")
@db_option
@format_option()
@output_option
def sql(statement: str, db_url: str | None, fmt: str, output: Path | None) -> None:
    """Run one SQL query on a read-only connection and print its rows.

    Writes are refused by the database itself (SQLite mode=ro, PostgreSQL read-only
    transactions). Views article_view, article_term_view and fetch_view are
    described in docs/schema.md; their times are in the site's zone with its offset
    (published_date is the site's local day), the tables' times are UTC.

    Example: kabar sql "SELECT site, count(*) FROM article_view GROUP BY site"
    """
    from archive.db import check_schema, make_engine, resolve_db_url
    from archive.readonly import readonly_engine, run_query
    from kabar.output import write_rows

    with user_errors():
        make_engine(db_url, create=False).dispose()  # a missing file: the usual one line
        engine = readonly_engine(db_url)
        try:
            check_schema(engine, url=resolve_db_url(db_url))
            with run_query(engine, statement) as result:
                if not result.columns:
                    raise click.ClickException("the statement returned no rows to print")
                with output_stream(output) as out:
                    write_rows(out, result.columns, result.rows, fmt)
        finally:
            engine.dispose()


@click.command()
@click.option("--sites", "sites_file", type=click.Path(path_type=Path), help="sites.toml to use.")
@db_option
@format_option()
@output_option
def status(sites_file: Path | None, db_url: str | None, fmt: str, output: Path | None) -> None:
    """Show each site's health: last run and last success (in the site's zone, and
    how long ago), next due time, articles (with the last 7 days), failed runs over
    runs, and flags: failing (the last run failed hard), yields_nothing (answers
    but gives no article: a layout change), never_crawled, not_in_sites_file (the
    archive holds a site the sites file does not; a warning says so).
    Exit status 4 when a site is failing, for monitoring.

    Example: kabar status --format json
    """
    from datetime import UTC, datetime

    from crawler.sites import load_sites
    from kabar.cli.status import site_statuses, table_rows
    from kabar.output import write_rows

    now = datetime.now(UTC)
    with user_errors():
        configured = {site.name: site.timezone for site in load_sites(sites_file)}
        with archive_session(db_url) as session:
            statuses = site_statuses(session, configured, now)
        unlisted = [s.site for s in statuses if not s.configured]
        if unlisted:
            info(
                f"warning: {len(unlisted)} site(s) in the archive are not in the sites file: "
                f"{', '.join(unlisted)}"
            )
        if fmt == "table":
            columns, rows = table_rows(statuses, now)
        else:
            records = [s.as_dict() for s in statuses]
            columns = list(records[0]) if records else ["site"]
            rows = [[r[c] for c in columns] for r in records]
        with output_stream(output) as out:
            write_rows(out, columns, rows, fmt)
    failing = [s.site for s in statuses if s.failing]
    if failing:
        info(f"failing: {', '.join(failing)}")
        sys.exit(EXIT_HEALTH_ALERT)


@click.command()
@db_option
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["jsonl", "csv", "json", "warc"]),
    default="jsonl",
    show_default=True,
    help="warc: gzipped WARC 1.1 request/response records of each article's latest fetch.",
)
@output_option
@click.option("--site", "site_names", multiple=True, help="Only this site (repeatable).")
@click.option(
    "--keep-formulas",
    is_flag=True,
    help="csv: write cells starting with = + - @ as they are (by default they get a ' "
    "so a spreadsheet does not run scraped text as a formula).",
)
def export(
    db_url: str | None,
    fmt: str,
    output: Path | None,
    site_names: tuple[str, ...],
    keep_formulas: bool,
) -> None:
    """Export every stored article, one record each (id plus the article's fields).

    Progress goes to stderr: on a terminal a running count (articles done/total),
    elsewhere a line every 1,000 articles; none with kabar --quiet.

    Example: kabar export --format csv -o articles.csv
    """
    with user_errors():
        if fmt == "warc":
            _export_warc(db_url, output, site_names)
            return
        from archive.export import EXPORTERS, count_stored
        from kabar.cli.progress import make_task_progress

        with archive_session(db_url) as session:
            check_filters(session, sites=site_names)
            shown = verbosity()
            progress = make_task_progress(
                "articles",
                total=count_stored(session, site_names=site_names),
                every=EXPORT_PROGRESS_EVERY,
                quiet=shown.quiet,
                verbose=shown.verbose,
            )
            try:
                with output_stream(output) as out:
                    if fmt == "json":
                        count = _export_json(session, out, site_names, progress.advance)
                    elif fmt == "csv":
                        from archive.export import export_csv

                        count = export_csv(
                            session,
                            out,
                            site_names=site_names,
                            keep_formulas=keep_formulas,
                            on_record=progress.advance,
                        )
                    else:
                        count = EXPORTERS[fmt](
                            session, out, site_names=site_names, on_record=progress.advance
                        )
            except BaseException:
                progress.abandon()
                raise
            progress.close()
    if output is not None:
        info(f"{count} articles written to {output}")


class _JsonArray:
    """A text stream that turns the JSON Lines written to it into one JSON array."""

    def __init__(self, out: Any) -> None:
        self.out = out
        self.count = 0
        self.pending = ""

    def write(self, text: str) -> int:
        self.pending += text
        *lines, self.pending = self.pending.split("\n")
        for line in lines:
            if line:
                self.out.write(("[\n  " if not self.count else ",\n  ") + line)
                self.count += 1
        return len(text)

    def close(self) -> None:
        self.write("\n")
        self.out.write("\n]\n" if self.count else "[]\n")


def _export_json(
    session: Session, out: Any, site_names: Sequence[str], on_record: Callable[[], object]
) -> int:
    from archive.export import EXPORTERS

    array = _JsonArray(out)
    count = EXPORTERS["jsonl"](session, array, site_names=site_names, on_record=on_record)  # type: ignore[arg-type]
    array.close()
    return count


def _export_warc(db_url: str | None, output: Path | None, site_names: tuple[str, ...]) -> None:
    """``kabar export --format warc``: binary output, and a count of articles left out."""
    from archive.warc import export_warc

    with archive_session(db_url) as session:
        check_filters(session, sites=site_names)
        with output_stream(output, binary=True) as out:
            report = export_warc(session, out, site_names=site_names)
    where = f" to {output}" if output is not None else ""
    info(f"{report.articles} articles written{where}")
    if report.without_fetch:
        info(
            f"{report.without_fetch} articles left out: no stored fetch "
            "(crawled before evidence was kept, or pruned)"
        )


COMMANDS = [search, show, status, sql, export]
