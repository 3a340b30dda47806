"""Normalize an article: Unicode NFC, whitespace, a canonical URL, aware dates.

Later steps (deduplication, storage, feeds) compare values byte for byte, so
every text is put in one form here and nowhere else.
"""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Self
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from kabar.core.text import clean_line, clean_names, clean_paragraphs
from kabar.core.times import aware
from kabar.core.urls import canonical_url, http_url, same_site
from pipelines.ahead import computed
from pipelines.common import count, crawled_site

if TYPE_CHECKING:
    from collections.abc import Callable

    from scrapy.crawler import Crawler

    from crawler.sites import SiteConfig
    from kabar.core.article import Article

_ENTITY = re.compile(r"&(?:[a-zA-Z]+|#\d+|#x[0-9a-fA-F]+);")
MAX_FUTURE = timedelta(days=1)
"""A publication date further ahead than this of the fetch is a page's bug, not news."""
MAX_BODY_CHARS = 200_000
"""The body cap when ``KABAR_MAX_BODY_CHARS`` is not set (crawler/settings.py sets it)."""


def clean_body(raw: str) -> str | None:
    """The body as stored: clean paragraphs, one per line (None: nothing left)."""
    return clean_paragraphs(raw) or None


def cap_body(item: Article, max_body_chars: int) -> bool:
    """Cut an oversized body before enrichment, whose cost grows with the body; True
    when it was cut.

    A multi-megabyte "article" is a broken page (a whole archive dumped into one
    post); topics, regions and near-duplicate detection on it would block the
    crawl. The body is cut at the last paragraph boundary under the cap (mid-text
    only when one paragraph alone exceeds it). ``body_html`` longer than twice the
    cap is dropped rather than cut: cutting markup safely means re-parsing it, and
    without it the feeds publish the capped body's paragraphs instead.
    """
    body = item.body
    if body is None or len(body) <= max_body_chars:
        return False
    cut = body.rfind("\n", 0, max_body_chars + 1)
    if cut <= 0:
        cut = body.rfind(" ", 0, max_body_chars + 1)
    item.body = body[: cut if cut > 0 else max_body_chars].rstrip()
    if item.body_html is not None and len(item.body_html) > 2 * max_body_chars:
        item.body_html = None
    return True


def normalize_article(
    item: Article,
    site: SiteConfig | None,
    max_body_chars: int,
    *,
    clean: Callable[[str], str | None] = clean_body,
) -> list[str]:
    """Put ``item`` in its one form (a pure function of the item and its site, so an
    extraction worker can run it ahead, ``pipelines.ahead``); returns what to count
    (``normalized/...`` keys). ``clean``: how a raw body is cleaned (:func:`clean_body`,
    or its result computed ahead)."""
    notes: list[str] = []
    zone = site.tz if site is not None else ZoneInfo("UTC")
    for name in ("title", "lead", "location", "language"):
        setattr(item, name, clean_line(getattr(item, name)) or None)
    # Only a web address is stored or published as the image (never javascript:, file:).
    item.image_url = http_url(item.image_url)
    # Titles and leads are plain text; feeds and sites sometimes hand them escaped.
    for name in ("title", "lead"):
        value = getattr(item, name)
        if value and _ENTITY.search(value):
            setattr(item, name, html.unescape(value))
    item.body = clean(item.body) if item.body else None
    if cap_body(item, max_body_chars):
        notes.append("normalized/body_capped")
    for name in ("authors", "tags", "categories", "topics"):
        setattr(item, name, clean_names(getattr(item, name)))
    if site is not None:
        item.language = item.language or site.language
    # rel=canonical is trusted only when it stays on the site.
    source = item.canonical_url
    if not source or not http_url(source) or not same_site(source, urlsplit(item.url).netloc):
        source = item.url
    item.canonical_url = canonical_url(source)
    item.fetched_at = aware(item.fetched_at) if item.fetched_at else datetime.now(UTC)
    item.published_at = aware(item.published_at, zone) if item.published_at else None
    item.modified_at = aware(item.modified_at, zone) if item.modified_at else None
    if item.published_at is not None and item.published_at > item.fetched_at + MAX_FUTURE:
        notes.append("normalized/future_date")
        item.published_at = None
    if (
        item.modified_at is not None
        and item.published_at is not None
        and item.modified_at < item.published_at
    ):
        item.modified_at = None
    return notes


def _clean_ahead(raw: str) -> str | None:
    return computed("clean_body", raw, lambda: clean_body(raw))


class NormalizePipeline:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.max_body_chars = crawler.settings.getint("KABAR_MAX_BODY_CHARS", MAX_BODY_CHARS)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler)

    def process_item(self, item: Article) -> Article:
        site = crawled_site(self.crawler, item.site)
        for note in normalize_article(item, site, self.max_body_chars, clean=_clean_ahead):
            count(self.crawler, note)
        return item
