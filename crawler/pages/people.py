"""Who wrote the article: authors from structured data, meta tags, bylines and credits.

Each source gives names; a name must look like a person (not a desk, an outlet, an
address or a date), and the strongest source with one wins.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterator
from typing import Any

import lxml.etree
from lxml.html import HtmlElement

from crawler.pages.cleanup import (
    credit_names,
    is_desk_name,
    looks_like_a_full_name,
    merge_names,
    read_credits,
    split_names,
)
from crawler.pages.provenance import Found
from crawler.pages.sources import Sources, as_list
from crawler.pages.texts import DOMAIN_NAME, key, norm, text_of, unique

__all__ = ["author_candidates", "is_name", "meta_authors", "names_of", "selected_authors"]

_AUTHOR_META = (
    "author",
    "article:author",
    "parsely-author",
    "sailthru.author",
    "dc.creator",
    "dc:creator",
    "dcterms.creator",
)
_NOT_IN_COMMENTS = (
    "[not(ancestor-or-self::*[@id='comments' or @id='respond'"
    " or contains(@class, 'comment-') or contains(@class, 'comments')"
    " or contains(@class, 'commentlist') or contains(@class, 'wp-block-comment')])]"
)
"""Outside a comment list: a commenter's name is never an author (WordPress themes mark
them ``.comment-author``, block themes ``.wp-block-comment-author-name``)."""
_NOT_IN_FIGURES = "[not(ancestor::figure or ancestor::figcaption)]"
"""Outside a picture: a byline in a figure's caption credits the photographer."""
_BYLINE_XPATH = (
    "//body//*[contains(@class, 'author-name') or contains(@class, 'byline__name')"
    " or contains(@class, 'author__name') or @class='byline' or @class='author']"
    + _NOT_IN_COMMENTS
    + _NOT_IN_FIGURES
)
_BROAD_BYLINE_XPATH = (
    "//body//*[contains(@class, 'author') or contains(@class, 'byline')"
    " or contains(@class, 'penulis') or contains(@class, 'reporter')"
    " or contains(@class, 'writer')][not(self::body or self::article)]"
    + _NOT_IN_COMMENTS
    + _NOT_IN_FIGURES
)
"""Theme bylines by class word: ``.jeg_meta_author``, ``.author-post``, ``.author vcard``."""
_BROAD_BYLINE_NODES = 8
_FIELD_LABEL_CHARS = 20
_LABEL_XPATH = (
    "//body//text()[contains(., ':') or starts-with(normalize-space(), 'Oleh')]"
    "[not(parent::script or parent::style)]" + _NOT_IN_COMMENTS
)
_BYLINE_LABEL = re.compile(
    r"^\s*(?:(?:penulis|reporter|pewarta|wartawan|kontributor|jurnalis|writer|written by|rep)"
    r"\s*:|oleh\b)",
    re.I,
)
_EDITOR_WORDS = ("ditor", "DITOR", "edaktur", "EDAKTUR", "enyunting", "ENYUNTING")
_EDITOR_TEXTS = lxml.etree.XPath(
    "//body//text()[" + " or ".join(f"contains(., '{w}')" for w in _EDITOR_WORDS) + "]"
)
_EDITOR_LABEL = re.compile(
    r"(?:^|[|,;/•·]|\s)\s*(?:editor|redaktur|penyunting|edited by)\s*:\s*$|"
    r"^\s*(?:editor|redaktur|penyunting|edited by)\s*:",
    re.I,
)
_SCRIPT_AUTHOR = re.compile(
    r"""["']?(?:author|authors?_?name|content_?author|penulis|writer|reporter)["']?\s*[:=]\s*"""
    r"""["']([^"'<>{}\[\]\\]{3,60})["']""",
    re.I,
)
"""An author in a page's analytics data (``dataLayer``): portals set it for every article."""
_BAD_AUTHOR = re.compile(
    r"https?://|www\.|@|\d{3,}|^(?:admin|administrator|redaksi|staff)$"
    # A company, not a person: "PT. VIVA MEDIA BARU" (an outlet's domain: DOMAIN_NAME).
    r"|^(?:PT|CV)\b\.?\s"
    # A picture credit split off a byline: "(Image: Getty Images".
    r"|:|^\(|^[^()]*\)|\([^()]*$|\b(?:image|images|foto|photo|getty|istock\w*|shutterstock)\b",
    re.I,
)


