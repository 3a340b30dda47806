"""The address the page gives for itself: ``rel=canonical``, else ``og:url``.

The normalize pipeline trusts it only on the page's own site; here it is only read.
"""

from __future__ import annotations

from collections.abc import Iterator

from lxml.html import HtmlElement

from crawler.pages.provenance import Found
from crawler.pages.sources import Sources
from kabar.core.urls import join_url

__all__ = ["canonical_candidates"]

_CANONICAL_XPATH = (
    "//link[@href][contains(concat(' ', normalize-space(translate(@rel,"
    " 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz')), ' '), ' canonical ')]"
)


def canonical_candidates(
    url: str, tree: HtmlElement, sources: Sources
) -> Iterator[Found[str] | None]:
    """``<link rel="canonical">`` then ``og:url``, as absolute web addresses."""
    for link in tree.xpath(_CANONICAL_XPATH)[:1]:
        found = join_url(url, link.get("href"))
        yield Found(found, "meta", "rel=canonical") if found else None
    found = join_url(url, sources.first_meta("og:url"))
    yield Found(found, "meta", "og:url") if found else None
