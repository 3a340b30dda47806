"""The crawl's connection to the archive: one engine per crawler, made on first use.

Spiders (incremental state) and pipelines (storage) share it; the first use applies
pending migrations, so a crawl upgrades its database itself.
"""

from __future__ import annotations

from typing import TYPE_CHECKING
from weakref import WeakKeyDictionary

from archive.db import make_engine, make_sessionmaker, upgrade
from archive.repository import SiteInfo

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from sqlalchemy.orm import Session, sessionmaker

    from crawler.sites import SiteConfig

_archives: WeakKeyDictionary[Crawler, sessionmaker[Session]] = WeakKeyDictionary()


def archive_sessions(crawler: Crawler) -> sessionmaker[Session]:
    """The archive's session factory for this crawl (``KABAR_DB_URL``)."""
    factory = _archives.get(crawler)
    if factory is None:
        engine = make_engine(crawler.settings.get("KABAR_DB_URL"))
        upgrade(engine)
        factory = _archives[crawler] = make_sessionmaker(engine)
    return factory


def site_info(site: SiteConfig) -> SiteInfo:
    """What the archive keeps of a configured site (the one mapping of the two)."""
    return SiteInfo(
        name=site.name,
        url=site.url,
        region=site.region,
        language=site.language,
        timezone=site.timezone,
    )
