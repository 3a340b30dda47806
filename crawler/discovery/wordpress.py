"""The WordPress REST API (``/wp-json/wp/v2/posts``): the most structured listing a
WordPress site has, with exact UTC instants, authors, terms and the featured image."""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode

from parsel import Selector

from crawler.discovery.candidate import Candidate
from crawler.faults import describe, isolated, report, web_url
from kabar.core.urls import join_url

API_REL = "https://api.w.org/"
DEFAULT_API_PATH = "wp-json/"
PER_PAGE = 50
_TAGS = re.compile(r"<[^>]+>")


class ApiError(ValueError):
    """The response is not a WordPress posts listing."""


def api_root(page: Selector, base_url: str) -> str | None:
    """The REST root a WordPress page advertises (``<link rel="https://api.w.org/">``)."""
    href = page.xpath("//link[@rel=$rel]/@href", rel=API_REL).get()
    return join_url(base_url, href)


def posts_url(
    root: str,
    *,
    page: int = 1,
    per_page: int = PER_PAGE,
    after: datetime | None = None,
    modified_after: datetime | None = None,
) -> str:
    """The posts endpoint, newest changes first, with authors/terms/media embedded."""
    params: dict[str, str | int] = {
        "per_page": per_page,
        "page": page,
        "orderby": "modified",
        "order": "desc",
        "_embed": "author,wp:term,wp:featuredmedia",
    }
    if after is not None:
        params["after"] = after.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S")
    if modified_after is not None:
        params["modified_after"] = modified_after.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S")
    if "rest_route=" in root:  # sites without pretty permalinks
        return f"{root.rstrip('/')}/wp/v2/posts&{urlencode(params)}"
    return f"{root.rstrip('/')}/wp/v2/posts?{urlencode(params)}"


def _utc(value: Any) -> datetime | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed


def _rendered(value: Any) -> str | None:
    if isinstance(value, dict):
        value = value.get("rendered")
    if not isinstance(value, str):
        return None
    return html.unescape(_TAGS.sub("", value)).strip() or None


def _listed(container: dict[str, Any], key: str) -> list[Any]:
    """``container[key]`` as a list; any other value (a number where the API puts a
    list) is a bad field: reported, and read as empty so the post itself is kept."""
    value = container.get(key)
    if value is None:
        return []
    if not isinstance(value, list):
        report("bad_field", f"{key} is {type(value).__name__}")
        return []
    return value


def _embedded(post: dict[str, Any]) -> dict[str, Any]:
    embedded = post.get("_embedded")
    if embedded is None:
        return {}
    if not isinstance(embedded, dict):
        report("bad_field", f"_embedded is {type(embedded).__name__}")
        return {}
    return embedded


def _terms(groups: list[Any], taxonomy: str) -> tuple[str, ...]:
    names: list[str] = []
    for group in groups:
        for term in group if isinstance(group, list) else []:
            if isinstance(term, dict) and term.get("taxonomy") == taxonomy:
                name = _rendered(term.get("name"))
                if name and name not in names:
                    names.append(name)
    return tuple(names)


def _authors(embedded: dict[str, Any]) -> tuple[str, ...]:
    return tuple(
        name
        for author in _listed(embedded, "author")
        if isinstance(author, dict) and (name := _rendered(author.get("name")))
    )


def _image(embedded: dict[str, Any], base_url: str | None) -> str | None:
    """The featured image's address, only if it is a web address (never ``javascript:``,
    ``data:``, ``file:``): anything else is reported as ``bad_image_url``."""
    for media in _listed(embedded, "wp:featuredmedia"):
        if isinstance(media, dict) and isinstance(media.get("source_url"), str):
            return web_url(base_url, str(media["source_url"]), kind="bad_image_url")
    return None


def _candidate(post: Any, base_url: str | None) -> Candidate | None:
    if not isinstance(post, dict):
        report("bad_post", f"a {type(post).__name__}, not an object")
        return None
    if post.get("status", "publish") != "publish":
        return None
    link = post.get("link")
    url = web_url(base_url, link if isinstance(link, str) else repr(link))
    if url is None:
        return None
    embedded = _embedded(post)
    terms = _listed(embedded, "wp:term")
    return Candidate(
        url=url,
        title=_rendered(post.get("title")),
        published_at=_utc(post.get("date_gmt")),
        modified_at=_utc(post.get("modified_gmt")),
        categories=_terms(terms, "category"),
        tags=_terms(terms, "post_tag"),
        authors=_authors(embedded),
        image_url=_image(embedded, base_url),
        strategy="wp_rest",
    )


_JSON_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{},]')


def _array_items(text: str) -> Iterator[str]:
    """The source text of each element of a top-level JSON array, found by one linear
    scan (strings skipped, brackets counted), so each post is decoded on its own and a
    post nested too deep for the decoder costs that post alone."""
    start = text.index("[") + 1
    depth = 0
    item_start = start
    for token in _JSON_TOKEN.finditer(text, start):
        mark = token.group()
        if mark in "[{":
            depth += 1
        elif mark in "]}":
            if depth == 0:  # the array's own end
                if text[item_start : token.start()].strip():
                    yield text[item_start : token.start()]
                if text[token.end() :].strip():
                    raise ApiError("not JSON: data after the list")
                return
            depth -= 1
        elif mark == "," and depth == 0:
            yield text[item_start : token.start()]
            item_start = token.end()
    raise ApiError("not JSON: the list does not end")


def _decode(item: str) -> Any:
    try:
        return json.loads(item)
    except ValueError:
        report("bad_post", "not JSON")
        return None


def parse_posts(body: bytes | str, base_url: str | None = None) -> list[Candidate]:
    """Candidates of one page of ``/wp/v2/posts``; raises :class:`ApiError` when the page
    is no list of posts. A bad post (not JSON, nested too deep, a field of the wrong
    type) is reported (:mod:`crawler.faults`) and skipped; the other posts are kept.
    ``base_url`` (the endpoint) resolves relative links and images."""
    try:
        text = body.decode("utf-8-sig") if isinstance(body, bytes) else body
    except UnicodeDecodeError as exc:
        raise ApiError(f"not JSON: {exc}") from None
    if not text.lstrip().startswith("["):
        try:
            json.loads(text)
        except (ValueError, RecursionError) as exc:
            raise ApiError(f"not JSON: {describe(exc)}") from None
        raise ApiError("not a list of posts")
    items = _array_items(text)
    posts = isolated(items, _decode, "bad_post")
    return list(isolated(posts, lambda post: _candidate(post, base_url), "bad_post"))
