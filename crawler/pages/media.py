"""The article's picture: the publisher's share image, else the first picture in it."""

from __future__ import annotations

import re
from collections.abc import Iterator

from lxml.html import HtmlElement

from crawler.pages.provenance import Found
from crawler.pages.sources import Sources
from crawler.pages.texts import strings
from kabar.core.urls import join_url

__all__ = ["image_candidates", "image_source", "selected_image"]

_FIGURE_IMAGE_XPATH = "//body//article//img | //body//figure//img"
_NOT_A_PICTURE = re.compile(r"logo|icon|avatar|gravatar|emoji|banner|iklan|\bads?\b|pixel")


def image_source(node: HtmlElement) -> str:
    """An image element's address: ``src`` (or a lazy loader's), ``content``, ``href``."""
    for name in ("src", "data-src", "data-lazy-src", "content", "href"):
        value = node.get(name)
        if value:
            return str(value)
    return ""


def selected_image(url: str, nodes: list[HtmlElement | str]) -> str | None:
    """The first web address among what a site's selector found (None: a miss)."""
    for node in nodes:
        src = (node if isinstance(node, str) else image_source(node)).strip()
        found = join_url(url, src)
        if found is not None:
            return found
    return None


def image_candidates(url: str, tree: HtmlElement, sources: Sources) -> Iterator[Found[str] | None]:
    """og:image (or twitter:image), the JSON-LD image, then the first picture in the article."""
    meta = join_url(url, sources.first_meta("og:image", "og:image:url", "twitter:image"))
    yield Found(meta, "meta", "og:image") if meta else None
    for candidate in strings(sources.article.get("image")):
        found = join_url(url, candidate)
        if found is not None:
            yield Found(found, "json-ld", "image")
            break
    yield _figure_image(url, tree)


def _figure_image(url: str, tree: HtmlElement) -> Found[str] | None:
    """Without metadata, the first picture in the article (not a logo, icon or avatar)."""
    for node in tree.xpath(_FIGURE_IMAGE_XPATH)[:10]:
        src = image_source(node).strip()
        hint = " ".join((src, node.get("class") or "", node.get("alt") or "")).lower()
        found = join_url(url, src)
        if found is not None and not _NOT_A_PICTURE.search(hint):
            return Found(found, "visible", "article picture")
    return None
