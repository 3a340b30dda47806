"""Drop the same article seen twice in one run (one canonical URL, or its http/https
or ``www.`` variant, :func:`archive.stories.url_key`).

Copies under other URLs are not dropped: the store keeps every copy and links
copies of one story (``pipelines.near_duplicates``, ``archive.stories``). A
re-crawl of a stored URL goes on to the store too, which updates the row, keeps
a revision, or writes nothing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Self

from kabar.core.urls import url_key
from pipelines.common import drop

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

    from kabar.core.article import Article


class DeduplicatePipeline:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.seen_keys: set[str] = set()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler)

    def process_item(self, item: Article) -> Article:
        url = item.canonical_url or item.url
        key = url_key(url)
        if key in self.seen_keys:
            drop(self.crawler, "duplicate_url", url)
        self.seen_keys.add(key)
        return item
