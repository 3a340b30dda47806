"""What every kabar pipeline shares: the site being crawled, the archive, counted drops."""

from __future__ import annotations

from typing import TYPE_CHECKING, NoReturn

from scrapy.exceptions import DropItem

from kabar.core.counts import inc

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

    from crawler.sites import SiteConfig


def crawled_site(crawler: Crawler, name: str) -> SiteConfig | None:
    """The config of the crawled site ``name`` (an item's ``site``): one crawler crawls
    many sites. None when the spider is not kabar's (a test's spider)."""
    configs = getattr(crawler.spider, "site_configs", None)
    return configs().get(name) if callable(configs) else None


def count(crawler: Crawler, key: str, value: int = 1, *, site: str | None = None) -> None:
    """Count ``kabar/<key>`` for the crawl, and for ``site`` when given."""
    inc(crawler.stats, key, value, site=site)


def drop(crawler: Crawler, reason: str, detail: str, *, site: str | None = None) -> NoReturn:
    """Count the drop under ``kabar/dropped/<reason>`` and reject the item."""
    count(crawler, f"dropped/{reason}", site=site)
    raise DropItem(f"{reason}: {detail}")


__all__ = ["count", "crawled_site", "drop"]
