"""The HTML policy: what article HTML may carry, for the archive and every feed alike.

The body HTML is shown to readers by other tools, so it must carry nothing executable
(scripts, styles, frames, event handlers, ``javascript:`` URLs), nothing XML cannot hold
(control characters, as bytes or references), and its links and images must still work out
of context (absolute, percent-encoded http(s) URLs). Page objects sanitize what they
extract with it and feeds sanitize again at publication (a publishing boundary), with the
same rules; the feeds' change fingerprint includes this module, so a fix here re-renders
every feed.
"""

from __future__ import annotations

from html import escape
from typing import Final

import lxml.html
from lxml.etree import ParserError
from lxml_html_clean import Cleaner

from kabar.core.text import strip_controls
from kabar.core.urls import http_url, join_url

__all__ = ["sanitize_html", "sanitize_tree"]

_CLEANER: Final = Cleaner(
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
_URL_ATTRIBUTES: Final = ("href", "src")


def sanitize_tree(element: lxml.html.HtmlElement, base_url: str) -> str:
    """Clean ``element`` (in place) and serialize it. Links and image sources become
    absolute http(s) URLs against ``base_url``; any other address (``javascript:``,
    ``data:``, ``file:``, malformed) is removed with its attribute."""
    cleaned = _CLEANER.clean_html(element)
    for node in cleaned.iter():
        for name in _URL_ATTRIBUTES:
            value = node.get(name)
            if value is None:
                continue
            url = join_url(base_url, value, keep_fragment=True) if base_url else http_url(value)
            if url is None:
                del node.attrib[name]
            else:
                node.set(name, url)
    html: str = lxml.html.tostring(cleaned, encoding="unicode", method="html")
    return html.strip()


def sanitize_html(html: str, base_url: str = "") -> str:
    """Sanitize an HTML fragment (a string) by :func:`sanitize_tree`; the result is
    XML-safe and carries no wrapper element of ours. Empty or unparseable input gives ""."""
    html = strip_controls(html).strip()
    if not html:
        return ""
    try:
        wrapper = lxml.html.fragment_fromstring(html, create_parent="div")
    except (ParserError, ValueError):
        return ""
    sanitized = sanitize_tree(wrapper, base_url)
    try:
        cleaned = lxml.html.fragment_fromstring(sanitized, create_parent="div")
    except (ParserError, ValueError):
        return ""
    if len(cleaned) == 1 and cleaned[0].tag == "div" and not (cleaned.text or "").strip():
        cleaned = cleaned[0]  # the wrapper the sanitizer serialized
    parts = [escape(cleaned.text or "", quote=False)]
    parts.extend(lxml.html.tostring(child, encoding="unicode") for child in cleaned)
    return strip_controls("".join(parts)).strip()
