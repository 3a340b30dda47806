"""A fetched page's bytes to one parsed tree, within limits.

Sites lie about their charset and some pages are far larger than any article; this
module decides the text of a page and refuses what no extractor should spend seconds on.
"""

from __future__ import annotations

import codecs
import re

import lxml.etree
import lxml.html
from lxml.html import HtmlElement
from w3lib.encoding import (
    html_body_declared_encoding,
    html_to_unicode,
    read_bom,
    resolve_encoding,
)

from crawler.pages import ExtractionError
from kabar.core.text import strip_controls

__all__ = ["MAX_ELEMENTS", "MAX_HTML_CHARS", "decode", "parse_html"]

MAX_HTML_CHARS = 15_000_000
"""Pages larger than this are refused: no news article is that big."""
MAX_ELEMENTS = 60_000
"""Trees with more elements are refused: the body extractor would take seconds on them."""

_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>", re.I)
_DOCTYPE = re.compile(r"^\s*<!DOCTYPE[^>]*>", re.I)
# trafilatura's own parser settings: its heuristics were tuned on trees parsed like this.
_PARSER = lxml.html.HTMLParser(
    collect_ids=False, default_doctype=False, remove_comments=True, remove_pis=True
)


def decode(html: str | bytes, encoding: str | None) -> str:
    """Bytes to text, trusting the bytes over a declaration they contradict.

    Sites lie about their charset: UTF-8 pages declare ISO-8859-1, and windows-1252
    pages declare UTF-8. Bytes that are valid UTF-8 with non-ASCII characters are
    UTF-8 whatever the page says (text in another encoding almost never is); bytes
    that are not UTF-8 at all, on a page that claims UTF-8, are windows-1252.
    """
    if isinstance(html, str):
        return html
    if read_bom(html)[0] is not None:
        return html_to_unicode(None, html)[1]
    declared = _known_encoding(encoding)
    if declared is None:
        declared = _known_encoding(html_body_declared_encoding(html))
        # A <meta> cannot be read in UTF-16/32 unless the page is not: the label is wrong.
        declared = None if declared and declared.startswith("utf-16") else declared
    try:
        text = html.decode("utf-8")
    except UnicodeDecodeError:
        text = None
    if text is not None and (declared in (None, "utf-8") or not text.isascii()):
        return text
    if text is None and declared in (None, "utf-8"):
        loose = html.decode("utf-8", errors="replace")
        # A few bad bytes in a UTF-8 page stay replacement characters.
        if any(ord(c) > 0x7F and c != "\ufffd" for c in loose):
            return loose
        return html.decode("cp1252", errors="replace")
    return html.decode(declared or "utf-8", errors="replace")


def _known_encoding(label: str | None) -> str | None:
    if not label:
        return None
    resolved = resolve_encoding(label)
    if resolved is None:
        return None
    try:
        return codecs.lookup(resolved).name.replace("_", "-")
    except LookupError:
        return None


def parse_html(html: str | bytes, *, encoding: str | None = None) -> HtmlElement:
    """Decode and parse a page; :class:`ExtractionError` when there is nothing to parse."""
    if len(html) > MAX_HTML_CHARS:
        raise ExtractionError(f"page too large ({len(html)} > {MAX_HTML_CHARS})")
    text = strip_controls(_XML_DECLARATION.sub("", decode(html, encoding)))
    text = _DOCTYPE.sub("", text, count=1)
    if not text.strip():
        raise ExtractionError("empty page")
    try:
        tree = lxml.html.document_fromstring(text, parser=_PARSER)
    except (lxml.etree.ParserError, ValueError) as exc:
        raise ExtractionError(f"not parseable as HTML: {exc}") from exc
    if not isinstance(tree, HtmlElement):
        raise ExtractionError("not an HTML document")
    # Every element but the parser's own html, head and body starts with "<": only a page
    # with that many can have too many, and XPath counts them without a Python object each.
    if text.count("<") + 3 > MAX_ELEMENTS and int(tree.xpath("count(//*)")) > MAX_ELEMENTS:
        raise ExtractionError(f"page has more than {MAX_ELEMENTS} elements")
    return tree
