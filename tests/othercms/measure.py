"""One site's figures after a crawl of the other-CMS web: articles found of all, pages
fetched that no article crawler needs, requests of the first and second run."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path

from tests.othercms.server import Hits, OtherWeb
from tests.othercms.sites import ARTICLES_PER_SITE


@dataclass
class Row:
    site: str
    platform: str
    found: int
    total: int
    stored_non_articles: list[str]
    never_fetched: list[str]
    first_requests: int = 0
    second_requests: int = 0
    second_new: int = 0

    def line(self) -> str:
        non = len(self.stored_non_articles) + len(self.never_fetched)
        return (
            f"{self.site:<8} {self.platform:<28} {self.found:>3}/{self.total:<3} "
            f"{non:>4} {self.first_requests:>6} {self.second_requests:>7}"
        )


HEADER = f"{'site':<8} {'platform':<28} found  non-art first second"


def stored(db: Path) -> dict[str, list[str]]:
    with sqlite3.connect(db) as connection:
        rows = connection.execute(
            "SELECT s.name, a.url FROM articles a JOIN sites s ON s.id = a.site_id"
        ).fetchall()
    out: dict[str, list[str]] = {}
    for site, url in rows:
        out.setdefault(site, []).append(url)
    return out


def measure(web: OtherWeb, db: Path, hits: dict[str, Hits]) -> dict[str, Row]:
    """Each site's row from the archive ``db`` and the first run's ``hits``."""
    rows = {}
    by_site = stored(db)
    for name, site in web.sites.items():
        found: set[int] = set()
        wrong: list[str] = []
        for url in by_site.get(name, []):
            page = web.resolve(name, url)
            if page.kind == "article" and page.article is not None:
                found.add(page.article)
            else:
                wrong.append(url)
        rows[name] = Row(
            site=name,
            platform=site.platform,
            found=len(found),
            total=ARTICLES_PER_SITE,
            stored_non_articles=wrong,
            never_fetched=sorted(hits[name].of("never")),
            first_requests=hits[name].total(),
        )
    return rows
