"""The mock news web: a few Indonesian regional news sites, generated offline.

kabar's demo and crawl tests need sites that behave like the real ones (several
WordPress themes, feeds, sitemaps, broken pages) yet never change between runs.
Every response is a pure function of the stories in ``data/stories.toml``, a
fixed random seed, ``now`` and the base URL the site is served on. The base URL
is only known once a server has bound its port, so pages are rendered per
request by :meth:`MockSite.render`. :meth:`MockWeb.articles` is the ground truth
a crawl's recall and extraction quality are measured against.
"""

from __future__ import annotations

import functools
import math
import random
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any, Literal, cast
from urllib.parse import urljoin, urlsplit

from kabar.demo import documents, themes
from kabar.demo.text import WIB, day_short_date, excerpt, slugify

DEFAULT_NOW = datetime(2023, 7, 20, 12, 0, tzinfo=WIB)
"""The instant the mock web is "now" unless told otherwise: three days after the seed story."""
SEED = 20230717
SEED_TITLE = "Rakor Kecamatan Tanjung Lago, Bupati Askolani Dengarkan Aspirasi Masyarakat"
_SEED_TEXT_DATE = "Senin (17/7/2023)"
"""How the seed text names its day; replaced so the body follows ``now`` like the dates do."""

HTML = "text/html; charset=utf-8"
FaultKind = Literal["server_error", "not_found", "not_html"]
ListingKind = Literal["home", "category", "tag", "author"]

_AGO = re.compile(r"(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?")
_LISTING = re.compile(
    r"/(?:(?P<kind>category|tag|author)/(?P<key>[a-z0-9-]+)/)?(?:page/(?P<page>[1-9]\d*)/)?"
)


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

    @property
    def body(self) -> str:
        """The plain text body, one paragraph per line, credit last."""
        return "\n".join((*self.paragraphs, self.credit))

    @property
    def summary(self) -> str:
        return excerpt(self.paragraphs)

    def url(self, base_url: str) -> str:
        return urljoin(base_url, self.path)


@dataclass(frozen=True)
class Fault:
    """A deliberately broken link, for robustness tests."""

    site: str
    path: str
    kind: FaultKind
    title: str
    """The link text the homepage shows."""

    @property
    def status(self) -> int:
        return {"server_error": 500, "not_found": 404, "not_html": 200}[self.kind]


@dataclass(frozen=True)
class MockResponse:
    status: int
    content_type: str
    body: bytes
    headers: Mapping[str, str] = field(default_factory=dict)


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
class MockSite:
    """One news site: its settings from ``stories.toml`` and its articles, newest first."""

    name: str
    title: str
    tagline: str
    brand: str
    region: str
    theme: str
    feeds: tuple[str, ...]
    """Which of "rss" and "atom" it serves (and advertises in its pages' heads)."""
    sitemap: Literal["index", "urlset", "none"]
    home_size: int
    listing_size: int
    categories: Mapping[str, str]
    """Slug -> name, in menu order."""
    articles: tuple[MockArticle, ...]
    faults: tuple[Fault, ...]
    now: datetime

    def article_at(self, path: str) -> MockArticle | None:
        return self._by_path.get(path)

    @functools.cached_property
    def _by_path(self) -> dict[str, MockArticle]:
        return {a.path: a for a in self.articles}

    @functools.cached_property
    def images(self) -> dict[str, str]:
        """Image path -> what it shows (served as small PNGs)."""
        return {themes.LOGO: self.title} | {a.image_path: a.title for a in self.articles}

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

    def render(self, path: str, base_url: str) -> MockResponse:
        """The response to ``GET path`` when the site is served at ``base_url``."""
        if urlsplit(base_url).path != "/":
            raise ValueError(f"a mock site is served at the root of its host, not {base_url!r}")
        theme = themes.for_site(self, base_url)
        response = self._route(path, base_url, theme)
        if response is not None:
            return response
        last = path.rsplit("/", 1)[-1]
        if last and "." not in last and self._route(path + "/", base_url, theme) is not None:
            # WordPress redirects a pretty URL without its trailing slash.
            location = urljoin(base_url, path + "/")
            return MockResponse(301, HTML, b"", {"Location": location})
        return MockResponse(404, HTML, theme.not_found_page().encode())

    def _route(self, path: str, base_url: str, theme: themes.Theme) -> MockResponse | None:
        article = self.article_at(path)
        if article is not None:
            return MockResponse(200, HTML, theme.article_page(article).encode())
        fault = next((f for f in self.faults if f.path == path), None)
        if fault is not None:
            if fault.kind == "not_html":
                return MockResponse(200, "application/pdf", documents.pdf(fault.title))
            if fault.kind == "server_error":
                return MockResponse(500, HTML, themes.data_file("server_error.html").encode())
            return MockResponse(404, HTML, theme.not_found_page().encode())
        match = _LISTING.fullmatch(path)
        if match is not None:
            kind = cast(ListingKind, match["kind"] or "home")
            listing = self.listing(kind, match["key"] or "", int(match["page"] or 1))
            return None if listing is None else self._html(theme.listing_page(listing))
        if path in self.images:
            return MockResponse(200, "image/png", documents.png(self.images[path]))
        document = documents.render(self, path, base_url)
        if document is not None:
            content_type, text = document
            return MockResponse(200, content_type, text.encode())
        static = theme.static_page(path)
        return None if static is None else self._html(static)

    @staticmethod
    def _html(page: str) -> MockResponse:
        return MockResponse(200, HTML, page.encode())


