"""The one definition of what kabar extracts from a news page.

Every other representation (database columns, exports, feeds) derives from
:class:`Article` or maps it explicitly, so a field is added here first.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import datetime


@dataclass
class Article:
    """A news article as extracted from one page (itemadapter-compatible)."""

    url: str
    """The URL the page was fetched from."""
    site: str
    """The configured site's ``name``."""
    canonical_url: str | None = None
    """One URL per article everywhere; set by the normalize pipeline."""
    title: str | None = None
    authors: list[str] = field(default_factory=list)
    published_at: datetime | None = None
    """Timezone-aware instant of first publication."""
    modified_at: datetime | None = None
    body: str | None = None
    """Plain text, one paragraph per line."""
    body_html: str | None = None
    """Sanitized HTML of the body (no scripts, styles, event handlers)."""
    lead: str | None = None
    image_url: str | None = None
    tags: list[str] = field(default_factory=list)
    categories: list[str] = field(default_factory=list)
    topics: list[str] = field(default_factory=list)
    """kabar's own topics (``pipelines/topics.toml``), from categories, tags and keywords."""
    regions: list[str] = field(default_factory=list)
    """Regencies/cities and provinces the article is about, most specific first."""
    language: str | None = None
    location: str | None = None
    """The dateline place, e.g. "Tanjung Lago"."""
    fetched_at: datetime | None = None


ARTICLE_FIELDS: tuple[str, ...] = tuple(f.name for f in dataclasses.fields(Article))
"""Field names in definition order: the export's columns (plus ``id``)."""

LIST_FIELDS: frozenset[str] = frozenset(
    f.name for f in dataclasses.fields(Article) if f.default_factory is list
)
DATETIME_FIELDS: frozenset[str] = frozenset({"published_at", "modified_at", "fetched_at"})
