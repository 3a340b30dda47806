"""What the article is filed under: its tags (keywords) and categories (sections)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from lxml.html import HtmlElement

from crawler.pages.provenance import Found
from crawler.pages.sources import Sources, as_list, type_names
from crawler.pages.texts import key, norm, strings, text_of, unescape, unique

__all__ = ["category_candidates", "tag_candidates", "terms"]

_TAG_LINK_XPATH = (
    "//body//a[contains(concat(' ', normalize-space(@rel), ' '), ' tag ')"
    " and not(contains(@rel, 'category'))]"
)
"""WordPress tag links; its category links say ``rel="category tag"``."""
_TAG_LIST_XPATH = (
    "//body//*[contains(@class, 'tag') or contains(@id, 'tag') or contains(@class, 'Tag')]"
    "[not(self::article or self::main or self::a)]"
    "[not(ancestor::nav or ancestor::header or ancestor::footer)][.//a]"
)
_TAG_LIST_NAME = re.compile(
    r"^(?:[a-z]+[-_]?)?tags(?:[-_]?(?:list|links?|wrapper|container|box|block|area))?$"
    r"|^tag[-_]?(?:list|links|cloud)$",
    re.I,
)
"""A container of tag links by one class (or id) word: ``tags``, ``article-tags``,
``articleTags``, ``taglist``, ``post-tags-list``. Not ``tag-foo``: WordPress gives an
article one such class per tag, and the article holds every link of the page."""
_TAG_LIST_MAX_LINKS = 30
_TAG_MAX_CHARS = 60
_CATEGORY_LINK_XPATH = "//body//a[contains(concat(' ', normalize-space(@rel), ' '), ' category ')]"
_BREADCRUMB_XPATH = "//body//*[contains(@class, 'breadcrumb') or contains(@id, 'breadcrumb')][.//a]"


_ID_TAG = re.compile(r"^(?:\d{5,}|[0-9a-f]{8}(?:-[0-9a-f]{4}){3}-[0-9a-f]{12})$", re.I)
"""A CMS's identifier among the keywords (a long number, a UUID): no reader's tag (a year
is)."""
_FACET_TAG = re.compile(r"^(?P<label>[^\W\d_]+(?: [^\W\d_]+){0,2}):(?P<space>\s*)(?P<value>\S.*)$")
_FACET_KEYS = frozenset(
    {"category", "categories", "section", "subject", "type", "tag", "tags", "topic", "topics",
     "tokens", "day", "time", "language", "partner", "source", "keywords"}
)  # fmt: skip
"""The last word of an analytics facet's label: "Category: Travel", "Page Type: Article",
"NLP Entity Tokens: Canada". A title's colon follows other words ("Star Wars: Andor")."""
_MIN_FACETS = 2
"""A list with this many facets is the CMS's analytics data: its facets are not tags (one
alone may be a tag that happens to be written so)."""


def _is_facet(tag: str) -> bool:
    """Whether ``tag`` is an analytics facet: a label of :data:`_FACET_KEYS`, or two
    single words glued by a colon ("Lite:true", "Tag:Nodejs")."""
    match = _FACET_TAG.match(tag)
    if match is None:
        return False
    label, value = match["label"], match["value"]
    glued = not match["space"] and " " not in label and " " not in value
    return glued or label.split()[-1].casefold() in _FACET_KEYS


_HAN_KANA = re.compile(r"^[\u3040-\u30ff\u3400-\u9fff]+$")
_HAN_MIN_WORDS = 3
"""Chinese sites write their keywords as one string of words between spaces (Chinese and
Japanese write no space inside a word; Korean does, so Hangul is not split)."""


def terms(values: list[str], *, max_chars: int) -> list[str]:
    """Non-empty, not too long, without repeats."""
    return unique([norm(v) for v in values if norm(v) and len(norm(v)) <= max_chars])


def _tags(values: list[str], sites: Sequence[str] = ()) -> list[str]:
    """Keywords as readers see them: entities decoded, a CJK run of words split, without
    identifiers, analytics facets and the site's own host name (``sites``, as keys)."""
    found: list[str] = []
    for value in values:
        text = unescape(value)
        words = text.split()
        if len(words) >= _HAN_MIN_WORDS and all(_HAN_KANA.match(w) for w in words):
            found.extend(words)
        elif text:
            found.append(text)
    facets = sum(1 for t in found if _is_facet(t)) >= _MIN_FACETS
    return terms(
        [
            t
            for t in found
            if not _ID_TAG.match(t)
            and not (facets and _is_facet(t))
            and not ("." in t and " " not in t and key(t) in sites)
        ],
        max_chars=80,
    )


_JOINED_LIST = re.compile(r",\S")
"""Commas with no space after them join a list into one string."""
_ONE_TERM = re.compile(r",\s*(?:&|and\b|und\b|et\b|y\b|dan\b)", re.I)
"""A comma inside one term: "Business, Finance, & Economics"."""