_ACCOUNT_PAGE = re.compile(
    r"/(?:author|penulis|user|users|members?|profile)/"
    r"(?:admin\w*|administrator|redaksi\w*|redaktur|editor|staff|webmaster|root|user\d*)/?(?:[#?]|$)",
    re.I,
)
"""The profile page of a CMS account rather than of a writer: WordPress sites publish
under ``/author/admin/`` with whatever display name the account was given ("Ilanga D")."""


def is_account(url: Any) -> bool:
    """Whether ``url`` is an account's profile page (:data:`_ACCOUNT_PAGE`)."""
    return isinstance(url, str) and _ACCOUNT_PAGE.search(url) is not None


def names_of(value: Any) -> list[str]:
    """Person names from a JSON-LD author value (string, Person, list of them); an
    account's display name (:func:`is_account`) names no one."""
    names: list[str] = []
    for item in as_list(value):
        if isinstance(item, str):
            names.extend(split_names(item))
        elif (
            isinstance(item, dict)
            and isinstance(item.get("name"), str)
            and not (is_account(item.get("url")) or is_account(item.get("@id")))
        ):
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


class _People:
    """Turns raw names into people: real names, not the outlet, not an editor."""

    def __init__(self, sites: list[str], editors: Callable[[], set[str]]) -> None:
        self.sites = sites
        self._editors = editors
        self.outlets: list[str] = []
        """The site's own name where a source credits it (the last resort)."""

    def credit(self, values: list[str]) -> list[str]:
        """The people of credit texts, each split into names: in a text that opens with
        the outlet ("hessenschau.de, Frankfurt, Germany") the rest is its address or desk,
        and only a full name there is a person."""
        names: list[str] = []
        for value in values:
            parts = split_names(value)
            if parts and self.is_outlet(_without_job_title(norm(parts[0]))):
                parts = parts[:1] + [p for p in parts[1:] if looks_like_a_full_name(norm(p))]
            names.extend(parts)
        return self(names)

    def __call__(self, names: list[str]) -> list[str]:
        named = [n for n in (_without_job_title(norm(x)) for x in names) if is_name(n)]
        outlets = [n for n in named if self.is_outlet(n)]
        if outlets and not self.outlets:
            self.outlets = outlets
        people = [n for n in named if n not in outlets]
        if people:
            editors = self._editors()
            people = [n for n in people if n.casefold() not in editors]
        return unique(people)

    def is_outlet(self, name: str) -> bool:
        """Whether ``name`` is the site's own name ("Lesotho Times" on lestimes.com)."""
        name_key = key(name)
        return len(name_key) >= 3 and any(
            name_key == site
            or (len(site) >= 4 and site in name_key)
            or (len(name_key) >= 4 and name_key in site)
            for site in self.sites
        )


_JOB_TITLES = frozenset(
    {"Editor", "Correspondent", "Reporter", "Writer", "Columnist", "Contributor", "Journalist",
     "Producer"}
)  # fmt: skip
_JOB_TITLE_MODIFIERS = 3
"""Words before the title that belong to it: "Senior Political Correspondent"."""


def _without_job_title(name: str) -> str:
    """``name`` without the job title a byline prints after it ("Ben Silverman Games
    Editor"), keeping two words of a name at least: a title alone ("Political Editor")
    is left for the desk-name check, and a three-word name loses no word to a title
    of one."""
    words = name.split()
    if len(words) < 3 or words[-1] not in _JOB_TITLES:
        return name
    words.pop()
    for _ in range(_JOB_TITLE_MODIFIERS):
        if len(words) <= 2 or not words[-1][:1].isupper():
            break
        words.pop()
    return " ".join(words)


def _outside_comments(node: HtmlElement) -> bool:
    return not node.xpath("ancestor-or-self::*[1]" + _NOT_IN_COMMENTS.replace("[not(", "[(", 1))


def editor_names(tree: HtmlElement) -> set[str]:
    """Names the page labels as its editors ("Editor: Heryadi"), case-folded: an editor
    is not an author, even where the publisher's metadata says so."""
    found: set[str] = set()
    labelled = ((t, e, tail) for t, e, tail in _texts_with(tree) if _EDITOR_LABEL.search(t))
    for text, element, is_tail in itertools.islice(labelled, 5):
        # "<a>Eko</a> | Editor: …": a tail's line is its parent's.
        holder = element.getparent() if is_tail else element
        if holder is None:
            continue
        line = text_of(holder)
        if len(line) > 200:
            # "Editor : <a>Heryadi</a>" inside a larger block: the label and the next element.
            after = element.getnext() if is_tail else element.find("*")
            line = norm(f"{text} {text_of(after) if after is not None else ''}")
        label = _EDITOR_LABEL.search(line)
        if label is not None:
            line = line[label.start() :].strip(" |,;/•·")
        for is_author, names in read_credits(line):
            if not is_author:
                found.update(n.casefold() for n in names)
    return found


