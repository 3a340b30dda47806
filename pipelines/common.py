"""What every kabar pipeline shares: the site being crawled, the archive, counted drops."""

from __future__ import annotations

from typing import TYPE_CHECKING, NoReturn

from scrapy.exceptions import DropItem

from crawler.archive_access import archive_sessions

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

    from crawler.sites import SiteConfig


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
