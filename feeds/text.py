"""Make caller-supplied text safe to put into XML, HTML and JSON feeds (the rules are the
core's: :mod:`kabar.core.text`, :mod:`kabar.core.html`, :mod:`kabar.core.urls`).

Article text comes from scraped pages, so it can carry control characters (which make lxml
refuse to serialize), scripts and event handlers (which feed readers may run), and relative
URLs (which break once the HTML is read outside the original site). Content is sanitized here
again even if the crawler already did it: a feed is a publishing boundary.
"""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING, Final
from urllib.parse import urlsplit

import lxml.html

from kabar.core.html import sanitize_html
from kabar.core.text import clean_line, strip_controls
from kabar.core.urls import join_url

__all__ = [
    "absolute_url",
    "clean_line",
    "html_to_text",
    "image_media_type",
    "link_list_html",
    "sanitize_html",
    "shorten",
]

if TYPE_CHECKING:
    from collections.abc import Iterable

_IMAGE_TYPES: Final = {
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".gif": "image/gif",
    ".webp": "image/webp",
    ".avif": "image/avif",
    ".svg": "image/svg+xml",
    ".bmp": "image/bmp",
}

SUMMARY_MAX_CHARS: Final = 300


def html_to_text(html: str) -> str:
    """The visible text of an HTML fragment, whitespace collapsed."""
    if not html.strip():
        return ""
    root = lxml.html.fragment_fromstring(strip_controls(html), create_parent="div")
    return " ".join(root.text_content().split())


def shorten(text: str, max_chars: int = SUMMARY_MAX_CHARS) -> str:
    """Cut ``text`` at a word boundary so it fits ``max_chars``, marking the cut with '…'."""
    if len(text) <= max_chars:
        return text
    cut = text[: max_chars - 1].rsplit(" ", 1)[0].rstrip(" ,.;:")
    return cut + "…"


def absolute_url(url: str, base_url: str) -> str:
    """``url`` resolved against ``base_url`` and percent-encoded (spaces, non-ASCII paths);
    "" when the result is not an http(s) address (``javascript:``, ``file:``, malformed)."""
    return join_url(base_url, url, keep_fragment=True) or ""


def image_media_type(url: str) -> str:
    """Guess an image's media type from its URL path; JPEG when unknown.

    A fixed table, not ``mimetypes``, so the output does not depend on the host's mime.types.
    """
    path = urlsplit(url).path.lower()
    dot = path.rfind(".")
    return _IMAGE_TYPES.get(path[dot:], "image/jpeg") if dot != -1 else "image/jpeg"


def link_list_html(label: str, links: Iterable[tuple[str, str]]) -> str:
    """``<p>label: <a href=url>name</a>, …</p>`` with everything escaped."""
    anchors = [
        f'<a href="{escape(url)}">{escape(clean_line(name), quote=False)}</a>'
        for name, url in links
    ]
    if not anchors:
        return ""
    return f"<p>{escape(label, quote=False)}: {', '.join(anchors)}</p>"