def _texts_with(tree: HtmlElement) -> Iterator[tuple[str, HtmlElement, bool]]:
    """(text, element, is_tail) for each text of the body in which an editor's label word
    (:data:`_EDITOR_WORDS`) occurs, scripts' and styles' own text skipped. XPath finds
    them without a Python object per element of the page."""
    for text in _EDITOR_TEXTS(tree):
        element = text.getparent()
        if element is None or (text.is_text and element.tag in ("script", "style")):
            continue
        yield str(text), element, bool(text.is_tail)


_ANALYTICS = ("dataLayer", "gtag(", "_gaq")
_AUTHOR_KEYS = ("uthor", "enulis", "riter", "eporter")


def _script_authors(tree: HtmlElement) -> list[str]:
    """Authors named in inline scripts' analytics data (not JSON-LD, read already)."""
    for script in tree.xpath("//script[not(@src)][not(contains(@type, 'ld+json'))]")[:40]:
        text = script.text or ""
        if not any(w in text for w in _ANALYTICS) or not any(w in text for w in _AUTHOR_KEYS):
            continue
        for match in _SCRIPT_AUTHOR.finditer(text[:200_000]):
            names = split_names(match[1])
            if names:
                return names
    return []


def selected_authors(texts: list[str]) -> list[str]:
    """The people named in what a site's selector found (empty: the selector missed)."""
    return unique([n for t in texts for n in split_names(t) if is_name(n)])


def meta_authors(sources: Sources) -> list[str]:
    """Names in the first author meta tag that has any, else in the SEO plugin's
    "Written by" card (:func:`_card_authors`)."""
    return [n for value in meta_author_values(sources) for n in split_names(value)]


def meta_author_values(sources: Sources) -> list[str]:
    """The values of the first author meta tag that names anyone, else the card's."""
    for name in _AUTHOR_META:
        # article:author is often a profile URL
        values = [v for v in sources.meta.get(name, ()) if not _BAD_AUTHOR.search(v)]
        if any(split_names(v) for v in values):
            return values
    return _card_authors(sources)


_WRITTEN_BY = re.compile(
    r"^\s*(?:written\s+by|author|geschrieben\s+von|verfasst\s+von|autor(?:in)?|"
    r"écrit\s+par|auteur|escrito\s+por|scritto\s+da|ditulis\s+oleh|penulis|"
    r"geschreven\s+door|skrevet\s+af|skrivet\s+av)\s*:?\s*$",
    re.I,
)
"""The label Yoast SEO gives the author in its Twitter card, in the site's language."""


def _card_authors(sources: Sources) -> list[str]:
    """The author of a WordPress site's Twitter card: Yoast SEO writes
    ``twitter:label1`` "Written by" (translated) with the name in ``twitter:data1``,
    or ``twitter:misc:Written by``; the ``author`` meta tag it also writes is often an
    e-mail address or the site's account, which :func:`meta_authors` skips."""
    for index in range(1, 5):
        for label in sources.meta.get(f"twitter:label{index}", ()):
            if _WRITTEN_BY.match(label):
                return list(sources.meta.get(f"twitter:data{index}", ()))[:1]
    for name, values in sources.meta.items():
        if name.startswith("twitter:misc:") and _WRITTEN_BY.match(name[13:]):
            return list(values[:1])
    return []


