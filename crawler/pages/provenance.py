"""Where a field's value came from, and the candidates it beat.

Every field family offers its candidates strongest first, each tagged with its source;
the field is the first candidate with a value. ``kabar extract --explain`` shows the whole
list, so a wrong field points at the source to fix (a selector, a site's metadata).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any, Generic, Literal, TypeVar

__all__ = ["SOURCE_KINDS", "Found", "SourceKind", "first_found"]

T = TypeVar("T")

SourceKind = Literal[
    "selector", "rest", "json-ld", "meta", "microdata", "visible", "text", "url", "fallback"
]
SOURCE_KINDS: tuple[str, ...] = (
    "selector", "rest", "json-ld", "meta", "microdata", "visible", "text", "url", "fallback"
)  # fmt: skip
"""From strongest to weakest: the site's own selector, the publisher's structured data,
the visible page, text heuristics, and guesses (the URL, a library's search)."""


@dataclass(frozen=True)
class Found(Generic[T]):
    """One candidate value of a field: ``kind`` of source, ``detail`` (which meta tag,
    which element) for the reader."""

    value: T
    kind: SourceKind
    detail: str = ""

    def describe(self) -> dict[str, Any]:
        """JSON-ready: kind, detail and the value (times in ISO 8601)."""
        value: Any = self.value
        if hasattr(value, "isoformat"):
            value = value.isoformat()
        return {"source": self.kind, "detail": self.detail, "value": value}


def first_found(candidates: Iterable[Found[T] | None]) -> Found[T] | None:
    """The first candidate that has a value (non-empty), or None."""
    for candidate in candidates:
        if candidate is not None and candidate.value:
            return candidate
    return None


def with_values(candidates: Iterable[Found[T] | None]) -> Iterator[Found[T]]:
    """Every candidate that has a value, in order (for explanations)."""
    return (c for c in candidates if c is not None and c.value)
