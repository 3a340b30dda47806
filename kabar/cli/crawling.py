"""``kabar crawl`` and ``kabar run``: the commands that crawl (and so may migrate)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from kabar.cli.common import (
    EXIT_INTERRUPTED,
    EXIT_SITES_FAILED,
    base_url_option,
    db_option,
    feeds_dir_option,
    info,
    user_errors,
    verbosity,
)

if TYPE_CHECKING:
    from kabar.cli.progress import PlainProgress


def parse_overrides(pairs: tuple[str, ...]) -> dict[str, Any]:
    """``NAME=VALUE`` pairs, each value checked against its setting's type now, so a
    bad one is one line before the crawl starts."""
    from kabar.crawl import SettingError, typed_overrides

    raw: dict[str, str] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip():
            raise click.UsageError(f"--set expects NAME=VALUE, got {pair!r}")
        raw[name.strip()] = value.strip()
    try:
        return typed_overrides(raw)
    except SettingError as exc:
        raise click.UsageError(str(exc)) from None


def set_option(func: Any) -> Any:
    return click.option(
        "--set",
        "overrides",
        multiple=True,
        metavar="NAME=VALUE",
        help="Override a Scrapy/kabar setting for this run (repeatable), e.g. "
        "DOWNLOAD_DELAY=2; the value is checked against the setting's type.",
    )(func)


def sites_options(func: Any) -> Any:
    func = click.option("--site", "site_names", multiple=True, help="Only this site (repeatable).")(
        func
    )
    return click.option(
        "--sites", "sites_file", type=click.Path(path_type=Path), help="sites.toml to use."
    )(func)


def crawl_progress(total: int) -> PlainProgress | None:
    """Live lines while crawling: rich on a terminal, a plain line per site otherwise;
    nothing with --quiet."""
    if verbosity().quiet:
        return None
    from kabar.cli.progress import make_progress

    return make_progress(total)


@click.command()
@sites_options
@db_option
@set_option
@click.option(
    "--log-level",
    help="Show the crawl's log at this level (DEBUG, INFO, WARNING, ERROR); "
    "by default only the per-site report is printed (kabar --verbose: INFO).",
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
    """Crawl the configured sites into the archive, printing one line per site as
    it finishes (on a terminal, with a running total). Exit status 3 when a site
    failed hard.

    Example: kabar crawl --site merahputihnews --db sqlite:///kabar.db

    \b
    Distributed (run the same on every worker machine):
    kabar crawl --redis redis://queue:6379/0 --db postgresql+psycopg://kabar@db/kabar
    """
    with user_errors():
        from crawler.sites import load_sites, select_sites
        from kabar.crawl import refuse_memory_database, run_crawl

        refuse_memory_database(db_url)
        settings = parse_overrides(overrides)
        sites = select_sites(load_sites(sites_file), site_names)
        distributed = {}
        if redis_url:
            from crawler.distributed import check_redis, redis_settings

            distributed = redis_settings(redis_url, prefix=redis_prefix)
            check_redis(redis_url)
        if log_level is None and verbosity().verbose:
            log_level = "INFO"
        progress = crawl_progress(len(sites))
        try:
            report = run_crawl(
                sites,
                db_url=db_url,
                overrides={
                    **distributed,
                    **settings,
                    "LOG_LEVEL": (log_level or "ERROR").upper(),
                },
                quiet=log_level is None,
                progress=progress,
            )
        finally:
            if progress is not None:
                progress.close()
    if progress is None and not verbosity().quiet:
        for site in report.sites:
            click.echo(site.line())
    if report.failed:
        for site in report.failed if verbosity().quiet else ():
            click.echo(site.line(), err=True)
        click.echo(f"{len(report.failed)} of {len(report.sites)} site(s) failed", err=True)
        sys.exit(EXIT_SITES_FAILED)
    if report.interrupted:
        click.echo("crawl stopped before its end; the next run goes on from here", err=True)
        sys.exit(EXIT_INTERRUPTED)


@click.command()
@sites_options
@db_option
@feeds_dir_option()
@base_url_option
@click.option("--force", is_flag=True, help="Crawl every site, due or not.")
@set_option
def run(
    sites_file: Path | None,
    site_names: tuple[str, ...],
    db_url: str | None,
    out_dir: Path,
    base_url: str,
    force: bool,
    overrides: tuple[str, ...],
) -> None:
    """Crawl the sites that are due (skipping those another run holds), then rebuild
    the feeds in --out that changed: the command for cron or a systemd timer. Exit
    status 3 when a site failed hard.

    Example: kabar run --db sqlite:////var/lib/kabar/kabar.db --out /srv/feeds
    """
    with user_errors():
        from crawler.sites import load_sites, select_sites
        from kabar.crawl import refuse_memory_database
        from kabar.run import run_due

        refuse_memory_database(db_url)
        settings = parse_overrides(overrides)
        sites = select_sites(load_sites(sites_file), site_names)
        progress = crawl_progress(len(sites))
        try:
            report = run_due(
                sites,
                db_url=db_url,
                feeds_out=out_dir,
                base_url=base_url,
                force=force,
                overrides={**settings, "LOG_LEVEL": "CRITICAL"},
                progress=progress,
            )
        finally:
            if progress is not None:
                progress.close()
    lines = report.lines()
    if progress is not None:
        lines = lines[len(report.crawled) :]  # the per-site lines were printed live
    if not verbosity().quiet:
        for line in lines:
            click.echo(line)
    if report.failed:
        info(f"{len(report.failed)} site(s) failed")
        sys.exit(EXIT_SITES_FAILED)


COMMANDS = [crawl, run]
