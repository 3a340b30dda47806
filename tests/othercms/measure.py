"""One site's figures after crawls of the other-CMS web: articles found of all, pages
fetched that no article crawler needs, requests of the first run, of a second run of
the unchanged web, and of a third after the sites published more."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path

from tests.othercms.server import Hits, OtherWeb


@dataclass
class Row:
    site: str
    platform: str
    found: int
    total: int
    stored_non_articles: list[str]
    never_fetched: list[str]
    """Pages no article crawler needs (tags, authors, search, login, static pages)."""
    fetched_as_articles: list[str]
    """URLs fetched as articles that gave none (the archive's dead URLs)."""
    first_requests: int = 0
    second_requests: int = 0
    second_new: int = 0
    later_found: int = 0
    later_total: int = 0
    third_requests: int = 0

    def line(self) -> str:
        non = len({*self.stored_non_articles, *self.never_fetched, *self.fetched_as_articles})
        return (
            f"{self.site:<8} {self.platform:<28} {self.found:>3}/{self.total:<3} "
            f"{non:>4} {self.first_requests:>6} {self.second_requests:>7} "
            f"{self.later_found:>4}/{self.later_total:<3} {self.third_requests:>6}"
        )


HEADER = f"{'site':<8} {'platform':<28} found  non-art first second  later  third"


def stored(db: Path) -> dict[str, list[str]]:
    with sqlite3.connect(db) as connection:
        rows = connection.execute(
            "SELECT s.name, a.url FROM articles a JOIN sites s ON s.id = a.site_id"
        ).fetchall()
    out: dict[str, list[str]] = {}
    for site, url in rows:
        out.setdefault(site, []).append(url)
    return out


def dead(db: Path, name: str) -> list[str]:
    with sqlite3.connect(db) as connection:
        rows = connection.execute("SELECT url FROM dead_urls WHERE site_name = ?", (name,))
        return sorted(url for (url,) in rows)


def found_in(web: OtherWeb, db: Path, name: str) -> tuple[set[int], list[str]]:
    """The site's articles (numbers) stored in ``db``, and the stored URLs of no article."""
    found: set[int] = set()
    wrong: list[str] = []
    for url in stored(db).get(name, []):
        page = web.resolve(name, url)
        if page.kind == "article" and page.article is not None:
            found.add(page.article)
        else:
            wrong.append(url)
    return found, wrong


def measure(web: OtherWeb, db: Path, hits: dict[str, Hits]) -> dict[str, Row]:
    """Each site's row from the archive ``db`` and the first run's ``hits``."""
    rows = {}
    for name, site in web.sites.items():
        found, wrong = found_in(web, db, name)
        rows[name] = Row(
            site=name,
            platform=site.platform,
            found=len(found),
            total=len(site.posts),
            stored_non_articles=wrong,
            never_fetched=sorted(hits[name].of("never")),
            fetched_as_articles=dead(db, name),
            first_requests=hits[name].total(),
        )
    return rows
