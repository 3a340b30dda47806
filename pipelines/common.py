"""What every kabar pipeline shares: the site being crawled, the archive, counted drops."""

from __future__ import annotations

from typing import TYPE_CHECKING, NoReturn

from scrapy.exceptions import DropItem

from archive.handle import ArchiveProvider

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from sqlalchemy.orm import Session, sessionmaker

    from crawler.sites import SiteConfig


def archive_sessions(crawler: Crawler) -> sessionmaker[Session]:
    """The session factory of the crawl's archive (the process's one engine), from the
    crawl's archive extension (``crawler.get_extension``), not from the crawler package."""
    return ArchiveProvider.of(crawler).sessions


def crawled_site(crawler: Crawler) -> SiteConfig | None:
    """The site config of the running spider (None for a spider that is not a site's)."""
    return getattr(crawler.spider, "site", None)


def count(crawler: Crawler, key: str, value: int = 1) -> None:
    if crawler.stats is not None:
        crawler.stats.inc_value(f"kabar/{key}", value)


def drop(crawler: Crawler, reason: str, detail: str) -> NoReturn:
    """Count the drop under ``kabar/dropped/<reason>`` and reject the item."""
    count(crawler, f"dropped/{reason}")
    raise DropItem(f"{reason}: {detail}")


__all__ = ["archive_sessions", "count", "crawled_site", "drop"]
