"""Page objects: extraction of article fields from a fetched page, without Scrapy.

Each page kind is one class with one property per field (see
:class:`~crawler.pages.article.ArticlePage`); spiders only route requests and
hand the page body, URL and fetch time over.
"""

from __future__ import annotations

__all__ = ["ArticlePage", "ExtractionError"]


class ExtractionError(ValueError):
    """A page that cannot be read at all (empty, too large, not HTML); one line, names the URL."""


from crawler.pages.article import ArticlePage  # noqa: E402  (ExtractionError must exist first)
