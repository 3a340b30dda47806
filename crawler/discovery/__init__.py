"""Finding a site's article URLs: one small module per strategy, pure functions only.

Strategies, cheapest and most structured first: the WordPress REST API
(:mod:`.wordpress`), feeds (:mod:`.feeds`), sitemaps (:mod:`.sitemaps`) and listing
pages (:mod:`.urls` classifies what a link points to: WordPress's, Drupal's,
Joomla's and hand-written portals' URLs, and pagers by number, offset or words). Each yields
:class:`~crawler.discovery.candidate.Candidate` values; nothing here imports Scrapy.
"""

from __future__ import annotations

from crawler.discovery.candidate import Candidate
from crawler.discovery.feeds import COMMON_FEED_PATHS, FeedError, feed_links, parse_feed
from crawler.discovery.urls import UrlKind, classify_url, page_links
from kabar.core.urls import same_site

__all__ = [
    "COMMON_FEED_PATHS",
    "Candidate",
    "FeedError",
    "UrlKind",
    "classify_url",
    "feed_links",
    "page_links",
    "parse_feed",
    "same_site",
]
