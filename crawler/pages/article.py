"""The generic article page object: every Article field from one fetched page.

The page is decoded and parsed once (:mod:`~crawler.pages.document`); the tree is
shared by the structured sources (JSON-LD, meta tags, microdata), the visible headline
and byline, and trafilatura's body extraction. Each field is one ``@field`` method
that takes the first candidate of its family (title, people, published, body, terms,
media, address), strongest source first, after the site's own selector if it has one;
:meth:`ArticlePage.explain` shows the candidates and where each came from.
Site-specific page objects subclass this and override only what differs.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime, tzinfo
from functools import cached_property
from typing import Any, TypeVar, cast
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from crawler.pages import ExtractionError
from crawler.pages.address import canonical_candidates
from crawler.pages.body import BodyText, extract_selected, extract_story
from crawler.pages.classify import ARTICLE_THRESHOLD, article_score, content_score
from crawler.pages.document import MAX_ELEMENTS, MAX_HTML_CHARS, parse_html
from crawler.pages.fields import field, field_names
from crawler.pages.media import image_candidates, selected_image
from crawler.pages.overrides import Selectors, parse_selectors
from crawler.pages.people import (
    author_candidates,
    editor_names,
    meta_authors,
    names_of,
    selected_authors,
)
from crawler.pages.provenance import Found, SourceKind, first_found, with_values
from crawler.pages.published import (
    DateReader,
    guessed_published,
    modified_candidates,
    published_candidates,
    stated_and_shown,
)
from crawler.pages.selection import NOT_SELECTED, Selected, select_nodes, select_texts
from crawler.pages.sources import Sources, read_sources
from crawler.pages.terms import category_candidates, tag_candidates
from crawler.pages.texts import norm, unique
from crawler.pages.titles import choose_title, h1_texts, page_text, site_keys, title_sources
from kabar.core.article import ARTICLE_FIELDS

__all__ = ["MAX_ELEMENTS", "MAX_HTML_CHARS", "ArticlePage", "parse_html"]

T = TypeVar("T")
_DATE_FIELDS = ("published_at", "modified_at")
_TITLE_SOURCE_KINDS: dict[str, SourceKind] = {"h1": "visible", "headline": "json-ld"}


class ArticlePage:
    """Article fields of one page; every field is computed once, on first use.

    Construction decodes and parses the page and raises :class:`ExtractionError`
    if that is impossible; the fields themselves never raise. ``selectors``
    (field -> CSS or "xpath:…", from the site's ``sites.toml`` entry) win over the
    generic sources for their fields; a field whose selector found nothing is listed
    in :attr:`selector_misses` and extracted generically.
    """

    def __init__(
        self,
        url: str,
        html: str | bytes,
        *,
        timezone: str = "Asia/Jakarta",
        language: str | None = None,
        fetched_at: datetime | None = None,
        encoding: str | None = None,
        selectors: Selectors | None = None,
    ) -> None:
        self.url = url
        try:
            self.selectors = parse_selectors(selectors)
        except ValueError as exc:
            raise ExtractionError(f"{url}: {exc}") from None
        try:
            self.tz: tzinfo = ZoneInfo(timezone)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ExtractionError(f"{url}: unknown time zone {timezone!r}") from exc
        self.site_language = language
        self.fetched_at = fetched_at
        try:
            self.tree = parse_html(html, encoding=encoding)
        except ExtractionError as exc:
            raise ExtractionError(f"{url}: {exc}") from None
        self.sources: Sources = read_sources(self.tree)
        self.dates = DateReader(self.tz, fetched_at)
        self._selections: dict[str, Selected[Any]] = {}
        self._editor_names: set[str] | None = None

    # --- the fields ---------------------------------------------------------

    @field
    def canonical_url(self) -> str | None:
        """The address the page gives for itself (the pipeline decides whether to trust it)."""
        return _value(self._found["canonical_url"])

    @field
    def title(self) -> str | None:
        """The headline the page's sources agree on (:func:`~crawler.pages.titles.choose_title`)."""
        found = self._title
        return found.value if found else None

    @field
    def authors(self) -> list[str]:
        """Structured authors, else meta/byline, else names credited in the text."""
        return _value(self._authors) or []

    @field
    def published_at(self) -> datetime | None:
        """First publication: selector, structured data, meta, microdata, visible date, body
        text, and last htmldate's search of the whole page (the day only)."""
        return _value(self._published)

    @field
    def modified_at(self) -> datetime | None:
        return _value(self._found["modified_at"])

    @field
    def body(self) -> str | None:
        """Plain text, one paragraph per line."""
        return _value(self._body_found)

    @field
    def body_html(self) -> str | None:
        """Sanitized HTML of the kept blocks, links and images absolute."""
        return self._body.html

    @field
    def lead(self) -> str | None:
        """The standfirst: the publisher's description when it is one, else the first paragraph."""
        return _value(self._found["lead"])

    @field
    def image_url(self) -> str | None:
        return _value(self._found["image_url"])

    @field
    def tags(self) -> list[str]:
        """Keywords: structured data, ``article:tag``, ``rel=tag`` links, then meta keywords."""
        return _value(self._found["tags"]) or []

    @field
    def categories(self) -> list[str]:
        """Sections: ``articleSection``, ``article:section``, category links, breadcrumb."""
        return _value(self._found["categories"]) or []

    @field
    def language(self) -> str | None:
        """The page's declared language (primary subtag), else the site's."""
        return _value(self._language_found)

    @cached_property
    def _language_found(self) -> Found[str] | None:
        declared = (
            self.tree.get("lang")
            or self.sources.article.get("inLanguage")
            or self.sources.first_meta("og:locale", "content-language", "language")
        )
        if isinstance(declared, str) and declared.strip():
            primary = re.split(r"[-_]", declared.strip())[0].lower()
            if primary:
                return Found(primary, "meta", "declared language")
        return Found(self.site_language, "fallback", "site") if self.site_language else None

    @field
    def location(self) -> str | None:
        """The dateline place, e.g. "Tanjung Lago"."""
        return _value(self._found["location"])

    @cached_property
    def is_article(self) -> bool:
        """Whether this is one article (not a listing, category, tag, author or search page)."""
        score = article_score(self.url, self.tree, self.sources) + content_score(
            body=self.body or "",
            has_headline=bool(self.title and self._h1s),
            has_stated_date=self._published_on_page is not None,
        )
        return score >= ARTICLE_THRESHOLD

    def to_fields(self) -> dict[str, Any]:
        """The extracted fields, keyed like :class:`kabar.core.article.Article`."""
        fields: dict[str, Any] = {"url": self.url}
        fields.update((name, getattr(self, name)) for name in field_names(type(self)))
        fields["fetched_at"] = self.fetched_at
        assert set(fields) <= set(ARTICLE_FIELDS)
        return fields

    # --- the site's selectors ----------------------------------------------

    @property
    def selector_misses(self) -> list[str]:
        """The fields whose selector found nothing usable (they were extracted generically)."""
        return [name for name in self.selectors if self._selected(name).missed]

    @property
    def selected_fields(self) -> set[str]:
        """The fields the site's selectors supplied."""
        return {name for name in self.selectors if self._selected(name).chosen}

    def _selected(self, name: str) -> Selected[Any]:
        """The selector outcome for field ``name`` (computed once)."""
        if name not in self._selections:
            self._selections[name] = self._select(name)
        return self._selections[name]

    def _select(self, name: str) -> Selected[Any]:
        selector = self.selectors.get(name)
        if selector is None:
            return NOT_SELECTED
        if name in ("body", "image_url"):
            nodes = select_nodes(selector, self.tree).value or []
            value: Any = (
                extract_selected(nodes, self.url)
                if name == "body"
                else selected_image(self.url, nodes)
            )
            return Selected(value, value is None)
        texts = select_texts(selector, self.tree)
        if texts.value is None:
            return texts
        if name in ("tags", "categories"):
            return Selected(unique(texts.value), False)
        if name == "authors":
            names = selected_authors(texts.value)
            return Selected(names or None, not names)
        if name in _DATE_FIELDS:
            found = next((d for d in map(self.read_date, texts.value) if d is not None), None)
            return Selected(found, found is None)
        return Selected(texts.value[0], False)

    def _pick(self, name: str, candidates: Iterable[Found[T] | None]) -> Found[T] | None:
        """The site's selector's value for field ``name`` if it has one, else the first
        candidate with a value."""
        selected = self._selected(name)
        if selected.chosen:
            return Found(cast("T", selected.value), "selector", self.selectors[name].query)
        return first_found(candidates)

    # --- what several fields share -----------------------------------------

    def read_date(self, value: Any) -> datetime | None:
        """A date string as this page's site writes it (zone, fetch time), else None."""
        return self.dates.read(value)

    @cached_property
    def _site_keys(self) -> list[str]:
        return site_keys(self.sources, self.url)

    @cached_property
    def _h1s(self) -> list[str]:
        return h1_texts(self.tree)

    @cached_property
    def title_sources(self) -> dict[str, str]:
        """Each source's headline (entities decoded, whitespace folded), site names removed:
        the candidates :attr:`title` chooses from, public for diagnostics and benchmarks."""
        return title_sources(self.tree, self.sources, self._site_keys, self._h1s)

    @cached_property
    def _title(self) -> Found[str] | None:
        return self._pick("title", self._voted_title())

    def _voted_title(self) -> Iterator[Found[str]]:
        chosen = choose_title(self.title_sources, lambda: page_text(self.tree))
        if chosen is not None:
            text, names = chosen
            best = min(names, key=list(self.title_sources).index)
            yield Found(text, _TITLE_SOURCE_KINDS.get(best, "meta"), "+".join(names))

    @cached_property
    def _authors(self) -> Found[list[str]] | None:
        stated = self._stated_authors
        if stated is not None:
            return self._pick("authors", [stated])
        return self._pick(
            "authors",
            author_candidates(
                self.tree, self.sources, self._credited, self._site_keys, self._editors
            ),
        )

    @cached_property
    def _stated_authors(self) -> Found[list[str]] | None:
        """The authors the page's metadata and byline give (credits in the text aside)."""
        found = first_found(
            author_candidates(self.tree, self.sources, lambda: [], self._site_keys, self._editors)
        )
        return found if found is not None and found.kind != "fallback" else None

    def _editors(self) -> set[str]:
        if self._editor_names is None:
            self._editor_names = editor_names(self.tree)
        return self._editor_names

    def _location(self) -> str | None:
        return self._body.cleaned.location

    def _credited(self) -> list[str]:
        return self._body.cleaned.credited

    @cached_property
    def _published_on_page(self) -> Found[datetime] | None:
        """The publication time the page states, to the minute where it says."""
        return self._pick("published_at", self._published_candidates())

    def _published_candidates(self) -> Iterable[Found[datetime] | None]:
        return published_candidates(
            self.dates,
            self.tree,
            self.sources,
            lambda: self._body.cleaned.paragraphs,
            lambda: self.title,
        )

    @cached_property
    def _published(self) -> Found[datetime] | None:
        return self._published_on_page or guessed_published(self.dates, self.tree, self.url)

    @property
    def published_guessed(self) -> bool:
        """Whether :attr:`published_at` is htmldate's day rather than a time the page
        states: a listing's exact instant (feed, sitemap, API) should then win."""
        return self._published_on_page is None and self.published_at is not None

    @cached_property
    def _body(self) -> BodyText:
        selected = self._selected("body")
        main = selected.value if selected.chosen else extract_story(self.tree, self.url)
        return BodyText(
            self.tree,
            self.url,
            self.sources,
            main,
            headlines=self._headlines,
            names=self._names,
            site_names=self._site_keys,
        )

    def _headlines(self) -> set[str]:
        metas = [v for k, v in self.title_sources.items() if k != "h1"]
        return {h.casefold() for h in (*self._h1s, *metas) if len(h) >= 15}

    def _names(self) -> set[str]:
        """The names the page's metadata and byline give (a line of just one of them, above
        the story, is furniture); credits in the text are not asked (they come from it)."""
        names = {n.casefold() for n in names_of(self.sources.article.get("author"))}
        names.update(n.casefold() for n in meta_authors(self.sources))
        shown = self._stated_authors
        names.update(n.casefold() for n in (shown.value if shown else []))
        return names

    @cached_property
    def _body_found(self) -> Found[str] | None:
        if self._body.text:
            source: SourceKind = "selector" if self._selected("body").chosen else "visible"
            return Found(self._body.text, source, "main content")
        fallback = self.sources.article.get("articleBody")
        if isinstance(fallback, str) and fallback.strip():
            return Found(norm(fallback), "json-ld", "articleBody")
        return None

    @cached_property
    def _found(self) -> _Chosen:
        return _Chosen(self)

    def field_sources(self) -> dict[str, str | None]:
        """Each field's kind of source (``selector``, ``json-ld``, ``meta``, ``visible``,
        ``text``, ``fallback``, …; None without a value): compact enough to store with the
        article, so weak sources show per site."""
        report: dict[str, str | None] = {}
        for name in field_names(type(self)):
            own = getattr(type(self), name) is not getattr(ArticlePage, name, None)
            found = self._found[name] if not own else None
            report[name] = "page object" if own else (found.kind if found else None)
        return report

    # --- explanation --------------------------------------------------------

    def explain(self) -> dict[str, dict[str, Any]]:
        """Each field's source and the candidates it beat: field -> {"source", "detail",
        "value", "candidates": [...]}. A field a subclass computes itself says so."""
        candidates: dict[str, list[Found[Any]]] = {
            "canonical_url": list(
                with_values(canonical_candidates(self.url, self.tree, self.sources))
            ),
            "authors": list(
                with_values(
                    author_candidates(
                        self.tree, self.sources, self._credited, self._site_keys, self._editors
                    )
                )
            ),
            "published_at": [
                *stated_and_shown(
                    self.dates,
                    self.tree,
                    self.sources,
                    lambda: self._body.cleaned.paragraphs,
                    lambda: self.title,
                ),
                *with_values([guessed_published(self.dates, self.tree, self.url)]),
            ],
            "modified_at": list(with_values(modified_candidates(self.dates, self.sources))),
            "image_url": list(with_values(image_candidates(self.url, self.tree, self.sources))),
            "tags": list(with_values(tag_candidates(self.tree, self.sources, self._site_keys))),
            "categories": list(
                with_values(category_candidates(self.tree, self.sources, lambda: self.title))
            ),
            "title": [
                Found(v, _TITLE_SOURCE_KINDS.get(k, "meta"), k)
                for k, v in self.title_sources.items()
            ],
        }
        report: dict[str, dict[str, Any]] = {}
        for name in field_names(type(self)):
            value = getattr(self, name)
            own = getattr(type(self), name) is not getattr(ArticlePage, name, None)
            found = self._found[name]
            entry: dict[str, Any]
            if own:
                entry = {"source": "page object", "detail": type(self).__name__}
            elif found is not None:
                entry = found.describe()
            else:
                entry = {"source": "fallback" if value else None, "detail": ""}
            entry["value"] = value.isoformat() if isinstance(value, datetime) else value
            entry["candidates"] = [c.describe() for c in candidates.get(name, [])]
            report[name] = entry
        return report


class _Chosen:
    """Each field's chosen candidate (its value and source), computed once per field."""

    def __init__(self, page: ArticlePage) -> None:
        self._page = page
        self._cache: dict[str, Found[Any] | None] = {}

    def __getitem__(self, name: str) -> Found[Any] | None:
        if name not in self._cache:
            self._cache[name] = self._choose(name)
        return self._cache[name]

    def _choose(self, name: str) -> Found[Any] | None:
        page = self._page
        tree, sources = page.tree, page.sources
        chosen: dict[str, Callable[[], Found[Any] | None]] = {
            "title": lambda: page._title,
            "authors": lambda: page._authors,
            "published_at": lambda: page._published,
            "body": lambda: page._body_found,
            "body_html": lambda: page._body_found if page.body_html else None,
            "language": lambda: page._language_found,
            "canonical_url": lambda: first_found(canonical_candidates(page.url, tree, sources)),
            "modified_at": lambda: page._pick(
                "modified_at", modified_candidates(page.dates, sources)
            ),
            "lead": lambda: page._pick("lead", _lazy(page._body.lead, "fallback", "description")),
            "location": lambda: page._pick("location", _lazy(page._location, "text", "dateline")),
            "image_url": lambda: page._pick("image_url", image_candidates(page.url, tree, sources)),
            "tags": lambda: page._pick("tags", tag_candidates(tree, sources, page._site_keys)),
            "categories": lambda: page._pick(
                "categories", category_candidates(tree, sources, lambda: page.title)
            ),
        }
        compute = chosen.get(name)
        return compute() if compute is not None else None


def _lazy(compute: Callable[[], T | None], kind: SourceKind, detail: str) -> Iterator[Found[T]]:
    """One candidate, computed only when asked for (after the site's selector)."""
    value = compute()
    if value is not None:
        yield Found(value, kind, detail)


def _value(found: Found[T] | None) -> T | None:
    return found.value if found is not None else None
