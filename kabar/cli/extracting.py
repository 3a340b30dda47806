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
    """Print one saved page's extraction as a JSON object (the export's field names),
    with the topics and regions a crawl would give it.

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
        if not explain:
            add_topics_and_regions(record, region=site.region if site is not None else None)
        with output_stream(output) as out:
            out.write(json.dumps(record, ensure_ascii=False, indent=2) + "\n")


def add_topics_and_regions(record: dict[str, Any], *, region: str | None) -> None:
    """Set ``record``'s topics and regions as the crawl does: with the crawl's own
    topic pipeline and region finder (the command line may import ``pipelines``; see
    tests/test_architecture.py), so ``extract`` and a crawl never disagree."""
    from kabar.core.article import Article
    from kabar.core.taxonomy import default_taxonomy
    from pipelines.regions import default_gazetteer
    from pipelines.topics import TopicsPipeline

    article = Article(
        url=record.get("url") or "",
        site=record.get("site") or "",
        title=record.get("title"),
        body=record.get("body"),
        tags=list(record.get("tags") or []),
        categories=list(record.get("categories") or []),
        topics=list(record.get("topics") or []),
        location=record.get("location"),
    )
    record["topics"] = TopicsPipeline(default_taxonomy()).process_item(article).topics
    record["regions"] = default_gazetteer().regions(
        dateline=article.location, title=article.title or "", body=article.body or "", region=region
    )


COMMANDS = [extract]
