"""Drop exact duplicates: the same canonical URL twice in a run, or the same body
(:func:`pipelines.fingerprints.body_hash`) under another URL, in this run or stored.

A re-crawl of a stored URL is not a duplicate: it goes on to the store, which
updates the row or writes nothing.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Self

from sqlalchemy.exc import SQLAlchemyError

from archive.db import session_scope
from archive.repository import find_by_body_hash
from pipelines.common import archive_sessions, count, drop
from pipelines.fingerprints import body_hash

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

    from crawler.items import Article

logger = logging.getLogger(__name__)


class DeduplicatePipeline:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.seen_urls: set[str] = set()
        self.seen_bodies: dict[str, str] = {}

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler)

    def process_item(self, item: Article) -> Article:
        url = item.canonical_url or item.url
        if url in self.seen_urls:
            drop(self.crawler, "duplicate_url", url)
        self.seen_urls.add(url)
        fingerprint = body_hash(item.body)
        if fingerprint is None:
            return item
        original = self.seen_bodies.setdefault(fingerprint, url)
        if original != url:
            drop(self.crawler, "duplicate_body", f"{url} repeats {original}")
        try:
            with session_scope(archive_sessions(self.crawler)) as session:
                stored = find_by_body_hash(session, fingerprint, exclude_url=url)
        except SQLAlchemyError as exc:
            # The store pipeline reports the database fault; do not lose the item here.
            count(self.crawler, "errors/database")
            logger.warning("duplicate check skipped for %s: %s", url, exc.__class__.__name__)
            return item
        if stored is not None:
            drop(self.crawler, "duplicate_body", f"{url} repeats stored article {stored}")
        return item
