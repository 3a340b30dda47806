"""A spider loader that makes one spider per configured site (besides "kabar", all of them).

``scrapy list``, ``scrapy crawl <site>`` and scrapyd then see every site as a
spider of its own without a module per site; the sites file is read once.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from scrapy.spiderloader import SpiderLoader

from crawler.sites import load_sites
from crawler.spiders.site import SiteSpider

if TYPE_CHECKING:
    from scrapy import Spider
    from scrapy.settings import BaseSettings


class SiteSpiderLoader(SpiderLoader):
    def __init__(self, settings: BaseSettings):
        super().__init__(settings)
        for site in load_sites(settings.get("KABAR_SITES_FILE")):
            if site.name in self._spiders:
                raise ValueError(f"site name {site.name!r} clashes with a spider of that name")
            self._spiders[site.name] = SiteSpider.for_site(site)

    def list(self) -> list[str]:
        return sorted(self._spiders)

    def load(self, spider_name: str) -> type[Spider]:
        return super().load(spider_name)
