"""The mock news web: a few Indonesian regional news sites, generated offline.

kabar's demo and crawl tests need sites that behave like the real ones (several
WordPress themes, feeds, sitemaps, broken pages) yet never change between runs.
Every response is a pure function of the stories in ``data/stories.toml``, a
fixed random seed, ``now``, the day the web has advanced to, the base URL the
site is served on and how many times the URL was asked for (a few trap pages fail
only the first time). The base URL is only known once a server has bound its
port, so pages are rendered per request by :meth:`MockSite.render`.
:meth:`MockWeb.articles` is the ground truth a crawl's recall and extraction
quality are measured against; :meth:`MockWeb.faults` lists the traps and faults.

Incremental crawling is tested by advancing the web a day (``build_web(now, day=1)``):
the stories marked ``day = 1`` appear and one story is edited, while everything
published before keeps its dates, IDs and URLs.
"""

from __future__ import annotations

import functools
import random
import re
import tomllib
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any, cast
from urllib.parse import parse_qs, urljoin, urlsplit

from kabar.demo import documents, theme_base, themes, traps, wpjson
from kabar.demo.http import HTML, MockResponse
from kabar.demo.model import (
    Fault,
    ListingKind,
    MockArticle,
    Query,
    SiteData,
)
from kabar.demo.text import WIB, day_short_date, slugify

__all__ = [
    "DEFAULT_NOW",
    "MAX_DAY",
    "SEED_TITLE",
    "Fault",
    "MockArticle",
    "MockSite",
    "MockWeb",
    "build_web",
]

DEFAULT_NOW = datetime(2023, 7, 20, 12, 0, tzinfo=WIB)
"""The instant the mock web is "now" unless told otherwise: three days after the seed story."""
SEED = 20230717
SEED_TITLE = "Rakor Kecamatan Tanjung Lago, Bupati Askolani Dengarkan Aspirasi Masyarakat"
_SEED_TEXT_DATE = "Senin (17/7/2023)"
"""How the seed text names its day; replaced so the body follows ``now`` like the dates do."""

_AGO = re.compile(r"(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?")
_LISTING = re.compile(
    r"/(?:(?P<kind>category|tag|author)/(?P<key>[a-z0-9-]+)/)?(?:page/(?P<page>[1-9]\d*)/)?"
)


@dataclass(frozen=True)
class MockSite(SiteData):
    """One news site: its data and how it answers a request."""

    def render(self, target: str, base_url: str, *, attempt: int = 1) -> MockResponse:
        """The response to ``GET target`` (a path, maybe with a query) when the site is
        served at ``base_url`` and ``target``'s path has been asked for ``attempt`` times."""
        if urlsplit(base_url).path != "/":
            raise ValueError(f"a mock site is served at the root of its host, not {base_url!r}")
        parts = urlsplit(target)
        path, query = parts.path or "/", parse_qs(parts.query, keep_blank_values=True)
        if self.rest_api != "none" and (path.startswith("/wp-json/") or "rest_route" in query):
            return wpjson.render(self, path, query, base_url)
        theme = themes.for_site(self, base_url)
        response = self._route(path, query, base_url, theme, attempt)
        if response is not None:
            return response
        last = path.rsplit("/", 1)[-1]
        slashed = path + "/"
        if last and "." not in last and self._route(slashed, query, base_url, theme, attempt):
            # WordPress redirects a pretty URL without its trailing slash.
            return MockResponse(301, HTML, b"", {"Location": urljoin(base_url, slashed)})
        return MockResponse(404, HTML, theme.not_found_page().encode())

    def _route(
        self, path: str, query: Query, base_url: str, theme: theme_base.Theme, attempt: int
    ) -> MockResponse | None:
        trap = traps.route(self, path, query, theme, attempt)
        if trap is not None:
            return trap
        article = self.article_at(path)
        if article is not None:
            return MockResponse(200, HTML, theme.article_page(article).encode())
        match = _LISTING.fullmatch(path)
        if match is not None:
            kind = cast(ListingKind, match["kind"] or "home")
            listing = self.listing(kind, match["key"] or "", int(match["page"] or 1))
            return None if listing is None else self.cacheable(theme.listing_page(listing))
        if path in self.images:
            return MockResponse(200, "image/png", documents.png(self.images[path]))
        document = documents.render(self, path, query, base_url)
        if document is not None:
            content_type, body = document
            if isinstance(body, bytes):
                return MockResponse(200, content_type, body)
            return self.cacheable(body, content_type)
        static = theme.static_page(path)
        return None if static is None else MockResponse(200, HTML, static.encode())


