"""Text hygiene: the one set of characters kabar never stores or publishes, and one-line
and paragraph forms of scraped text.

Pages carry control characters as raw bytes and as character references (``&#11;``);
XML 1.0 refuses both, and feed validators reject C1 controls and non-characters too, so
a text cleaned here is safe for the archive, HTML and every feed format alike.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from typing import Final

CONTROL_RE: Final = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufdd0-\ufdef\ufffe\uffff]"
)
"""C0 controls but tab and newlines, DEL, C1 controls, lone surrogates, non-characters."""

_NUMERIC_REFERENCE: Final = re.compile(r"&#(?:[xX]([0-9a-fA-F]+)|([0-9]+));?")
"""A numeric character reference to one of :data:`CONTROL_RE`'s characters."""

_SPACES: Final = re.compile(r"[ \t\u00a0\u2000-\u200b\u202f\u205f\u3000]+")

MAX_LINE_CHARS: Final = 2000
"""A title, name or label longer than this is a page's bug (a whole body in a meta tag)."""


def strip_controls(text: str) -> str:
    """``text`` without the characters of :data:`CONTROL_RE`, raw or as references."""
    if "&#" in text:
        text = _NUMERIC_REFERENCE.sub(_drop_control_reference, text)
    return CONTROL_RE.sub("", text)


def _drop_control_reference(match: re.Match[str]) -> str:
    code = int(match[1], 16) if match[1] else int(match[2])
    if code > 0x10FFFF or CONTROL_RE.match(chr(code)) or code & 0xFFFE == 0xFFFE:
        return ""  # out of range, a control, or a non-character of any plane
    return match[0]


def clean_line(text: str | None, *, max_chars: int = MAX_LINE_CHARS) -> str:
    """A one-line value (title, name, label): NFC, no controls, single spaces, capped."""
    if not text:
        return ""
    text = strip_controls(unicodedata.normalize("NFC", text))
    text = _SPACES.sub(" ", text.replace("\r", " ").replace("\n", " ")).strip()
    return text[:max_chars].rstrip() if len(text) > max_chars else text


def clean_paragraphs(text: str | None) -> str:
    """Like :func:`clean_line` per paragraph, uncapped; one paragraph per line, no blanks."""
    if not text:
        return ""
    lines = (
        clean_line(line, max_chars=len(line)) for line in text.replace("\r\n", "\n").split("\n")
    )
    return "\n".join(line for line in lines if line)


def clean_names(values: Iterable[str]) -> list[str]:
    """Cleaned names without empties or case-insensitive repeats, first spelling and order kept."""
    seen: dict[str, str] = {}
    for value in values:
        cleaned = clean_line(value)
        if cleaned:
            seen.setdefault(cleaned.casefold(), cleaned)
    return list(seen.values())
