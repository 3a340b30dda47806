"""Set an article's topics from kabar's taxonomy (:mod:`kabar.core.taxonomy`)."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING, Self

from kabar.core.taxonomy import Taxonomy, default_taxonomy
from pipelines.ahead import computed, topics_key

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
        assign = partial(
            self.taxonomy.assign,
            title=item.title or "",
            body=item.body or "",
            labels=[*item.categories, *item.tags, *item.topics],
        )
        # Computed ahead by an extraction worker with the shipped taxonomy only.
        shipped = self.taxonomy is default_taxonomy()
        item.topics = computed("topics", topics_key(item), assign) if shipped else assign()
        return item
