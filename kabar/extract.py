"""One page's extraction as a record with the export's field names (``kabar extract``).

The tool a user reaches for when a site looks wrong, and what benchmarks call:
the page object's fields under :data:`kabar.core.article.ARTICLE_FIELDS`, times as
ISO 8601 with their offset. ``canonical_url`` is the address the page claims for itself
(the pipeline trusts it only on the same site); fields the pipelines add after
extraction (``topics``, ``regions``) are empty here. :func:`explain_page` says where
each field came from and which candidates it beat (``kabar extract --explain``).
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import TYPE_CHECKING, Any

from crawler.pages import ExtractionError
from kabar.core.article import ARTICLE_FIELDS, LIST_FIELDS

if TYPE_CHECKING:
    from crawler.pages.article import ArticlePage
    from crawler.sites import SiteConfig

__all__ = ["DEFAULT_TIMEZONE", "explain_page", "extract_page"]

logger = logging.getLogger(__name__)

DEFAULT_TIMEZONE = "Asia/Jakarta"
"""Where a page's times without an offset are read when no site is given."""


def _read(
    html: bytes | str,
    *,
    url: str | None,
    site: SiteConfig | None,
    fetched_at: datetime | None,
    encoding: str | None,
    source: str,
) -> tuple[ArticlePage, str]:
    """The page object for one page, and the label errors name it by."""
    from crawler.pages.article import ArticlePage

    page_url = url or (site.url if site is not None else "")
    label = page_url or source
    try:
        if site is not None:
            page = site.read_page(page_url, html, fetched_at=fetched_at, encoding=encoding)
        else:
            page = ArticlePage(
                page_url, html, timezone=DEFAULT_TIMEZONE, fetched_at=fetched_at, encoding=encoding
            )
    except ExtractionError as exc:
        reason = str(exc).removeprefix(f"{page_url}: ")
        raise ExtractionError(f"{label}: {reason}") from None
    return page, label


def extract_page(
    html: bytes | str,
    *,
    url: str | None = None,
    site: SiteConfig | None = None,
    fetched_at: datetime | None = None,
    encoding: str | None = None,
    source: str = "page",
) -> dict[str, Any]:
    """Extract one page; every key of ``ARTICLE_FIELDS``, JSON-ready.

    ``site`` gives the time zone and language (and the base URL when ``url`` is
    None). Raises :class:`~crawler.pages.ExtractionError` (one line, naming the
    URL, else ``source``) when the page cannot be read at all.
    """
    page, label = _read(
        html, url=url, site=site, fetched_at=fetched_at, encoding=encoding, source=source
    )
    try:
        fields = page.to_fields()
    except Exception as exc:  # a bug in one field must not become a traceback
        logger.exception("extraction failed for %s", label)
        raise ExtractionError(f"{label}: extraction failed: {exc!r}") from exc
    for field in dict.fromkeys(page.selector_misses):
        logger.warning(
            "%s: the site's %s selector found nothing; extracted generically", label, field
        )
    record: dict[str, Any] = {}
    for name in ARTICLE_FIELDS:
        value = fields.get(name)
        if name == "site":
            value = site.name if site is not None else None
        elif name in LIST_FIELDS and value is None:
            value = []
        record[name] = value.isoformat() if isinstance(value, datetime) else value
    return record


def explain_page(
    html: bytes | str,
    *,
    url: str | None = None,
    site: SiteConfig | None = None,
    fetched_at: datetime | None = None,
    encoding: str | None = None,
    source: str = "page",
) -> dict[str, dict[str, Any]]:
    """Where each extracted field came from: field -> ``source`` (selector, rest, json-ld,
    meta, microdata, visible, text, url, fallback, or "page object" for a site's code),
    ``detail`` (which tag or element), ``value``, and ``candidates`` (every source that
    had a value, strongest first, the chosen one among them). JSON-ready; same arguments
    and errors as :func:`extract_page`.
    """
    page, label = _read(
        html, url=url, site=site, fetched_at=fetched_at, encoding=encoding, source=source
    )
    try:
        return page.explain()
    except Exception as exc:  # a bug in one field must not become a traceback
        logger.exception("extraction failed for %s", label)
        raise ExtractionError(f"{label}: extraction failed: {exc!r}") from exc
