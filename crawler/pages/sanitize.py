"""Sanitized article HTML: safe to store and to re-publish in feeds.

The body HTML is shown to readers by other tools, so it must carry nothing
executable (scripts, styles, frames, event handlers, ``javascript:`` URLs) and
its links and images must still work out of context (absolute URLs).
"""

from __future__ import annotations

import re

import lxml.html
from lxml.etree import ParserError
from lxml_html_clean import Cleaner

__all__ = ["sanitize_html", "sanitize_tree"]

_CLEANER = Cleaner(
    scripts=True,
    javascript=True,
    comments=True,
    style=True,
    inline_style=True,
    links=True,
    meta=True,
    page_structure=True,
    processing_instructions=True,
    embedded=True,
    frames=True,
    forms=True,
    annoying_tags=True,
    remove_unknown_tags=False,
    safe_attrs_only=True,
    safe_attrs=frozenset(
        {"href", "src", "alt", "title", "width", "height", "colspan", "rowspan", "datetime"}
    ),
    kill_tags=["noscript", "template", "svg", "button", "select", "textarea"],
)
_UNSAFE_URL = re.compile(r"^\s*(?:javascript|vbscript|data):", re.I)


def sanitize_tree(element: lxml.html.HtmlElement, base_url: str) -> str:
    """Clean ``element`` (in place) and serialize it; URLs made absolute against ``base_url``."""
    cleaned = _CLEANER.clean_html(element)
    for node in cleaned.iter():
        for name in ("href", "src"):
            value = node.get(name)
            # The cleaner blanks javascript: URLs; a blank href would resolve to the page.
            if value is not None and (not value.strip() or _UNSAFE_URL.match(value)):
                del node.attrib[name]
    if base_url:
        cleaned.make_links_absolute(base_url, resolve_base_href=False, handle_failures="discard")
    html: str = lxml.html.tostring(cleaned, encoding="unicode", method="html")
    return html.strip()


def sanitize_html(html: str, base_url: str = "") -> str:
    """Sanitize an HTML fragment (a string); empty input gives an empty string."""
    if not html.strip():
        return ""
    try:
        fragment = lxml.html.fragment_fromstring(html, create_parent="div")
    except (ParserError, ValueError):
        return ""
    return sanitize_tree(fragment, base_url)
