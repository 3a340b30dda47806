"""A discovered article URL with what the listing said of it.

Every strategy (WordPress REST API, feeds, sitemaps, listing pages) yields
:class:`Candidate` values; the spider decides from them what to fetch.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True)
class Candidate:
    """An article URL and the hints that spare fetches and fill extraction gaps."""

    url: str
    title: str | None = None
    published_at: datetime | None = None
    modified_at: datetime | None = None
    categories: tuple[str, ...] = field(default_factory=tuple)
    tags: tuple[str, ...] = field(default_factory=tuple)
    authors: tuple[str, ...] = field(default_factory=tuple)
    image_url: str | None = None
    strategy: str = "listing"
