"""The machine-readable metadata of a page: JSON-LD, meta tags and microdata.

Read once from the parsed lxml tree and shared by every field of
:class:`~crawler.pages.article.ArticlePage`. Sites ship broken JSON-LD
(trailing commas, raw newlines, HTML comments, several objects glued
together), so parsing is forgiving and never raises.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from lxml.html import HtmlElement

__all__ = ["ARTICLE_TYPES", "LISTING_TYPES", "Sources", "as_list", "read_sources", "type_names"]

ARTICLE_TYPES = frozenset(
    {
        "article",
        "newsarticle",
        "reportagenewsarticle",
        "analysisnewsarticle",
        "opinionnewsarticle",
        "backgroundnewsarticle",
        "reviewnewsarticle",
        "blogposting",
        "liveblogposting",
        "socialmediaposting",
        "techarticle",
        "scholarlyarticle",
        "report",
    }
)
LISTING_TYPES = frozenset(
    {"collectionpage", "itemlist", "searchresultspage", "profilepage", "website", "blog"}
)

_TRAILING_COMMA = re.compile(r",\s*([}\]])")
_CDATA = re.compile(r"^\s*(?://\s*)?<!\[CDATA\[|(?://\s*)?\]\]>\s*$")
_COMMENT = re.compile(r"^\s*<!--|-->\s*$")


@dataclass
class Sources:
    """Structured metadata found on one page."""

    objects: list[dict[str, Any]] = field(default_factory=list)
    """Every JSON-LD object, ``@graph`` members flattened."""
    article: dict[str, Any] = field(default_factory=dict)
    """The JSON-LD object describing the article (empty when none)."""
    meta: dict[str, list[str]] = field(default_factory=dict)
    """``<meta>`` values by lower-cased ``property`` / ``name`` / ``itemprop`` (each of the
    names one attribute lists)."""
    microdata: dict[str, list[HtmlElement]] = field(default_factory=dict)
    """Elements carrying ``itemprop`` by property name (first occurrences first)."""

    def first_meta(self, *names: str) -> str | None:
        for name in names:
            for value in self.meta.get(name, ()):
                if value.strip():
                    return value.strip()
        return None

    def types(self) -> set[str]:
        return {t for obj in self.objects for t in type_names(obj)}


def as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def type_names(obj: dict[str, Any]) -> set[str]:
    """Lower-cased schema.org type names of a JSON-LD object (URL prefixes removed)."""
    return {str(t).rsplit("/", 1)[-1].lower() for t in as_list(obj.get("@type"))}


def _loads(text: str) -> Any:
    text = _COMMENT.sub("", _CDATA.sub("", text.strip())).strip()
    if not text:
        return None
    try:
        return json.loads(text, strict=False)
    except ValueError:
        pass
    try:
        return json.loads(_TRAILING_COMMA.sub(r"\1", text), strict=False)
    except ValueError:
        pass
    # Several objects concatenated, or junk after the first one: keep what decodes.
    decoder = json.JSONDecoder(strict=False)
    found: list[Any] = []
    index = 0
    while index < len(text):
        start = text.find("{", index)
        if start < 0:
            break
        try:
            value, index = decoder.raw_decode(text, start)
        except ValueError:
            break
        found.append(value)
    return found or None


def _flatten(value: Any) -> Iterator[dict[str, Any]]:
    for item in as_list(value):
        if not isinstance(item, dict):
            continue
        yield item
        if "@graph" in item:
            yield from _flatten(item["@graph"])
        main = item.get("mainEntity")
        if isinstance(main, dict) and ARTICLE_TYPES & type_names(main):
            yield main


def _json_ld(tree: HtmlElement) -> list[dict[str, Any]]:
    objects: list[dict[str, Any]] = []
    for script in tree.iterfind(".//script[@type]"):
        if "ld+json" not in (script.get("type") or "").lower():
            continue
        objects.extend(_flatten(_loads(script.text or "")))
    return objects


def _pick_article(objects: list[dict[str, Any]]) -> dict[str, Any]:
    candidates = [o for o in objects if ARTICLE_TYPES & type_names(o)]
    if not candidates:
        return {}
    # Prefer the object that has a body or headline: some pages list related articles too.
    return max(candidates, key=lambda o: (bool(o.get("headline")), bool(o.get("articleBody"))))


def _meta(tree: HtmlElement) -> dict[str, list[str]]:
    meta: dict[str, list[str]] = {}
    for node in tree.iterfind(".//meta"):
        content = node.get("content")
        if content is None:
            continue
        for attr in ("property", "name", "itemprop"):
            for key in _meta_keys(node.get(attr)):
                meta.setdefault(key, []).append(content)
    return meta


def _meta_keys(value: str | None) -> list[str]:
    """A meta tag's names: RDFa lets one tag state several prefixed properties
    (``property="og:title twitter:title"``); a name with a space that is not such a list
    is one name (Yoast's ``twitter:misc:Written by``)."""
    name = (value or "").strip().lower()
    tokens = name.split()
    if len(tokens) > 1 and all(":" in t for t in tokens):
        return tokens
    return [name] if name else []


def _microdata(tree: HtmlElement) -> dict[str, list[HtmlElement]]:
    found: dict[str, list[HtmlElement]] = {}
    for node in tree.xpath("//body//*[@itemprop]"):
        for name in (node.get("itemprop") or "").split():
            found.setdefault(name, []).append(node)
    return found


def read_sources(tree: HtmlElement) -> Sources:
    """Collect JSON-LD, meta tags and microdata from a parsed page."""
    objects = _json_ld(tree)
    return Sources(
        objects=objects,
        article=_pick_article(objects),
        meta=_meta(tree),
        microdata=_microdata(tree),
    )