def _byline_authors(
    tree: HtmlElement, sources: Sources, people: _People
) -> Found[list[str]] | None:
    names: list[str] = []
    for node in [n for n in sources.microdata.get("author", []) if _outside_comments(n)][:3]:
        inner = node.find(".//*[@itemprop='name']")
        value = (inner if inner is not None else node).get("content")
        names.extend(split_names(value or text_of(inner if inner is not None else node)))
    if names:
        return Found(people(names), "microdata", "itemprop=author")
    for node in tree.xpath("//body//a[@rel='author']" + _NOT_IN_COMMENTS)[:3]:
        if not is_account(node.get("href")):
            names.extend(split_names(text_of(node)))
    if names:
        return Found(people(names), "visible", "a[rel=author]")
    for node in tree.xpath(_BYLINE_XPATH)[:2]:
        text = text_of(node)
        if 2 < len(text) <= 60 and not _links_an_account(node):
            names.extend(split_names(text))
    if names:
        return Found(people(names), "visible", "byline element")
    labelled = people(_labelled_byline(tree))
    if labelled:
        return Found(labelled, "visible", "labelled byline")
    for node in tree.xpath(_BROAD_BYLINE_XPATH)[:_BROAD_BYLINE_NODES]:
        if _links_an_account(node):
            continue
        pieces = [piece for piece in (norm(t) for t in node.itertext()) if piece]
        text = " ".join(pieces)
        if 2 < len(text) <= 80:
            names = credit_names(text) if read_credits(text) else split_names(text)
            found = [n for n in people(names) if looks_like_a_full_name(n)]
            if not found and len(pieces) > 1:
                # One element a name, no separator written between them.
                found = [n for n in people(pieces) if looks_like_a_full_name(n)]
                found = found if len(found) == len(pieces) else []
            if found:
                return Found(found, "visible", f"<{node.tag} class={node.get('class', '')!r}>")
    return None


def _links_an_account(node: HtmlElement) -> bool:
    """Whether a byline element is (or links, or sits in) a link to an account's page."""
    links = [*node.iter("a"), *node.iterancestors("a")]
    return any(is_account(a.get("href")) for a in links)


def _labelled_byline(tree: HtmlElement) -> list[str]:
    """Names after a "Reporter:" / "Penulis:" label outside the body text, else in the
    field a label element names (:func:`_field_byline`)."""
    labelled = (t for t in tree.xpath(_LABEL_XPATH) if _BYLINE_LABEL.match(t))
    for text_node in itertools.islice(labelled, 5):
        parent = text_node.getparent()
        if parent is None:
            continue
        names = credit_names(text_of(parent))
        if names:
            return names
    return _field_byline(tree)


_FIELD_LABEL_XPATH = lxml.etree.XPath(
    "//body//*[self::strong or self::b or self::dt or self::th or self::label]"
    f"[string-length(normalize-space()) <= {_FIELD_LABEL_CHARS}]" + _NOT_IN_COMMENTS
)
_FIELD_LABEL = re.compile(
    r"^(?:autor(?:in)?(?:\s*/\s*autor(?:in)?)?|autoren|authors?|penulis|reporter|wartawan|"
    r"writer|written by|auteur|autore|escrito por|geschrieben von)\s*:?$",
    re.I,
)
"""A label element that names the author field, in a few languages."""


def _field_byline(tree: HtmlElement) -> list[str]:
    """The names in an author field laid out as a label element and its value:
    ``<li><strong>Autorin/Autor</strong> Jane Doe</li>``, ``<dt>Penulis</dt><dd>…</dd>``."""
    for label in _FIELD_LABEL_XPATH(tree):
        if not isinstance(label, HtmlElement) or not _FIELD_LABEL.match(text_of(label)):
            continue
        following = label.getnext()
        value = norm(label.tail) or (text_of(following) if following is not None else "")
        names = [n for n in split_names(value) if is_name(n)] if len(value) <= 80 else []
        if names:
            return names
    return []


def author_candidates(
    tree: HtmlElement,
    sources: Sources,
    credited: Callable[[], list[str]],
    sites: list[str],
    editors: Callable[[], set[str]] | None = None,
) -> Iterator[Found[list[str]] | None]:
    """Structured authors, else meta tags, else the visible byline, else the page's
    analytics data, else names credited in the text (``credited``), strongest first.
    ``editors`` gives the page's labelled editors (found once per page by the caller).
    The page's labelled editors are no author in any of them, and the site's own name
    (``sites``, as keys) only when no source names a person."""
    found_editors: set[str] | None = None

    def page_editors() -> set[str]:
        nonlocal found_editors
        if found_editors is None:
            found_editors = editor_names(tree)
        return found_editors

    people = _People(sites, editors or page_editors)
    yield Found(people(names_of(sources.article.get("author"))), "json-ld", "author")
    yield Found(people.credit(meta_author_values(sources)), "meta", "author")
    yield _byline_authors(tree, sources, people)
    yield Found(people(_script_authors(tree)), "text", "script data")
    yield Found(merge_names(people(credited())), "text", "credit line")
    # The outlet credits itself ("BBC News") when it names no one: that, rather than nothing.
    yield Found(unique(people.outlets), "fallback", "the outlet's own credit")
