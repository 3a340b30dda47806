"""What the spider tells its downloader middlewares and scheduler about a request."""

from typing import Final

KIND_META: Final = "kabar_kind"
"""Request meta key naming what a request fetches: home, feed, sitemap, api, listing or
article (the evidence recorder and the distributed scheduler act on it)."""
ARTICLE_KIND: Final = "article"
SITE_META: Final = "kabar_site"
"""Request meta key naming the configured site a request is for: one crawler crawls
many sites, and its middlewares count and budget per site."""
TICKET_META: Final = "kabar_ticket"
"""Request meta key of the ticket that tells the spider when a site's crawl is over:
kept by a request's redirects and retries (Scrapy copies meta), returned when its
callback or errback has run or the scheduler dropped it (``crawler.spiders.site``)."""
