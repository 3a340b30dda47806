"""``@field``: a page object's extracted fields, declared as methods (the web-poet manner).

A field is computed once, on first use, like :func:`functools.cached_property`, and
listed by :func:`field_names` so ``to_fields()`` needs no second list to keep in step.
A subclass overrides a field with another ``@field`` (or a plain property); the name
stays a field.

web-poet's own ``@field`` would fit, but its items are built by an asynchronous
``to_item()``, and kabar's spider, command line and benchmarks read pages synchronously.
"""

from __future__ import annotations

from functools import cached_property
from typing import Any, TypeVar

__all__ = ["field", "field_names"]

T = TypeVar("T")


class field(cached_property[T]):
    """Marks a page object's method as an extracted field (computed once)."""


def field_names(cls: type[Any]) -> list[str]:
    """The fields of a page object class, base classes' first, in definition order."""
    names: dict[str, None] = {}
    for klass in reversed(cls.__mro__):
        for name, value in vars(klass).items():
            if isinstance(value, field):
                names.setdefault(name, None)
    return list(names)
