"""What a feed is made of, independent of the database and of any feed format.

The archive turns articles into `FeedEntry` values and groups them under a `FeedInfo`;
`feeds.build` and `feeds.publish` never see an ORM object. The file names of the three
formats live here, in one place, because the renderers (self links), the publisher (files
on disk) and the index page (subscribe links) must all agree on them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Final, Literal
from urllib.parse import urljoin

from w3lib.url import safe_url_string

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

FeedFormat = Literal["rss", "atom", "json"]

FORMATS: Final[tuple[FeedFormat, ...]] = ("rss", "atom", "json")

_SUFFIX: Final[dict[FeedFormat, str]] = {"rss": ".xml", "atom": ".atom", "json": ".json"}

MEDIA_TYPE: Final[dict[FeedFormat, str]] = {
    "rss": "application/rss+xml",
    "atom": "application/atom+xml",
    "json": "application/feed+json",
}

GROUPS: Final[tuple[str, ...]] = ("all", "topic", "region", "site")

INDEX_FILENAME: Final = "index.html"
OPML_FILENAME: Final = "feeds.opml"

# Slugs become file names and URL path segments: keep them boring.
_SLUG_RE: Final = re.compile(r"[a-z0-9][a-z0-9_-]{0,99}")


@dataclass(frozen=True)
class FeedEntry:
    """One article as it appears in every feed that lists it."""

    id: str
    link: str
    title: str
    published: datetime
    updated: datetime
    summary: str | None = None
    content_html: str | None = None
    authors: tuple[str, ...] = ()
    image_url: str | None = None
    categories: tuple[str, ...] = ()
    language: str | None = None
    source_name: str | None = None
    also_at: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class FeedInfo:
    """One published feed: its file stem, its titles and where it is grouped."""

    slug: str
    title: str
    description: str
    language: str = "id"
    group: str = "all"
    home_url: str | None = None

    def __post_init__(self) -> None:
        if not _SLUG_RE.fullmatch(self.slug):
            raise ValueError(
                f"feed slug {self.slug!r} must be lowercase letters, digits, '-' or '_'"
            )
        if self.group not in GROUPS:
            raise ValueError(f"feed {self.slug!r}: group {self.group!r} not in {GROUPS}")


@dataclass(frozen=True)
class PendingFeed:
    """A feed whose entries are loaded only if it has to be rendered.

    ``fingerprint`` changes whenever the entries would (ids, edits, order): when it equals the
    one stored with the published files, `feeds.publish.publish` keeps those files without
    calling ``load``. ``None`` means "unknown": the feed is always rendered.
    """

    info: FeedInfo
    load: Callable[[], Sequence[FeedEntry]]
    fingerprint: str | None = None

    @classmethod
    def of(cls, info: FeedInfo, entries: Sequence[FeedEntry]) -> PendingFeed:
        """A feed whose entries are already at hand (always rendered)."""
        return cls(info, lambda: entries)


def feed_filename(slug: str, fmt: FeedFormat) -> str:
    """The file name of one format of a feed, e.g. ``topic-pemerintahan.atom``."""
    return slug + _SUFFIX[fmt]


def feed_url(base_url: str, slug: str, fmt: FeedFormat) -> str:
    """The public URL of one format of a feed served from ``base_url``."""
    return normalize_base_url(base_url) + feed_filename(slug, fmt)


def normalize_base_url(base_url: str) -> str:
    """``base_url`` names a directory: make sure joining a file name onto it works."""
    return base_url if base_url.endswith("/") else base_url + "/"


def home_url(info: FeedInfo, base_url: str) -> str:
    """The human page a feed is about: its own ``home_url`` or else the feed index page."""
    if not info.home_url:
        return normalize_base_url(base_url) + INDEX_FILENAME
    return str(safe_url_string(urljoin(normalize_base_url(base_url), info.home_url.strip())))
