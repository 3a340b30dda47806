"""Whether a page is one article, not a listing, category, tag, author or search page.

Signals add up: structured types, ``og:type``, WordPress body classes, the address,
and what the page holds (a headline, a stated date, long paragraphs).
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from lxml.html import HtmlElement

from crawler.pages.sources import ARTICLE_TYPES, LISTING_TYPES, Sources, type_names

__all__ = ["ARTICLE_THRESHOLD", "article_score", "content_score", "is_dated_permalink"]

ARTICLE_THRESHOLD = 3
"""A page scoring this much or more is an article."""
_DATED_PERMALINK = re.compile(r"/(?:19|20)\d\d/[01]?\d/(?:[0-3]?\d/)?(?P<slug>[^/]+)/?$")
"""A post's own address: /2023/07/17/some-slug/ (WordPress and most news sites); the
archive of a day or month (/2023/07/17/) has no slug."""
_LISTING_PATH = re.compile(
    r"/(?:tag|tags|category|kategori|categories|author|penulis|topic|topik|label|search|"
    r"cari|indeks|index|arsip|archive|page)(?:/|$)|[?&](?:s|q|search)=",
    re.I,
)
_LISTING_BODY_CLASSES = frozenset(
    {"archive", "category", "tag", "author", "search", "home", "blog", "paged", "search-results"}
)
_ARTICLE_BODY_CLASSES = frozenset({"single", "single-post", "single-format-standard"})


def is_dated_permalink(path: str) -> bool:
    """/2023/07/17/some-slug/: a dated path whose last segment is a slug (letters and a
    hyphen), not a day or month archive."""
    match = _DATED_PERMALINK.search(path)
    if match is None:
        return False
    slug = match["slug"]
    return "-" in slug and any(c.isalpha() for c in slug)


def article_score(url: str, tree: HtmlElement, sources: Sources) -> int:
    """The page's markup and address as evidence: positive for an article."""
    score = 0
    types = sources.types()
    articles = [o for o in sources.objects if ARTICLE_TYPES & type_names(o)]
    if len(articles) == 1 or (articles and sources.article.get("articleBody")):
        score += 3
    elif len(articles) > 3:
        score -= 2
    if types & (LISTING_TYPES - {"website"}) and not articles:
        score -= 2
    og_type = (sources.first_meta("og:type") or "").lower()
    score += 2 if og_type == "article" else -1 if og_type == "website" else 0
    body = tree.find("body")
    body_classes = set((body.get("class") or "").split()) if body is not None else set()
    if body_classes & _LISTING_BODY_CLASSES:
        score -= 3
    if body_classes & _ARTICLE_BODY_CLASSES or any(c.startswith("postid-") for c in body_classes):
        score += 2
    parts = urlsplit(url)
    if _LISTING_PATH.search(parts.path + "?" + parts.query):
        score -= 2
    elif is_dated_permalink(parts.path):
        score += 1
    return score


def content_score(*, body: str, has_headline: bool, has_stated_date: bool) -> int:
    """What the page holds as evidence: a headline, a date it states (not a guess:
    listings have dates too), and a body of long paragraphs."""
    score = 1 if has_headline else 0
    score += 1 if has_stated_date else 0
    long_paragraphs = sum(1 for p in body.split("\n") if len(p) >= 80)
    if len(body) >= 600 and long_paragraphs >= 2:
        score += 2
    elif len(body) < 200:
        score -= 2
    return score
