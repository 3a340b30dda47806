"""Store articles in the archive (upsert by canonical URL) and the run's per-site counts.

Articles go through the process's one writer (:class:`archive.repository.Writer`):
each is written, with its place in a story (near-duplicates across sites and runs,
``archive.stories``), in a savepoint of the open batch, and the batch commits every
``KABAR_STORE_BATCH_ITEMS`` articles or ``KABAR_STORE_BATCH_S`` seconds and when the
spider closes (a SIGTERM closes it). A killed crawl keeps every committed batch,
loses at most the open one (fetched again by the next run) and stores no copy
unlinked. A database fault drops the item with a counted reason and the crawl goes on.
When the writer runs on its own thread (``KABAR_STORE_THREAD``), the item waits for its
write there, and the reactor goes on meanwhile.
"""

from __future__ import annotations

import asyncio
import logging
from contextlib import suppress
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial
from typing import TYPE_CHECKING, Any, NoReturn, Self

from scrapy import signals
from sqlalchemy.exc import SQLAlchemyError

from archive.handle import ArchiveProvider, BatchNotCommitted, Writer
from archive.repository import (
    Outcome,
    SiteInfo,
    ensure_site,
    upsert_article,
)
from archive.stories import NewArticle
from pipelines import near_duplicates
from pipelines.ahead import computed
from pipelines.common import count, crawled_site, drop
from pipelines.fingerprints import body_hash
from pipelines.near_duplicates import UNSIGNED, Unsigned

if TYPE_CHECKING:
    from collections.abc import Coroutine
    from concurrent.futures import Future

    from scrapy.crawler import Crawler
    from sqlalchemy.orm import Session

    from archive.stories import Signature, StoryLink
    from kabar.core.article import Article

logger = logging.getLogger(__name__)

Stored = tuple[Outcome, "StoryLink | None"]
"""What an article's write gives: its outcome and its place in a story."""


@dataclass(frozen=True)
class Ready:
    """What the write needs computed from the body, when an extraction worker computed
    it already (``pipelines.ahead``; None: not computed, the write computes it, by the
    same functions)."""

    body_hash: str | None
    prepared: near_duplicates.Prepared | None
    signature: Signature | Unsigned | None
    """The body signed whole (used when the site has no boilerplate in it)."""

    @classmethod
    def of(cls, body: str | None) -> Self:
        if not body:
            return cls(None, None, UNSIGNED)
        return cls(
            computed("body_hash", body, lambda: None),
            computed("prepared", body, lambda: None),
            computed("signature", body, lambda: UNSIGNED),
        )


class StorePipeline:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.site_ids: dict[str, int] = {}
        self.started_at = datetime.now(UTC)
        self.counts = dict.fromkeys(Outcome, 0)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        pipeline = cls(crawler)
        # The run's counts are recorded when the spider has closed, with the reason Scrapy
        # gives it ("finished", "closespider_pagecount", "shutdown", ...): in
        # close_spider, the stats do not have it yet.
        crawler.signals.connect(pipeline.spider_closed, signal=signals.spider_closed)
        return pipeline

    def _writer(self) -> Writer:
        writer = ArchiveProvider.of(self.crawler).writer
        writer.max_items = self.crawler.settings.getint("KABAR_STORE_BATCH_ITEMS", 50)
        writer.max_age_s = self.crawler.settings.getfloat("KABAR_STORE_BATCH_S", 1.0)
        return writer

    def _site_id(self, session: Session, item: Article) -> int:
        site_id = self.site_ids.get(item.site)
        if site_id is None:
            site = crawled_site(self.crawler, item.site)
            info = SiteInfo.of(site) if site is not None else SiteInfo(item.site, item.url)
            site_id = self.site_ids[item.site] = ensure_site(session, info)
        return site_id

    def open_spider(self) -> None:
        self.started_at = datetime.now(UTC)
        try:
            ArchiveProvider.of(self.crawler)
        except SQLAlchemyError as exc:
            # Fail at the first item instead, with a counted reason each time.
            logger.error("archive unavailable at start: %s", exc.__class__.__name__)

    def _store(self, session: Session, item: Article, ready: Ready) -> Stored:
        """The article's write (on the writer's thread when it has one)."""
        site_id = self._site_id(session, item)
        article_id, outcome = upsert_article(
            session,
            site_id,
            item,
            body_hash=ready.body_hash or body_hash(item.body),
            story_later=True,  # written by link_article, with the article's story
        )
        link = None
        if outcome is not Outcome.UNCHANGED:
            new = NewArticle(article_id, site_id, item.published_at)
            link = near_duplicates.link_article(
                session,
                site_id,
                article_id,
                ready.prepared or item.body,
                unsigned=outcome is Outcome.NEW,
                whole=ready.signature,
                new=new if outcome is Outcome.NEW else None,
            )
        return outcome, link

    def process_item(self, item: Article) -> Article | Coroutine[Any, Any, Article]:
        """Stored through the writer: on its thread when it has one (the item waits for
        its write there, a coroutine, while the reactor goes on), else at once."""
        try:
            writer = self._writer()
        except SQLAlchemyError as exc:
            self._failed(item, exc)
        future = writer.submit(partial(self._store, item=item, ready=Ready.of(item.body)))
        if future.done():
            return self._stored(item, future)
        return self._await(item, future)

    async def _await(self, item: Article, future: Future[Stored]) -> Article:
        with suppress(Exception):
            await asyncio.wrap_future(future)
        return self._stored(item, future)

    def _stored(self, item: Article, future: Future[Stored]) -> Article:
        exc = future.exception()
        if isinstance(exc, BatchNotCommitted):
            self.site_ids.clear()  # they may have been made in the batch now gone
            count(self.crawler, "errors/database", max(1, exc.lost))
            logger.error("a batch of %d writes was not committed: %s", exc.lost, exc.__cause__)
            outcome, link = exc.result
        elif exc is not None:
            self._failed(item, exc)
        else:
            outcome, link = future.result()
        if link is not None and link.matched is not None:
            count(self.crawler, "stories/copies", site=item.site)
            logger.debug("%s is a copy of article %d (%.2f)", item.url, link.matched, link.score)
        self.counts[outcome] += 1
        count(self.crawler, f"articles/{outcome.value}", site=item.site)
        return item

    def _failed(self, item: Article, exc: BaseException) -> NoReturn:
        if not isinstance(exc, SQLAlchemyError):
            raise exc
        self.site_ids.clear()  # they may have been made in a batch now gone
        count(self.crawler, "errors/database", site=item.site)
        logger.error("not stored, database error: %s (%s)", item.url, exc.__class__.__name__)
        drop(self.crawler, "database_error", item.url)

    def _commit_if_due(self, writer: Writer, *, now: bool = False) -> None:
        pending = writer.pending
        try:
            writer.commit() if now else writer.commit_if_due()
        except SQLAlchemyError as exc:
            self.site_ids.clear()
            count(self.crawler, "errors/database", max(1, pending))
            logger.error(
                "a batch of %d writes was not committed: %s", pending, exc.__class__.__name__
            )

    def close_spider(self) -> None:
        """The last articles are committed now (a SIGTERM's graceful stop comes here)."""
        self._flush()

    def _flush(self) -> None:
        try:
            writer = self._writer()
        except SQLAlchemyError:
            return  # no archive: nothing was written
        self._commit_if_due(writer, now=True)

    def spider_closed(self, reason: str) -> None:
        """After the spider's last site recorded its run (``crawler.sitecrawl``)."""
        self._flush()
