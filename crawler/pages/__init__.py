"""Page objects: extraction of article fields from a fetched page, without Scrapy.

Each page kind is one class with one ``@field`` method per field (see
:class:`~crawler.pages.article.ArticlePage`); each field family has its own module
(``titles``, ``people``, ``published``, ``body``, ``terms``, ``media``, ``address``),
decoding is ``document``, classification ``classify``, a site's selectors
``selection``, and every field says where it came from (``provenance``). Spiders only
route requests and hand the page body, URL and fetch time over.

:class:`ExtractionError` is importable without loading the extractor (the
command line catches it in every command); ``ArticlePage`` loads on first use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__all__ = ["ArticlePage", "ExtractionError"]


class ExtractionError(ValueError):
    """A page that cannot be read at all (empty, too large, not HTML); one line, names the URL."""


if TYPE_CHECKING:
    from crawler.pages.article import ArticlePage


def __getattr__(name: str) -> Any:
    if name == "ArticlePage":
        from crawler.pages.article import ArticlePage

        return ArticlePage
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
