"""Per-site extraction overrides: a selector per field, and code page objects.

Generic extraction serves almost every site. For the few it gets wrong, ``sites.toml``
says what to read instead, without code::

    [site.selectors]
    title = "div.judul-berita h2"                      # CSS (parsel: ::text, ::attr() too)
    published_at = "xpath://span[@class='tgl']/text()"  # or XPath, after "xpath:"

and, for a site that needs logic, names a page object: ``page = "package.module:Class"``,
a subclass of :class:`~crawler.pages.article.ArticlePage` overriding what differs.

A selector wins for its field when it matches; when it matches nothing (the site was
redesigned), generic extraction answers and the miss is reported, so a stale selector
shows in the crawl's stats instead of losing articles. This module is light (no
trafilatura): ``sites.toml`` is validated with it at start-up.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Literal, get_args

import lxml.etree
from cssselect import SelectorError
from parsel import Selector
from parsel.csstranslator import HTMLTranslator

if TYPE_CHECKING:
    from lxml.html import HtmlElement

    from crawler.pages.article import ArticlePage

__all__ = [
    "SELECTABLE_FIELDS",
    "FieldSelector",
    "SelectableField",
    "Selectors",
    "load_page_class",
    "parse_selectors",
]

SelectableField = Literal[
    "title",
    "authors",
    "published_at",
    "modified_at",
    "body",
    "lead",
    "image_url",
    "tags",
    "categories",
    "location",
]
"""The Article fields a page reads from the page itself, so a selector can replace."""
SELECTABLE_FIELDS: tuple[str, ...] = get_args(SelectableField)
Selectors = Mapping[SelectableField, str] | Mapping[str, str]
"""Field -> selector text, as ``sites.toml`` writes them."""
XPATH_PREFIX = "xpath:"
CSS_PREFIX = "css:"


@dataclass(frozen=True)
class FieldSelector:
    """One field's selector, checked: ``query`` as written, ``xpath`` what runs."""

    field: str
    query: str
    xpath: str

    @classmethod
    def parse(cls, field: str, text: str) -> FieldSelector:
        """``text`` as written in ``sites.toml``; ValueError (one line) when unusable."""
        return _parse(field, text)

    def select(self, root: HtmlElement) -> list[HtmlElement | str]:
        """What the selector finds in the page: elements, or strings (text, attributes)."""
        try:
            found = Selector(root=root, type="html").xpath(self.xpath)
        except ValueError:  # an XPath that compiles but fails on this page
            return []
        results: list[HtmlElement | str] = []
        for item in found:
            value = item.root
            if isinstance(value, str | bytes):
                results.append(value if isinstance(value, str) else value.decode())
            elif isinstance(value, lxml.etree._Element):
                results.append(value)  # type: ignore[arg-type]
        return results


@lru_cache(maxsize=1024)
def _parse(field: str, text: str) -> FieldSelector:
    if field not in SELECTABLE_FIELDS:
        raise ValueError(f"no selector for {field!r}: one of {', '.join(SELECTABLE_FIELDS)}")
    query = text.strip()
    if query.startswith(XPATH_PREFIX):
        query = query.removeprefix(XPATH_PREFIX).strip()
        try:
            lxml.etree.XPath(query)
        except lxml.etree.XPathSyntaxError as exc:
            raise ValueError(f"{field}: bad XPath {query!r}: {exc}") from None
        return FieldSelector(field, query, query)
    query = query.removeprefix(CSS_PREFIX).strip()
    if not query:
        raise ValueError(f"{field}: empty selector")
    try:
        xpath = HTMLTranslator().css_to_xpath(query)
    except SelectorError as exc:
        raise ValueError(f"{field}: bad CSS selector {query!r}: {exc}") from None
    return FieldSelector(field, query, xpath)


def parse_selectors(
    selectors: Selectors | None,
) -> dict[str, FieldSelector]:
    """Every field's selector, checked (ValueError naming the first bad one)."""
    return {field: FieldSelector.parse(field, text) for field, text in (selectors or {}).items()}


def load_page_class(path: str) -> type[ArticlePage]:
    """The page object named ``"package.module:Class"``; ValueError (one line) if it is
    not importable or not an :class:`~crawler.pages.article.ArticlePage`."""
    from crawler.pages.article import ArticlePage

    module_name, _, class_name = path.partition(":")
    if not module_name or not class_name:
        raise ValueError(f"page {path!r}: write it as 'package.module:Class'")
    try:
        found = getattr(importlib.import_module(module_name), class_name)
    except Exception as exc:  # any failure of the user's module is one line, not a traceback
        raise ValueError(f"page {path!r} cannot be imported: {exc!r}") from None
    if not (isinstance(found, type) and issubclass(found, ArticlePage)):
        raise ValueError(f"page {path!r} is not a subclass of ArticlePage")
    return found
