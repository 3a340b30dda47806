"""Sitemaps: robots.txt ``Sitemap:`` lines, index and urlset files (gzip too),
Google News tags, and which child sitemaps can hold articles."""

from __future__ import annotations

import gzip
import io
import re
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, BinaryIO
from urllib.parse import urlsplit

from lxml import etree

from crawler.discovery.candidate import Candidate
from crawler.faults import isolated, report, web_url
from kabar.core.urls import join_url

COMMON_SITEMAP_PATHS = ("sitemap_index.xml", "sitemap.xml", "wp-sitemap.xml")
"""Tried in this order when robots.txt names no sitemap (Yoast/RankMath, generic, WP core)."""
MAX_SITEMAP_BYTES = 50 * 1024 * 1024
"""The sitemap protocol's own limit for an uncompressed file."""
MAX_SITEMAP_URLS = 50_000
"""The sitemap protocol's own limit of entries per file; past it, the rest is not read."""

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


class _Capped(io.RawIOBase):
    """A byte stream that fails, as a :class:`SitemapError`, past ``limit`` bytes (a gzip
    bomb is refused while it inflates, not after)."""

    def __init__(self, stream: BinaryIO, limit: int) -> None:
        self.stream = stream
        self.left = limit

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        view = memoryview(buffer).cast("B")
        try:
            data = self.stream.read(min(len(view), self.left + 1))
        except (OSError, EOFError, zlib.error) as exc:
            raise SitemapError(f"bad gzip: {exc}") from None
        if len(data) > self.left:
            raise SitemapError("sitemap larger than 50 MB uncompressed")
        self.left -= len(data)
        view[: len(data)] = data
        return len(data)


_DOCTYPE = re.compile(rb"<!DOCTYPE(?:[^\[>]|\[.*?\])*>", re.DOTALL | re.IGNORECASE)
MAX_PROLOG_BYTES = 1024 * 1024
"""A document type declaration must end within this many bytes of the start."""


def without_doctype(head: bytes) -> bytes:
    """``head`` (a document's start) without its ``<!DOCTYPE …>``: feeds and sitemaps have
    no use for one, and an internal subset is where entity bombs live (libxml2 stops at
    an entity amplification, and everything after the bomb would be lost)."""
    start = head.find(b"<!")
    if start < 0 or head[start : start + 9].upper() != b"<!DOCTYPE":
        return head
    match = _DOCTYPE.match(head, start)
    if match is None:
        raise SitemapError("a document type declaration that does not end")
    return head[:start] + head[match.end() :]


def _stream(body: bytes) -> BinaryIO:
    raw: BinaryIO = io.BytesIO(body)
    if body[:2] == b"\x1f\x8b":
        raw = gzip.GzipFile(fileobj=raw)  # type: ignore[assignment]
    capped = io.BufferedReader(_Capped(raw, MAX_SITEMAP_BYTES))
    head = capped.read(MAX_PROLOG_BYTES)
    if b"<!" not in head:
        return io.BufferedReader(_Joined(head, capped))
    return io.BufferedReader(_Joined(without_doctype(head), capped))


class _Joined(io.RawIOBase):
    """``head`` then the rest of ``stream``, as one readable stream."""

    def __init__(self, head: bytes, stream: BinaryIO) -> None:
        self.head = head
        self.stream = stream

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        view = memoryview(buffer).cast("B")
        if not self.head:
            self.head = self.stream.read(len(view))
        chunk, self.head = self.head[: len(view)], self.head[len(view) :]
        view[: len(chunk)] = chunk
        return len(chunk)


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


def _child(element: etree._Element, base_url: str) -> tuple[str, datetime | None] | None:
    loc = web_url(base_url, _child_text(element, "loc") or "?")
    return None if loc is None else (loc, _date(_child_text(element, "lastmod")))


def _url(element: etree._Element, base_url: str) -> Candidate | None:
    loc = web_url(base_url, _child_text(element, "loc") or "?")
    if loc is None:
        return None
    return Candidate(
        url=loc,
        title=_child_text(element, "title"),
        published_at=_date(_child_text(element, "publication_date")),
        modified_at=_date(_child_text(element, "lastmod")),
        strategy="sitemap",
    )


def _entries(body: bytes, kinds: dict[str, str]) -> Iterator[tuple[str, etree._Element]]:
    """``(root kind, entry element)`` for each ``<url>`` or ``<sitemap>`` of the document,
    streamed: each entry is freed once read, so memory does not grow with the file."""
    events = etree.iterparse(
        _stream(body),
        events=("start", "end"),
        recover=True,
        resolve_entities=False,
        no_network=True,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )
    root: etree._Element | None = None
    kind = ""
    try:
        for event, element in events:
            if not isinstance(element.tag, str):
                continue
            if root is None:
                root, kind = element, etree.QName(element).localname
                if kind not in kinds:
                    raise SitemapError(f"not a sitemap (root element <{kind}>)")
                continue
            if event != "end" or element.getparent() is not root:
                continue
            if etree.QName(element).localname == kinds[kind]:
                yield kind, element
            element.clear()
            while element.getprevious() is not None:
                del root[0]
    except etree.XMLSyntaxError as exc:
        if root is None:
            raise SitemapError(f"not XML: {exc}") from None
        report("truncated", str(exc))  # what came before the break is kept
    if root is None:
        raise SitemapError("empty document")


def parse_sitemap(body: bytes, base_url: str, *, max_urls: int = MAX_SITEMAP_URLS) -> Sitemap:
    """Parse a sitemap index or urlset (plain or gzip), streamed; namespaces are ignored.

    An entry that cannot be read (a malformed ``<loc>``, anything raising) is reported
    (:mod:`crawler.faults`) and skipped; past ``max_urls`` entries the rest is left
    unread and reported as ``url_cap``."""
    sitemap = Sitemap()
    entries = _entries(body, {"sitemapindex": "sitemap", "urlset": "url"})
    for kind, element in entries:
        if len(sitemap.children) + len(sitemap.urls) >= max_urls:
            report("url_cap", f"more than {max_urls} entries")
            break
        if kind == "sitemapindex":
            sitemap.children.extend(isolated([element], lambda e: _child(e, base_url), "bad_entry"))
        else:
            sitemap.urls.extend(isolated([element], lambda e: _url(e, base_url), "bad_entry"))
    return sitemap