@dataclass(frozen=True)
class MockWeb:
    """The mock news web on one day: its sites, in ``stories.toml`` order."""

    now: datetime
    """This day's instant: the first day's ``now`` plus :attr:`day` days."""
    sites: tuple[MockSite, ...]
    day: int = 0

    @property
    def start(self) -> datetime:
        """``now`` on day 0, which every earlier story is dated from."""
        return self.now - timedelta(days=self.day)

    def on_day(self, day: int) -> MockWeb:
        """The same web advanced (or taken back) to ``day``."""
        return self if day == self.day else build_web(self.start, day=day)

    def site(self, name: str) -> MockSite:
        for site in self.sites:
            if site.name == name:
                return site
        known = ", ".join(s.name for s in self.sites)
        raise KeyError(f"no mock site {name!r} (known: {known})")

    def articles(self, day: int | None = None) -> list[MockArticle]:
        """Ground truth: every good article of every site on ``day`` (default: this web's
        day), as last edited by then (site order, newest first)."""
        if day is not None and day != self.day:
            return self.on_day(day).articles()
        return [a for site in self.sites for a in site.articles]

    def faults(self, day: int | None = None) -> list[Fault]:
        """Every fault and trap URL, then the good articles that misbehave at first."""
        if day is not None and day != self.day:
            return self.on_day(day).faults()
        quirks = [
            Fault(site=a.site, path=a.path, kind=a.quirk, title=a.title, is_article=True)
            for site in self.sites
            for a in site.articles
            if a.quirk is not None
        ]
        return [f for site in self.sites for f in site.faults] + quirks

    @property
    def seed_article(self) -> MockArticle:
        """The seed story as first published (on the first site)."""
        return next(a for a in self.sites[0].articles if a.title == SEED_TITLE)


MAX_DAY = 1
"""The last day ``stories.toml`` has news for."""


@functools.cache
def build_web(now: datetime = DEFAULT_NOW, day: int = 0) -> MockWeb:
    """The mock web as of ``now`` (aware) advanced by ``day`` days (0 to :data:`MAX_DAY`);
    the same arguments always give the same web."""
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    if not 0 <= day <= MAX_DAY:
        raise ValueError(f"the mock web has days 0 to {MAX_DAY}, not {day}")
    data = tomllib.loads(theme_base.data_file("stories.toml"))
    sites = tuple(_build_site(entry, now, day) for entry in data["site"])
    return MockWeb(now=now + timedelta(days=day), sites=sites, day=day)


def _ago(text: str) -> timedelta:
    match = _AGO.fullmatch(text)
    if not text or match is None:
        raise ValueError(f"bad age {text!r}: expected e.g. '3d2h30m'")
    days, hours, minutes = (int(g or 0) for g in match.groups())
    return timedelta(days=days, hours=hours, minutes=minutes)


def _press_release(name: str) -> tuple[tuple[str, ...], str]:
    """Paragraphs and credit of a page's plain text (as in ``/work/shared/seed``)."""
    lines = [line.strip() for line in theme_base.data_file(name).splitlines() if line.strip()]
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


def _build_site(entry: dict[str, Any], start: datetime, day: int) -> MockSite:
    name = entry["name"]
    rng = random.Random(f"{SEED}:{name}")
    categories: dict[str, str] = entry["categories"]
    built = _build_articles(
        entry, [s for s in entry["article"] if s.get("day", 0) == 0], start, rng
    )
    # Editors link an earlier story ("Baca juga"); the oldest links a later one.
    linked = [
        replace(a, see_also=rng.choice(built[:i] or built[1:]).path) for i, a in enumerate(built)
    ]
    for later in range(1, day + 1):
        # Each day draws from its own generator, so earlier days stay exactly as they were.
        now = start + timedelta(days=later)
        rng = random.Random(f"{SEED}:{name}:day{later}")
        stories = [s for s in entry["article"] if s.get("day", 0) == later]
        if any(_ago(s["ago"]) >= timedelta(days=1) for s in stories):
            raise ValueError(f"{name}: a day-{later} story must be less than a day old")
        fresh = _build_articles(entry, stories, now, rng, first_id=linked[-1].post_id)
        linked += [replace(a, see_also=rng.choice(linked).path) for a in fresh]
        for edit in (e for e in entry.get("edit", ()) if e["day"] == later):
            linked = [
                _edited(a, edit, now, entry) if a.title == edit["article"] else a for a in linked
            ]
    faults = tuple(
        Fault(site=name, path=f["path"], kind=f["kind"], title=f["title"], target=f.get("target"))
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
        now=start + timedelta(days=day),
        rest_api=entry.get("rest_api", "none"),
        crawl_delay=entry.get("crawl_delay"),
        disallow=tuple(entry.get("disallow", ())),
        day=day,
    )


def _edited(
    article: MockArticle, edit: dict[str, Any], now: datetime, entry: dict[str, Any]
) -> MockArticle:
    """``article`` after a newsroom's correction at ``now``: new headline, one paragraph."""
    paragraphs = list(article.paragraphs)
    index = edit["paragraph"]
    text = edit["text"].replace("{tanggal}", day_short_date(article.published))
    if index == 0:  # the dateline stays
        text = entry["dateline"].format(PLACE=article.location.upper(), BRAND=entry["brand"]) + text
    paragraphs[index] = text
    return replace(article, title=edit["title"], paragraphs=tuple(paragraphs), modified=now)


def _build_articles(
    entry: dict[str, Any],
    stories: list[dict[str, Any]],
    now: datetime,
    rng: random.Random,
    first_id: int | None = None,
) -> list[MockArticle]:
    """The articles of ``stories`` dated back from ``now``, oldest first."""
    name = entry["name"]
    categories: dict[str, str] = entry["categories"]
    stories = sorted(stories, key=lambda s: _ago(s["ago"]), reverse=True)
    post_id = rng.randint(2_000, 40_000) if first_id is None else first_id
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
                day=story.get("day", 0),
                quirk=story.get("quirk"),
            )
        )
    return built
