"""What a site's selectors find on one page: each field's value and whether it missed.

A selector that finds nothing (or nothing usable) is a *miss*: the field falls back to
generic extraction and the miss is reported. Reading a selector never changes the page
object, so the misses are right whenever they are asked for, not only after every field
was computed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Generic, TypeVar

from crawler.pages.texts import norm, text_of

if TYPE_CHECKING:
    from lxml.html import HtmlElement

    from crawler.pages.overrides import FieldSelector

__all__ = ["NOT_SELECTED", "Selected", "select_nodes", "select_texts"]

T = TypeVar("T")


@dataclass(frozen=True)
class Selected(Generic[T]):
    """A field's selector outcome: ``value`` (None: use generic extraction) and
    ``missed`` (the site has a selector for the field and it found nothing usable)."""

    value: T | None
    missed: bool

    @property
    def chosen(self) -> bool:
        """Whether the selector supplied the field."""
        return self.value is not None and not self.missed


NOT_SELECTED: Selected[object] = Selected(None, False)
"""No selector for the field."""


def select_nodes(
    selector: FieldSelector | None, tree: HtmlElement
) -> Selected[list[HtmlElement | str]]:
    """The elements or strings the selector finds; a miss when it finds none."""
    if selector is None:
        return Selected(None, False)
    found = selector.select(tree)
    return Selected(found, False) if found else Selected(None, True)


def select_texts(selector: FieldSelector | None, tree: HtmlElement) -> Selected[list[str]]:
    """The non-empty texts of what the selector finds; a miss when there are none."""
    nodes = select_nodes(selector, tree)
    if nodes.value is None:
        return Selected(None, nodes.missed)
    texts = [norm(n) if isinstance(n, str) else text_of(n) for n in nodes.value]
    texts = [t for t in texts if t]
    return Selected(texts, False) if texts else Selected(None, True)
