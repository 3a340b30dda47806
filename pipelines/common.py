"""What every kabar pipeline shares: access to the site being crawled, counted drops."""

from __future__ import annotations

from typing import TYPE_CHECKING, NoReturn
from weakref import WeakKeyDictionary

from scrapy.exceptions import DropItem

from archive.db import make_engine, make_sessionmaker, upgrade

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from sqlalchemy.orm import Session, sessionmaker

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


_archives: WeakKeyDictionary[Crawler, sessionmaker[Session]] = WeakKeyDictionary()


def archive_sessions(crawler: Crawler) -> sessionmaker[Session]:
    """The archive's session factory for this crawl, shared by the pipelines that
    need it; the first call applies pending migrations (a crawl upgrades itself)."""
    factory = _archives.get(crawler)
    if factory is None:
        engine = make_engine(crawler.settings.get("KABAR_DB_URL"))
        upgrade(engine)
        factory = _archives[crawler] = make_sessionmaker(engine)
    return factory
