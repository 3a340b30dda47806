"""The forms in which page objects compare extracted strings.

Sources spell one headline or name differently (entities, invisible characters,
spacing, case); each field family compares them in one of these forms.
"""

from __future__ import annotations

import html
import re
import unicodedata
from typing import Any

from lxml.html import HtmlElement

from crawler.pages.sources import as_list

__all__ = [
    "DOMAIN_NAME",
    "INVISIBLE",
    "SPACE",
    "WORDS",
    "fold",
    "key",
    "norm",
    "strings",
    "text_of",
    "unescape",
    "unique",
]

SPACE = re.compile(r"\s+")
WORDS = re.compile(r"\w+")
INVISIBLE = re.compile("[\u00ad\u200b\u200c\u200d\u2060\ufeff]")
DOMAIN_NAME = re.compile(r"\w\.(?:com|co|id|net|org|news|tv)\b", re.I)
"""An outlet's domain in a name ("Kompas.com Bola", "Liputan6.com", "VIVA.co.id")."""


def norm(text: str | None) -> str:
    """Whitespace folded to single spaces, ends stripped."""
    return SPACE.sub(" ", text or "").strip()


def text_of(node: HtmlElement) -> str:
    """An element's text content, whitespace folded."""
    return norm(node.text_content())


def fold(text: str) -> str:
    """Text as readers compare it: NFKC, no invisible characters, whitespace folded."""
    return norm(INVISIBLE.sub("", unicodedata.normalize("NFKC", text)))


_NON_WORD = re.compile(r"\W+")


def key(text: str) -> str:
    """Case-folded letters and digits only: the identity of a line or a name."""
    return _NON_WORD.sub("", text.casefold())


def unescape(text: str) -> str:
    """Metadata escaped twice ("&amp;#8216;") still carries entities once lxml decoded it."""
    return norm(html.unescape(text) if "&" in text else text)


def unique(values: list[str]) -> list[str]:
    """Non-empty values without case-insensitive repeats, first spelling and order kept."""
    seen: set[str] = set()
    result: list[str] = []
    for value in values:
        folded = value.casefold()
        if value and folded not in seen:
            seen.add(folded)
            result.append(value)
    return result


def strings(value: Any) -> list[str]:
    """The strings of a JSON-LD value: strings, or an object's name, url or @id."""
    result: list[str] = []
    for item in as_list(value):
        if isinstance(item, str):
            result.append(item)
        elif isinstance(item, dict):
            for name in ("name", "url", "@id"):
                if isinstance(item.get(name), str):
                    result.append(item[name])
                    break
    return result
