"""Drop what is not an article, with a counted reason (``kabar/dropped/<reason>``)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Self

from pipelines.common import drop

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

    from kabar.core.article import Article


class ValidatePipeline:
    def __init__(self, crawler: Crawler, min_body_chars: int) -> None:
        self.crawler = crawler
        self.min_body_chars = min_body_chars

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler, crawler.settings.getint("KABAR_MIN_BODY_CHARS", 200))

    def process_item(self, item: Article) -> Article:
        if not item.canonical_url:
            drop(self.crawler, "no_url", item.url)
        if not item.title:
            drop(self.crawler, "no_title", item.url)
        if not item.body or len(item.body) < self.min_body_chars:
            drop(self.crawler, "short_body", f"{len(item.body or '')} chars at {item.url}")
        return item
