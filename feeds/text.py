"""Make caller-supplied text safe to put into XML, HTML and JSON feeds.

Article text comes from scraped pages, so it can carry control characters (which make lxml
refuse to serialize), scripts and event handlers (which feed readers may run), and relative
URLs (which break once the HTML is read outside the original site). Content is sanitized here
again even if the crawler already did it: a feed is a publishing boundary.
"""

from __future__ import annotations

import re
from html import escape
from typing import TYPE_CHECKING, Final
from urllib.parse import urljoin, urlsplit

import lxml.html
from w3lib.url import safe_url_string

from crawler.pages.sanitize import sanitize_tree

if TYPE_CHECKING:
    from collections.abc import Iterable

# Characters XML 1.0 forbids, plus DEL and the C1 controls that feed validators reject.
_CONTROL_RE: Final = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")

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


def clean_text(text: str) -> str:
    """Drop characters that XML cannot carry."""
    return _CONTROL_RE.sub("", text)


def clean_line(text: str) -> str:
    """A one-line plain-text value (title, name, category): no controls, single spaces."""
    return " ".join(clean_text(text).split())


def sanitize_html(html: str, base_url: str) -> str:
    """Remove active content from ``html`` and make its URLs absolute against ``base_url``.

    The policy is the crawler's (:func:`crawler.pages.sanitize.sanitize_tree`, one
    definition of what is safe); a feed adds XML-safe text and percent-encoded URLs."""
    html = clean_text(html).strip()
    if not html:
        return ""
    wrapper = lxml.html.fragment_fromstring(html, create_parent="div")
    cleaned = lxml.html.fragment_fromstring(sanitize_tree(wrapper, base_url), create_parent="div")
    cleaned.rewrite_links(_safe_url, resolve_base_href=False)
    if len(cleaned) == 1 and cleaned[0].tag == "div" and not (cleaned.text or "").strip():
        cleaned = cleaned[0]  # the wrapper the sanitizer serialized
    parts = [escape(cleaned.text or "", quote=False)]
    parts.extend(lxml.html.tostring(child, encoding="unicode") for child in cleaned)
    return "".join(parts).strip()


def html_to_text(html: str) -> str:
    """The visible text of an HTML fragment, whitespace collapsed."""
    if not html.strip():
        return ""
    root = lxml.html.fragment_fromstring(clean_text(html), create_parent="div")
    return " ".join(root.text_content().split())


def shorten(text: str, max_chars: int = SUMMARY_MAX_CHARS) -> str:
    """Cut ``text`` at a word boundary so it fits ``max_chars``, marking the cut with '…'."""
    if len(text) <= max_chars:
        return text
    cut = text[: max_chars - 1].rsplit(" ", 1)[0].rstrip(" ,.;:")
    return cut + "…"


def absolute_url(url: str, base_url: str) -> str:
    """``url`` resolved against ``base_url`` and percent-encoded (spaces, non-ASCII paths)."""
    return _safe_url(urljoin(base_url, clean_text(url).strip()))


def _safe_url(url: str) -> str:
    # Scraped URLs often carry spaces or raw UTF-8, which are not valid in a feed's URI fields.
    return str(safe_url_string(url))


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
