"""Set an article's topics from kabar's taxonomy (:mod:`kabar.core.taxonomy`)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Self

from kabar.core.taxonomy import Taxonomy, default_taxonomy

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

    from kabar.core.article import Article


class TopicsPipeline:
    """Sets ``item.topics`` from the shipped taxonomy."""

    def __init__(self, taxonomy: Taxonomy) -> None:
        self.taxonomy = taxonomy

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(default_taxonomy())

    def process_item(self, item: Article) -> Article:
        item.topics = self.taxonomy.assign(
            title=item.title or "",
            body=item.body or "",
            labels=[*item.categories, *item.tags, *item.topics],
        )
        return item
