"""Normalize an article: Unicode NFC, whitespace, a canonical URL, aware dates.

Later steps (deduplication, storage, feeds) compare values byte for byte, so
every text is put in one form here and nowhere else.
"""

from __future__ import annotations

import html
import re
import unicodedata
from datetime import UTC, datetime, timedelta, tzinfo
from typing import TYPE_CHECKING, Self
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from crawler.discovery.urls import canonical_url, same_site
from pipelines.common import count, crawled_site

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

    from crawler.items import Article

_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200b\u202f\u205f\u3000]+")
_ENTITY = re.compile(r"&(?:[a-zA-Z]+|#\d+|#x[0-9a-fA-F]+);")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
MAX_FUTURE = timedelta(days=1)
"""A publication date further ahead than this of the fetch is a page's bug, not news."""


def clean_line(text: str | None) -> str | None:
    """NFC, no control characters, runs of white space as one space; empty -> None."""
    if text is None:
        return None
    text = _CONTROL.sub("", unicodedata.normalize("NFC", text))
    text = _SPACES.sub(" ", text.replace("\r", " ").replace("\n", " ")).strip()
    return text or None


def clean_paragraphs(text: str | None) -> str | None:
    """Like :func:`clean_line` per paragraph; one paragraph per line, no blank lines."""
    if text is None:
        return None
    lines = (clean_line(line) for line in text.replace("\r\n", "\n").split("\n"))
    return "\n".join(line for line in lines if line) or None


def clean_names(values: list[str]) -> list[str]:
    """Cleaned, without empties or case-insensitive repeats, order kept."""
    seen: dict[str, str] = {}
    for value in values:
        cleaned = clean_line(value)
        if cleaned:
            seen.setdefault(cleaned.casefold(), cleaned)
    return list(seen.values())


def aware(value: datetime | None, zone: tzinfo) -> datetime | None:
    """``value`` with ``zone`` attached when the page gave no offset."""
    if value is None:
        return None
    if value.tzinfo is None or value.utcoffset() is None:
        return value.replace(tzinfo=zone)
    return value


class NormalizePipeline:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler)

    def process_item(self, item: Article) -> Article:
        site = crawled_site(self.crawler)
        zone = site.tz if site is not None else ZoneInfo("UTC")
        for name in ("title", "lead", "location", "language", "image_url"):
            setattr(item, name, clean_line(getattr(item, name)))
        # Titles and leads are plain text; feeds and sites sometimes hand them escaped.
        for name in ("title", "lead"):
            value = getattr(item, name)
            if value and _ENTITY.search(value):
                setattr(item, name, html.unescape(value))
        item.body = clean_paragraphs(item.body)
        for name in ("authors", "tags", "categories", "topics"):
            setattr(item, name, clean_names(getattr(item, name)))
        if site is not None:
            item.language = item.language or site.language
        # rel=canonical is trusted only when it stays on the site.
        source = item.canonical_url
        if not source or not same_site(source, urlsplit(item.url).netloc):
            source = item.url
        item.canonical_url = canonical_url(source)
        item.fetched_at = aware(item.fetched_at, UTC) or datetime.now(UTC)
        item.published_at = aware(item.published_at, zone)
        item.modified_at = aware(item.modified_at, zone)
        if item.published_at is not None and item.published_at > item.fetched_at + MAX_FUTURE:
            count(self.crawler, "normalized/future_date")
            item.published_at = None
        if (
            item.modified_at is not None
            and item.published_at is not None
            and item.modified_at < item.published_at
        ):
            item.modified_at = None
        return item
