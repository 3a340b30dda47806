"""Who wrote the article: authors from structured data, meta tags, bylines and credits.

Each source gives names; a name must look like a person (not a desk, an outlet, an
address or a date), and the strongest source with one wins.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterator
from typing import Any

from lxml.html import HtmlElement

from crawler.pages.cleanup import credit_names, is_desk_name, split_names
from crawler.pages.provenance import Found
from crawler.pages.sources import Sources, as_list
from crawler.pages.texts import DOMAIN_NAME, norm, text_of, unique

__all__ = ["author_candidates", "is_name", "meta_authors", "names_of", "selected_authors"]

_AUTHOR_META = ("author", "article:author", "parsely-author", "sailthru.author", "dc.creator")
_BYLINE_XPATH = (
    "//body//*[contains(@class, 'author-name') or contains(@class, 'byline__name')"
    " or contains(@class, 'author__name') or @class='byline' or @class='author']"
)
_LABEL_XPATH = "//body//text()[contains(., ':')][not(parent::script or parent::style)]"
_BYLINE_LABEL = re.compile(
    r"^\s*(?:penulis|reporter|pewarta|wartawan|kontributor|writer|written by)\s*:", re.I
)
_BAD_AUTHOR = re.compile(
    r"https?://|www\.|@|\d{3,}|^(?:admin|administrator|redaksi|staff)$"
    # A company, not a person: "PT. VIVA MEDIA BARU" (an outlet's domain: DOMAIN_NAME).
    r"|^(?:PT|CV)\b\.?\s",
    re.I,
)


def names_of(value: Any) -> list[str]:
    """Person names from a JSON-LD author value (string, Person, list of them)."""
    names: list[str] = []
    for item in as_list(value):
        if isinstance(item, str):
            names.extend(split_names(item))
        elif isinstance(item, dict) and isinstance(item.get("name"), str):
            names.extend(split_names(item["name"]))
    return names


def is_name(name: str) -> bool:
    """Whether ``name`` can be a person's: short, no address, outlet, company or desk."""
    return (
        bool(name)
        and len(name) <= 60
        and not _BAD_AUTHOR.search(name)
        and not DOMAIN_NAME.search(name)
        and not is_desk_name(name)
    )


def _people(names: list[str]) -> list[str]:
    return unique([n for n in (norm(x) for x in names) if is_name(n)])


def selected_authors(texts: list[str]) -> list[str]:
    """The people named in what a site's selector found (empty: the selector missed)."""
    return unique([n for t in texts for n in split_names(t) if is_name(n)])


def meta_authors(sources: Sources) -> list[str]:
    """Names in the first author meta tag that has any."""
    names: list[str] = []
    for name in _AUTHOR_META:
        for value in sources.meta.get(name, ()):
            if not _BAD_AUTHOR.search(value):  # article:author is often a profile URL
                names.extend(split_names(value))
        if names:
            break
    return names


def _byline_authors(tree: HtmlElement, sources: Sources) -> Found[list[str]] | None:
    names: list[str] = []
    for node in sources.microdata.get("author", [])[:3]:
        inner = node.find(".//*[@itemprop='name']")
        value = (inner if inner is not None else node).get("content")
        names.extend(split_names(value or text_of(inner if inner is not None else node)))
    if names:
        return Found(_people(names), "microdata", "itemprop=author")
    for node in tree.xpath("//body//a[@rel='author']")[:3]:
        names.extend(split_names(text_of(node)))
    if names:
        return Found(_people(names), "visible", "a[rel=author]")
    for node in tree.xpath(_BYLINE_XPATH)[:2]:
        text = text_of(node)
        if 2 < len(text) <= 60:
            names.extend(split_names(text))
    if names:
        return Found(_people(names), "visible", "byline element")
    return Found(_people(_labelled_byline(tree)), "visible", "labelled byline")


def _labelled_byline(tree: HtmlElement) -> list[str]:
    """Names after a "Reporter:" / "Penulis:" label outside the body text."""
    labelled = (t for t in tree.xpath(_LABEL_XPATH) if _BYLINE_LABEL.match(t))
    for text_node in itertools.islice(labelled, 5):
        parent = text_node.getparent()
        if parent is None:
            continue
        names = credit_names(text_of(parent))
        if names:
            return names
    return []


def author_candidates(
    tree: HtmlElement, sources: Sources, credited: Callable[[], list[str]]
) -> Iterator[Found[list[str]] | None]:
    """Structured authors, else meta tags, else the visible byline, else names credited
    in the text (``credited``), strongest first."""
    yield Found(_people(names_of(sources.article.get("author"))), "json-ld", "author")
    yield Found(_people(meta_authors(sources)), "meta", "author")
    yield _byline_authors(tree, sources)
    yield Found(_people(credited()), "text", "credit line")
