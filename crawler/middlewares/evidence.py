"""Keep the raw HTTP response of every article page as evidence (``archive.evidence``).

Only requests whose ``meta["kabar_kind"]`` is ``"article"`` are recorded (the site
spider marks each request's kind; feeds, listings and the homepage are not evidence
of an article). The middleware sits just after ``HttpCompressionMiddleware`` on the
way back (priority 585 < 590), so it sees the body decoded from gzip/br: the same
page served with another compression is one blob. Redirects are followed first, so
the final response is recorded under the URL that answered.

Settings: ``KABAR_EVIDENCE_ENABLED`` (off raises ``NotConfigured``),
``KABAR_EVIDENCE_RETENTION_DAYS`` (0 keeps everything; else older history is pruned
when the spider closes), ``KABAR_EVIDENCE_KEEP_FETCHES`` (N > 0: only each URL's newest
N fetches are kept, pruned when the spider closes). The archive is the crawl's one
(``crawler.extensions``), written through its one writer.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from functools import partial
from typing import TYPE_CHECKING, Any, Self

from scrapy import signals
from scrapy.exceptions import NotConfigured
from sqlalchemy.exc import SQLAlchemyError

from archive.evidence import prune_evidence, record_fetch
from archive.handle import ArchiveProvider, BatchNotCommitted, Writer
from crawler.requests import ARTICLE_KIND, KIND_META

if TYPE_CHECKING:
    from scrapy import Request
    from scrapy.crawler import Crawler
    from scrapy.http import Headers, Response
    from sqlalchemy.orm import Session, sessionmaker

logger = logging.getLogger(__name__)


def header_pairs(headers: Headers) -> list[tuple[str, str]]:
    """Scrapy's headers as ``(name, value)`` text pairs, repeats kept (latin-1, as HTTP)."""
    return [
        (name.decode("latin-1"), value.decode("latin-1"))
        for name, values in headers.items()
        for value in values
    ]


def _record(session: Session, **fetch: Any) -> int:
    return record_fetch(session, **fetch)


class EvidenceMiddleware:
    """Records article responses through ``archive.evidence.record_fetch``."""

    def __init__(self, crawler: Crawler, *, retention_days: int, keep_fetches: int = 0) -> None:
        self.crawler = crawler
        self.retention_days = retention_days
        self.keep_fetches = keep_fetches
        self._used = False

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        settings = crawler.settings
        if not settings.getbool("KABAR_EVIDENCE_ENABLED", True):
            raise NotConfigured("KABAR_EVIDENCE_ENABLED is off")
        middleware = cls(
            crawler,
            retention_days=settings.getint("KABAR_EVIDENCE_RETENTION_DAYS", 0),
            keep_fetches=settings.getint("KABAR_EVIDENCE_KEEP_FETCHES", 0),
        )
        crawler.signals.connect(middleware.spider_closed, signal=signals.spider_closed)
        return middleware

    def sessions(self) -> sessionmaker[Session]:
        """The crawl's archive (the process's one engine, ``crawler.extensions``)."""
        self._used = True
        return ArchiveProvider.of(self.crawler).sessions

    def writer(self) -> Writer:
        self._used = True
        return ArchiveProvider.of(self.crawler).writer

    def _count(self, key: str) -> None:
        if self.crawler.stats is not None:
            self.crawler.stats.inc_value(f"kabar/evidence/{key}")

    def process_response(self, request: Request, response: Response) -> Response:
        if request.meta.get(KIND_META) != ARTICLE_KIND:
            return response
        try:
            writer = self.writer()
        except SQLAlchemyError as exc:
            self._recorded(response.url, exc)
            return response
        # In the open batch of the process's one writer, on its thread while the crawl
        # runs (the response goes on at once): committed with the article the page gives,
        # or before it (the store pipeline writes it through the same writer, later).
        future = writer.submit(
            partial(
                _record,
                url=response.url,
                request_url=request.url,
                method=request.method,
                request_headers=header_pairs(request.headers),
                status=response.status,
                protocol=response.protocol,
                headers=header_pairs(response.headers),
                body=response.body,
                fetched_at=datetime.now(UTC),
            )
        )
        if future.done():
            self._recorded(response.url, future.exception())
        else:
            from twisted.internet import reactor

            future.add_done_callback(
                lambda done: reactor.callFromThread(  # type: ignore[attr-defined]
                    self._recorded, response.url, done.exception()
                )
            )
        return response

    def _recorded(self, url: str, exc: BaseException | None) -> None:
        if exc is None:
            self._count("recorded")
        elif isinstance(exc, BatchNotCommitted):
            # Recorded, but the batch it was in is gone (the store counts the batch).
            self._count("errors")
        elif isinstance(exc, SQLAlchemyError):
            # Evidence is worth a counted error, not the article: the crawl goes on.
            self._count("errors")
            logger.error("evidence not stored for %s: %s", url, type(exc).__name__)
        else:
            self._count("errors")
            logger.error("evidence not stored for %s", url, exc_info=exc)

    def spider_closed(self) -> None:
        if (self.retention_days <= 0 and self.keep_fetches <= 0) or not self._used:
            return
        try:
            with self.writer().write() as session:
                report = prune_evidence(
                    session, retention_days=self.retention_days, keep_fetches=self.keep_fetches
                )
            logger.info(
                "evidence pruned: %d fetches, %d bodies older than %d days",
                report.fetches,
                report.blobs,
                self.retention_days,
            )
        except SQLAlchemyError as exc:
            logger.error("evidence not pruned: %s", type(exc).__name__)