@dataclass(frozen=True)
class MockWeb:
    """The mock news web: its sites, in ``stories.toml`` order."""

    now: datetime
    sites: tuple[MockSite, ...]

    def site(self, name: str) -> MockSite:
        for site in self.sites:
            if site.name == name:
                return site
        known = ", ".join(s.name for s in self.sites)
        raise KeyError(f"no mock site {name!r} (known: {known})")

    def articles(self) -> list[MockArticle]:
        """Ground truth: every article of every site (site order, newest first)."""
        return [a for site in self.sites for a in site.articles]

    def faults(self) -> list[Fault]:
        return [f for site in self.sites for f in site.faults]

    @property
    def seed_article(self) -> MockArticle:
        """The seed story as first published (on the first site)."""
        return next(a for a in self.sites[0].articles if a.title == SEED_TITLE)


@functools.cache
def build_web(now: datetime = DEFAULT_NOW) -> MockWeb:
    """The mock web as of ``now`` (aware); the same ``now`` always gives the same web."""
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    data = tomllib.loads(themes.data_file("stories.toml"))
    return MockWeb(now=now, sites=tuple(_build_site(entry, now) for entry in data["site"]))


def _ago(text: str) -> timedelta:
    match = _AGO.fullmatch(text)
    if not text or match is None:
        raise ValueError(f"bad age {text!r}: expected e.g. '3d2h30m'")
    days, hours, minutes = (int(g or 0) for g in match.groups())
    return timedelta(days=days, hours=hours, minutes=minutes)


def _press_release(name: str) -> tuple[tuple[str, ...], str]:
    """Paragraphs and credit of a page's plain text (as in ``/work/shared/seed``)."""
    lines = [line.strip() for line in themes.data_file(name).splitlines() if line.strip()]
    # The page text repeats the headline above the body and ends with the comment form.
    body = lines[lines.index(lines[0], 1) + 1 : lines.index("Tinggalkan Balasan")]
    credit = body.pop()
    if not credit.startswith("("):
        raise ValueError(f"{name}: no reporter credit before the comment form")
    return tuple(p.replace(_SEED_TEXT_DATE, "{tanggal}") for p in body), credit


def _permalink(pattern: str, slug: str, post_id: int, published: datetime) -> str:
    return (
        pattern.replace("%year%", f"{published:%Y}")
        .replace("%monthnum%", f"{published:%m}")
        .replace("%day%", f"{published:%d}")
        .replace("%postname%", slug)
        .replace("%post_id%", str(post_id))
    )


def _build_site(entry: dict[str, Any], now: datetime) -> MockSite:
    name = entry["name"]
    rng = random.Random(f"{SEED}:{name}")
    categories: dict[str, str] = entry["categories"]
    stories = sorted(entry["article"], key=lambda s: _ago(s["ago"]), reverse=True)
    post_id = rng.randint(2_000, 40_000)
    built: list[MockArticle] = []
    for story in stories:  # oldest first, so post IDs grow with time as in WordPress
        post_id += rng.randint(3, 60)
        published = (now - _ago(story["ago"])).astimezone(WIB)
        modified = published
        if rng.random() < 0.4:
            modified = min(published + timedelta(minutes=rng.randint(12, 300)), now)
        if "text_from" in story:
            paragraphs, credit = _press_release(story["text_from"])
            if "intro" in story:
                paragraphs = (story["intro"], *paragraphs[1:])
        else:
            dateline = entry["dateline"].format(PLACE=story["place"].upper(), BRAND=entry["brand"])
            first, *rest = story["paragraphs"]
            paragraphs, credit = (dateline + first, *rest), ""
        tanggal = day_short_date(published)
        slug = slugify(story["title"])
        built.append(
            MockArticle(
                site=name,
                post_id=post_id,
                path=_permalink(entry["permalink"], slug, post_id, published),
                slug=slug,
                title=story["title"],
                paragraphs=tuple(p.replace("{tanggal}", tanggal) for p in paragraphs),
                credit=story.get("credit", credit),
                author=story["author"],
                published=published,
                modified=modified.astimezone(WIB),
                category=story["category"],
                category_label=categories[story["category"]],
                tags=tuple(story["tags"]),
                location=story["place"],
                image_path=f"/wp-content/uploads/{published:%Y/%m}/IMG-{published:%Y%m%d}"
                f"-WA{rng.randint(1, 99):04d}.png",
                syndicated_from=story.get("syndicated_from"),
                malformed=story.get("malformed", False),
            )
        )
    # Editors link an earlier story ("Baca juga"); the oldest links a later one.
    linked = [
        replace(a, see_also=rng.choice(built[:i] or built[1:]).path) for i, a in enumerate(built)
    ]
    faults = tuple(
        Fault(site=name, path=f["path"], kind=f["kind"], title=f["title"])
        for f in entry.get("fault", ())
    )
    return MockSite(
        name=name,
        title=entry["title"],
        tagline=entry["tagline"],
        brand=entry["brand"],
        region=entry["region"],
        theme=entry["theme"],
        feeds=tuple(entry["feeds"]),
        sitemap=entry["sitemap"],
        home_size=entry["home_size"],
        listing_size=entry["listing_size"],
        categories=categories,
        articles=tuple(reversed(linked)),
        faults=faults,
        now=now,
    )