def _split_list(values: list[str]) -> list[str]:
    """A list some sources write as one comma-joined string ("Spain,Europe,World news")."""
    return [
        part
        for value in values
        for part in (value.split(",") if "," in value and not _ONE_TERM.search(value) else [value])
    ]


def _unjoined(found: list[str], others: list[list[str]]) -> list[str]:
    """``found``, or another source's list when ``found`` is that list joined by spaces
    (one JSON-LD keyword "Cannes Messen Duisburg" where the meta tag lists three)."""
    if len(found) != 1:
        return found
    words = sorted(w.casefold() for w in found[0].split())
    for other in others:
        if len(other) >= 2 and sorted(w.casefold() for t in other for w in t.split()) == words:
            return other
    return found


def _categories(values: list[str]) -> list[str]:
    return terms(values, max_chars=60)


def tag_candidates(
    tree: HtmlElement, sources: Sources, sites: Sequence[str] = ()
) -> Iterator[Found[list[str]]]:
    """Keywords: structured data, ``article:tag``, ``rel=tag`` links, meta keywords, then
    the visible tag list; the site's own host name ("nationalpost.com": ``sites``, as keys)
    is no tag (the publisher's name is: some tag every article with it)."""
    meta = sources.first_meta("news_keywords", "keywords")
    keywords = _tags(_split_list(meta.split(",") if meta else []), sites)
    structured = _tags(_split_list(strings(sources.article.get("keywords"))), sites)
    yield Found(_unjoined(structured, [keywords]), "json-ld", "keywords")
    article_tags = list(sources.meta.get("article:tag", []))
    if len(article_tags) == 1 and _JOINED_LIST.search(article_tags[0]):
        # One tag for the whole list: "Spain,Europe,World news" (each of several tags is
        # one tag, commas and all: "Trump, Donald J").
        article_tags = _split_list(article_tags)
    yield Found(_unjoined(_tags(article_tags, sites), [keywords]), "meta", "article:tag")
    links = [text_of(a) for a in tree.xpath(_TAG_LINK_XPATH)]
    yield Found(_tags(links, sites), "visible", "rel=tag")
    yield Found(keywords, "meta", "keywords")
    # Last: where a page has keywords, a list of links named like tags is more often
    # something else (a shop link, a "Themen" menu) than a better list.
    yield Found(_tags(_tag_list(tree), sites), "visible", "tag list")


def _tag_list(tree: HtmlElement) -> list[str]:
    """The links of the page's tag list (:data:`_TAG_LIST_NAME`), outside its navigation.

    Sites without ``rel=tag`` (most that are not WordPress) still show the article's
    tags as a list of short links under the story.
    """
    for element in tree.xpath(_TAG_LIST_XPATH):
        words = [*element.get("class", "").split(), element.get("id", "")]
        if not any(_TAG_LIST_NAME.match(word) for word in words if word):
            continue
        links = [text_of(a).strip(" ,;|·#") for a in element.iter("a")]
        links = [link for link in links if link]
        short = all(len(link) <= _TAG_MAX_CHARS for link in links)
        if links and len(links) <= _TAG_LIST_MAX_LINKS and short:
            return links
    return []


def category_candidates(
    tree: HtmlElement, sources: Sources, title: Callable[[], str | None]
) -> Iterator[Found[list[str]]]:
    """Sections: ``articleSection``, ``article:section``, WordPress category links, then
    the breadcrumb trail (which may end with the headline, ``title``)."""
    yield Found(_categories(strings(sources.article.get("articleSection"))), "json-ld", "section")
    yield Found(
        _categories(list(sources.meta.get("article:section", []))), "meta", "article:section"
    )
    links = [text_of(a) for a in tree.xpath(_CATEGORY_LINK_XPATH)]
    yield Found(_categories(links), "visible", "rel=category")
    yield Found(_categories(_breadcrumb(tree, sources, title)), "visible", "breadcrumb")


def _breadcrumb(tree: HtmlElement, sources: Sources, title: Callable[[], str | None]) -> list[str]:
    """The sections of a breadcrumb trail, without its home link and the page itself."""
    headline = (title() or "").casefold()
    for obj in sources.objects:
        if "breadcrumblist" not in type_names(obj):
            continue
        items = [i for i in as_list(obj.get("itemListElement")) if isinstance(i, dict)]
        names = [_breadcrumb_name(i) for i in items[1:]]
        found = [n for n in names if n and n.casefold() != headline]
        if found:
            return found[-1:]
    for trail in tree.xpath(_BREADCRUMB_XPATH)[:1]:
        names = [text_of(a) for a in trail.iter("a")][1:]
        found = [n for n in names if n and n.casefold() != headline]
        return found[-1:]
    return []


def _breadcrumb_name(item: dict[str, Any]) -> str:
    name = item.get("name")
    if not isinstance(name, str) and isinstance(item.get("item"), dict):
        name = item["item"].get("name")
    return norm(name) if isinstance(name, str) else ""
