"""The sites a crawl covers: the ``sites.toml`` format, validated at start-up.

A site is added by its URL alone; every other key is optional. A bad file fails
early with :class:`SitesError` naming the file, the entry and the reason, so the
CLI can print one line instead of a traceback.
"""

from __future__ import annotations

import re
import tomllib
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from crawler.pages.overrides import SelectableField, load_page_class, parse_selectors

if TYPE_CHECKING:
    from datetime import datetime

    from crawler.pages.article import ArticlePage

DEFAULT_TIMEZONE = "Asia/Jakarta"
STRATEGIES = ("wp_rest", "feed", "sitemap", "listing")
"""Discovery strategies, cheapest and most structured first."""
Strategy = Literal["wp_rest", "feed", "sitemap", "listing"]
NAME_PATTERN = r"^[a-z][a-z0-9_-]{0,62}$"


class SitesError(ValueError):
    """A sites file that cannot be used; the message is one line for the user."""


class SiteConfig(BaseModel):
    """One news site. Only ``name`` and ``url`` are required."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: Annotated[str, Field(pattern=NAME_PATTERN)]
    """Spider name: lowercase letters, digits, ``-`` and ``_``."""
    url: str
    """Homepage URL; discovery starts here."""
    language: str = "id"
    timezone: str = DEFAULT_TIMEZONE
    """Zone for times a page gives without an offset (e.g. "10:15 WIB")."""
    region: str | None = None
    """Province or regency the site mainly covers."""
    feeds: list[str] = Field(default_factory=list)
    """Explicit feed URLs, for sites whose feeds cannot be discovered."""
    sitemaps: list[str] = Field(default_factory=list)
    """Explicit sitemap URLs (robots.txt and the usual paths are tried anyway)."""
    skip_strategies: list[Strategy] = Field(default_factory=list)
    """Discovery strategies not to use on this site."""
    max_age_days: int = Field(default=30, ge=1)
    """A first crawl takes articles up to this old."""
    max_requests: int = Field(default=1000, ge=1)
    """Request budget per run (``crawler.middlewares.sites``: refused past it)."""
    article_pattern: str | None = None
    """Regex an article URL matches (overrides the URL-shape classifier)."""
    max_articles: int = Field(default=200, ge=1)
    """Upper bound of article pages fetched per run (a per-site budget)."""
    selectors: dict[SelectableField, str] = Field(default_factory=dict)
    """Per-field CSS selectors (or "xpath:…") read instead of generic extraction, for a
    site whose layout misleads it (:mod:`crawler.pages.overrides`)."""
    page: str | None = None
    """A code page object, "package.module:Class" (an ArticlePage subclass), for a site
    that needs more than selectors."""

    @field_validator("url")
    @classmethod
    def _check_url(cls, value: str) -> str:
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"not an http(s) URL: {value!r}")
        if not parts.path:
            value += "/"
        return value

    @field_validator("feeds", "sitemaps")
    @classmethod
    def _check_feeds(cls, value: list[str]) -> list[str]:
        for url in value:
            if urlsplit(url).scheme not in ("http", "https"):
                raise ValueError(f"feed is not an http(s) URL: {url!r}")
        return value

    @field_validator("timezone")
    @classmethod
    def _check_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone: {value!r}") from None
        return value

    @field_validator("article_pattern")
    @classmethod
    def _check_pattern(cls, value: str | None) -> str | None:
        if value is not None:
            try:
                re.compile(value)
            except re.error as exc:
                raise ValueError(f"bad regular expression {value!r}: {exc}") from None
        return value

    @field_validator("selectors")
    @classmethod
    def _check_selectors(cls, value: dict[SelectableField, str]) -> dict[SelectableField, str]:
        parse_selectors(value)
        return value

    @field_validator("page")
    @classmethod
    def _check_page(cls, value: str | None) -> str | None:
        if value is not None:
            load_page_class(value)
        return value

    def page_class(self) -> type[ArticlePage]:
        """The page object that reads this site's articles."""
        if self.page is None:
            from crawler.pages.article import ArticlePage

            return ArticlePage
        return load_page_class(self.page)

    def read_page(
        self,
        url: str,
        html: str | bytes,
        *,
        fetched_at: datetime | None = None,
        encoding: str | None = None,
    ) -> ArticlePage:
        """One fetched page of this site, read by its page object with its time zone,
        language and selectors: the one way the crawler and ``kabar extract`` read it."""
        return self.page_class()(
            url,
            html,
            timezone=self.timezone,
            language=self.language,
            fetched_at=fetched_at,
            encoding=encoding,
            selectors=self.selectors,
        )

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def netloc(self) -> str:
        return urlsplit(self.url).netloc.lower()


def default_sites_path() -> Traversable:
    """The ``sites.toml`` shipped with kabar: real Indonesian regional sites.

    A package resource rather than a path next to this file, because scrapyd runs
    kabar from a zipped egg where no such file exists on disk.
    """
    return resources.files("crawler").joinpath("sites.toml")


def _describe(entry: Any, index: int) -> str:
    name = entry.get("name") if isinstance(entry, dict) else None
    return f"site #{index + 1}" + (f" ({name!r})" if isinstance(name, str) else "")


def parse_sites(data: dict[str, Any], source: str) -> list[SiteConfig]:
    """Validate the parsed TOML document ``data`` (``source`` names it in errors)."""
    unknown = set(data) - {"site"}
    if unknown:
        raise SitesError(f"{source}: unknown top-level key(s): {', '.join(sorted(unknown))}")
    entries = data.get("site")
    if not isinstance(entries, list) or not entries:
        raise SitesError(f"{source}: no [[site]] entries")
    sites: list[SiteConfig] = []
    seen: set[str] = set()
    for index, entry in enumerate(entries):
        where = f"{source}: {_describe(entry, index)}"
        try:
            site = SiteConfig.model_validate(entry)
        except ValidationError as exc:
            first = exc.errors()[0]
            field = ".".join(str(p) for p in first["loc"]) or "entry"
            raise SitesError(f"{where}: {field}: {first['msg']}") from None
        if site.name in seen:
            raise SitesError(f"{where}: duplicate name {site.name!r}")
        seen.add(site.name)
        sites.append(site)
    return sites


def load_sites(path: str | Path | None = None) -> list[SiteConfig]:
    """Read and validate a sites file (the shipped default when ``path`` is None)."""
    file: Traversable = Path(path) if path is not None else default_sites_path()
    try:
        data = tomllib.loads(file.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise SitesError(f"{file}: no such file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise SitesError(f"{file}: cannot read: {exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise SitesError(f"{file}: not valid TOML: {exc}") from None
    return parse_sites(data, str(file))


def select_sites(sites: list[SiteConfig], names: list[str] | tuple[str, ...]) -> list[SiteConfig]:
    """The sites named (all when ``names`` is empty); an unknown name is an error."""
    if not names:
        return sites
    by_name = {s.name: s for s in sites}
    missing = [n for n in names if n not in by_name]
    if missing:
        raise SitesError(
            f"unknown site(s): {', '.join(missing)} (known: {', '.join(sorted(by_name))})"
        )
    return [by_name[n] for n in names]
