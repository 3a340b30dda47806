"""``kabar extract``: one saved page's extraction, no archive involved."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import click

from kabar.cli.common import output_option, output_stream, user_errors


@click.command()
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
@click.option(
    "--explain",
    is_flag=True,
    help="Print each field's source (selector, json-ld, meta, microdata, visible text, "
    "fallback …) and the candidates it beat, instead of the record.",
)
@output_option
def extract(
    page: Any,
    url: str | None,
    site_name: str | None,
    sites_file: Path | None,
    fetched_at: datetime | None,
    explain: bool,
    output: Path | None,
) -> None:
    """Print one saved page's extraction as a JSON object (the export's field names).

    Reads the page's bytes in any encoding from FILE, or from stdin with "-".
    Relative times ("2 jam yang lalu") count back from --fetched-at.

    Example: kabar extract --url https://merahputihnews.co.id/2023/07/17/rakor/ page.html

    Example: curl -s https://halopos.id/berita/1/ | kabar extract --site halopos -

    Example: kabar extract --explain --url https://merahputihnews.co.id/2023/07/17/rakor/ page.html
    """
    import json

    with user_errors():
        from crawler.pages.article import MAX_HTML_CHARS
        from crawler.sites import load_sites, select_sites
        from kabar.extract import explain_page, extract_page

        site = select_sites(load_sites(sites_file), [site_name])[0] if site_name else None
        data = page.read(MAX_HTML_CHARS + 1)
        source = getattr(page, "name", None) or "<stdin>"
        if fetched_at is None:
            saved = Path(source).stat().st_mtime if Path(source).is_file() else None
            fetched_at = datetime.fromtimestamp(saved, UTC) if saved else datetime.now(UTC)
            fetched_at = fetched_at.replace(microsecond=0)
        read = explain_page if explain else extract_page
        record = read(data, url=url, site=site, fetched_at=fetched_at, source=str(source))
        with output_stream(output) as out:
            out.write(json.dumps(record, ensure_ascii=False, indent=2) + "\n")


COMMANDS = [extract]
