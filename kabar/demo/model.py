"""The mock web's data types: articles, faults, listings and a site's data.

The bottom of :mod:`kabar.demo`: the renderers (:mod:`.themes`, :mod:`.documents`,
:mod:`.traps`, :mod:`.wpjson`) and the generator (:mod:`.web`) import these; this
module imports none of them, so the package's imports run one way.
"""

from __future__ import annotations

import functools
import hashlib
import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Literal
from urllib.parse import urljoin

from kabar.demo.http import HTML, MockResponse, http_date
from kabar.demo.text import excerpt, slugify

LOGO = "/wp-content/uploads/logo.png"
"""Every site's logo image (served as a small PNG)."""

FaultKind = Literal[
    "server_error", "not_found", "not_html", "very_slow", "huge", "redirect_loop",
    "robots_disallowed", "calendar", "endless_pagination",
]  # fmt: skip
"""What a fault URL does (see :class:`Fault`); the articles' quirks are faults too."""
Quirk = Literal["flaky", "rate_limited", "slow", "latin1_declared", "cp1252_bytes"]
"""How a good article misbehaves before a crawler gets it right (see :mod:`kabar.demo.traps`)."""
ListingKind = Literal["home", "category", "tag", "author"]
RestApi = Literal["enabled", "disabled", "none"]
SitemapKind = Literal["index", "urlset", "yoast_news", "none"]
Query = Mapping[str, list[str]]


@dataclass(frozen=True)
class MockArticle:
    """One article, and what a crawler should extract from its page."""

    site: str
    post_id: int
    path: str
    slug: str
    title: str
    paragraphs: tuple[str, ...]
    """Body paragraphs, the dateline opening the first; no "Baca juga", no credit."""
    credit: str
    """The reporter credit that closes the body, e.g. "(Deni)."."""
    author: str
    published: datetime
    """Aware, in WIB."""
    modified: datetime
    category: str
    """The category's slug; ``category_label`` is its name."""
    category_label: str
    tags: tuple[str, ...]
    location: str
    """The dateline's place as an extractor should report it, e.g. "Tanjung Lago"."""
    image_path: str
    see_also: str | None = None
    """Path of the article the inline "Baca juga" link points to."""
    syndicated_from: str | None = None
    """For a republished press release: the site that ran it first."""
    malformed: bool = False
    """Served with broken markup (still an article)."""
    day: int = 0
    """The day of the web it first appears on."""
    quirk: Quirk | None = None
    """How its page misbehaves (a fault the crawler must recover from), if it does."""

    @property
    def body(self) -> str:
        """The plain text body, one paragraph per line, credit last."""
        return "\n".join((*self.paragraphs, self.credit))

    @property
    def summary(self) -> str:
        return excerpt(self.paragraphs)

    def url(self, base_url: str) -> str:
        return urljoin(base_url, self.path)


_FIRST_STATUS: dict[str, int] = {
    "server_error": 500, "not_found": 404, "redirect_loop": 302, "flaky": 500,
    "rate_limited": 429,
}  # fmt: skip


@dataclass(frozen=True)
class Fault:
    """A deliberately broken or trapping link, or an article's quirk, for robustness tests."""

    site: str
    path: str
    kind: FaultKind | Quirk
    title: str
    """The link text the homepage shows (the headline, for an article's quirk)."""
    target: str | None = None
    """Where a redirect loop's first hop points (which points back)."""
    is_article: bool = False
    """The URL is a good article (in :meth:`MockWeb.articles`) that misbehaves first."""

    @property
    def status(self) -> int:
        """The status of the first GET of :attr:`path` (the very slow page's after 60 s)."""
        return _FIRST_STATUS.get(self.kind, 200)


@dataclass(frozen=True)
class Listing:
    """One page of a homepage, category, tag or author archive."""

    kind: ListingKind
    key: str
    label: str
    articles: tuple[MockArticle, ...]
    page: int
    pages: int

    def path(self, page: int) -> str:
        root = "/" if self.kind == "home" else f"/{self.kind}/{self.key}/"
        return root if page == 1 else f"{root}page/{page}/"


@dataclass(frozen=True)
class SiteData:
    """One news site's data: its settings from ``stories.toml`` and its articles, newest
    first. The renderers read it; :class:`kabar.demo.web.MockSite` adds the routing."""

    name: str
    title: str
    tagline: str
    brand: str
    region: str
    theme: str
    feeds: tuple[str, ...]
    """Which of "rss" and "atom" it serves (and advertises in its pages' heads)."""
    sitemap: SitemapKind
    """Yoast's ``/sitemap.xml`` index, one WordPress urlset, Yoast's ``/sitemap_index.xml``
    with a gzipped child and a Google News sitemap, or none."""
    home_size: int
    listing_size: int
    categories: Mapping[str, str]
    """Slug -> name, in menu order."""
    articles: tuple[MockArticle, ...]
    faults: tuple[Fault, ...]
    now: datetime
    rest_api: RestApi = "none"
    crawl_delay: float | None = None
    disallow: tuple[str, ...] = ()
    """Paths robots.txt disallows for every user agent (besides ``/wp-admin/``)."""
    day: int = 0

    @functools.cached_property
    def last_change(self) -> datetime:
        """When the newest change to any article was made: listings' ``Last-Modified``."""
        return max((a.modified for a in self.articles), default=self.now)

    def article_at(self, path: str) -> MockArticle | None:
        return self._by_path.get(path)

    @functools.cached_property
    def _by_path(self) -> dict[str, MockArticle]:
        return {a.path: a for a in self.articles}

    @functools.cached_property
    def images(self) -> dict[str, str]:
        """Image path -> what it shows (served as small PNGs)."""
        return {LOGO: self.title} | {a.image_path: a.title for a in self.articles}

    def listing(self, kind: ListingKind, key: str = "", page: int = 1) -> Listing | None:
        """A page of an archive, or None where WordPress answers 404."""
        members = self.articles
        label = self.title
        if kind == "category":
            members = tuple(a for a in members if a.category == key)
            label = self.categories.get(key, "")
        elif kind == "tag":
            members = tuple(a for a in members if key in map(slugify, a.tags))
            label = next((t for a in members for t in a.tags if slugify(t) == key), "")
        elif kind == "author":
            members = tuple(a for a in members if slugify(a.author) == key)
            label = members[0].author if members else ""
        size = self.home_size if kind == "home" else self.listing_size
        pages = max(1, math.ceil(len(members) / size))
        if not members or page > pages:
            return None
        shown = members[(page - 1) * size : page * size]
        return Listing(kind, key, label, shown, page, pages)

    def cacheable(self, text: str, content_type: str = HTML) -> MockResponse:
        """A listing, feed or sitemap: 200 with the validators conditional requests use."""
        body = text.encode()
        headers = {
            "ETag": f'"{hashlib.sha1(body).hexdigest()[:20]}"',
            "Last-Modified": http_date(self.last_change),
        }
        return MockResponse(200, content_type, body, headers)
