"""Sitemaps: robots.txt ``Sitemap:`` lines, index and urlset files (gzip too),
Google News tags, and which child sitemaps can hold articles."""

from __future__ import annotations

import gzip
import io
import re
import zlib
from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import urlsplit

from lxml import etree

from crawler.discovery.candidate import Candidate
from kabar.core.urls import join_url

COMMON_SITEMAP_PATHS = ("sitemap_index.xml", "sitemap.xml", "wp-sitemap.xml")
"""Tried in this order when robots.txt names no sitemap (Yoast/RankMath, generic, WP core)."""
MAX_SITEMAP_BYTES = 50 * 1024 * 1024
"""The sitemap protocol's own limit for an uncompressed file."""

_NOT_POSTS = re.compile(
    r"(?:^|[-_/])(?:page|pages|category|categories|tag|tags|post_tag|author|authors|users?|"
    r"taxonom(?:y|ies)|attachment|media|product|video|image)(?:[-_.]|s?-?sitemap|$)",
    re.IGNORECASE,
)


class SitemapError(ValueError):
    """Not a readable sitemap."""


@dataclass(frozen=True)
class Sitemap:
    """A parsed sitemap file: either an index of child sitemaps or a set of URLs."""

    children: list[tuple[str, datetime | None]] = field(default_factory=list)
    urls: list[Candidate] = field(default_factory=list)


def robots_sitemaps(robots_txt: str, base_url: str) -> list[str]:
    """The ``Sitemap:`` URLs of a robots.txt, in file order."""
    found: list[str] = []
    for line in robots_txt.splitlines():
        key, _, value = line.partition(":")
        if key.strip().lower() == "sitemap" and value.strip():
            url = join_url(base_url, value)
            if url is not None and url not in found:
                found.append(url)
    return found


def may_hold_articles(sitemap_url: str) -> bool:
    """False for the child sitemaps of pages, terms, authors and media."""
    name = urlsplit(sitemap_url).path.rsplit("/", 1)[-1]
    if "wp-sitemap-posts-post" in name:
        return True
    return not _NOT_POSTS.search(name)


def _decompress(body: bytes) -> bytes:
    if body[:2] == b"\x1f\x8b":
        try:
            with gzip.GzipFile(fileobj=io.BytesIO(body)) as stream:
                data = stream.read(MAX_SITEMAP_BYTES + 1)
        except (OSError, EOFError, zlib.error) as exc:
            raise SitemapError(f"bad gzip: {exc}") from None
        if len(data) > MAX_SITEMAP_BYTES:
            raise SitemapError("sitemap larger than 50 MB uncompressed")
        return data
    return body


def _date(value: str | None) -> datetime | None:
    if not value:
        return None
    value = value.strip()
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo is not None else None


def _child_text(element: etree._Element, name: str) -> str | None:
    for child in element.iter():
        if isinstance(child.tag, str) and etree.QName(child).localname == name and child.text:
            return str(child.text).strip() or None
    return None


def parse_sitemap(body: bytes, base_url: str) -> Sitemap:
    """Parse a sitemap index or urlset (plain or gzip); namespaces are ignored."""
    data = _decompress(body)
    parser = etree.XMLParser(recover=True, resolve_entities=False, no_network=True)
    try:
        root = etree.fromstring(data, parser=parser)
    except etree.XMLSyntaxError as exc:
        raise SitemapError(f"not XML: {exc}") from None
    if root is None:
        raise SitemapError("empty document")
    kind = etree.QName(root).localname
    if kind == "sitemapindex":
        children = []
        for element in root:
            if isinstance(element.tag, str) and etree.QName(element).localname == "sitemap":
                loc = join_url(base_url, _child_text(element, "loc"))
                if loc is not None:
                    children.append((loc, _date(_child_text(element, "lastmod"))))
        return Sitemap(children=children)
    if kind != "urlset":
        raise SitemapError(f"not a sitemap (root element <{kind}>)")
    urls = []
    for element in root:
        if not isinstance(element.tag, str) or etree.QName(element).localname != "url":
            continue
        loc = join_url(base_url, _child_text(element, "loc"))
        if loc is None:
            continue
        published = _date(_child_text(element, "publication_date"))
        modified = _date(_child_text(element, "lastmod"))
        urls.append(
            Candidate(
                url=loc,
                title=_child_text(element, "title"),
                published_at=published,
                modified_at=modified,
                strategy="sitemap",
            )
        )
    return Sitemap(urls=urls)
