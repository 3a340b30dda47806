"""What the spider tells its downloader middlewares and scheduler about a request."""

from typing import Final

KIND_META: Final = "kabar_kind"
"""Request meta key naming what a request fetches: home, feed, sitemap, api, listing or
article (the evidence recorder and the distributed scheduler act on it)."""
ARTICLE_KIND: Final = "article"
