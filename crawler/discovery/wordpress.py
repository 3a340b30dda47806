"""The WordPress REST API (``/wp-json/wp/v2/posts``): the most structured listing a
WordPress site has, with exact UTC instants, authors, terms and the featured image."""

from __future__ import annotations

import html
import json
import re
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode

from parsel import Selector

from crawler.discovery.candidate import Candidate
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


def _embedded(post: dict[str, Any]) -> dict[str, Any]:
    embedded = post.get("_embedded")
    return embedded if isinstance(embedded, dict) else {}


def _terms(post: dict[str, Any], taxonomy: str) -> tuple[str, ...]:
    names: list[str] = []
    for group in _embedded(post).get("wp:term") or []:
        for term in group if isinstance(group, list) else []:
            if isinstance(term, dict) and term.get("taxonomy") == taxonomy:
                name = _rendered(term.get("name"))
                if name and name not in names:
                    names.append(name)
    return tuple(names)


def _authors(post: dict[str, Any]) -> tuple[str, ...]:
    return tuple(
        name
        for author in _embedded(post).get("author") or []
        if isinstance(author, dict) and (name := _rendered(author.get("name")))
    )


def _image(post: dict[str, Any]) -> str | None:
    for media in _embedded(post).get("wp:featuredmedia") or []:
        if isinstance(media, dict) and isinstance(media.get("source_url"), str):
            return str(media["source_url"])
    return None


def parse_posts(body: bytes | str) -> list[Candidate]:
    """Candidates of one page of ``/wp/v2/posts``; raises :class:`ApiError` otherwise."""
    try:
        posts = json.loads(body)
    except (ValueError, UnicodeDecodeError) as exc:
        raise ApiError(f"not JSON: {exc}") from None
    if not isinstance(posts, list):
        raise ApiError("not a list of posts")
    candidates = []
    for post in posts:
        if not isinstance(post, dict) or not isinstance(post.get("link"), str):
            continue
        if post.get("status", "publish") != "publish":
            continue
        candidates.append(
            Candidate(
                url=post["link"],
                title=_rendered(post.get("title")),
                published_at=_utc(post.get("date_gmt")),
                modified_at=_utc(post.get("modified_gmt")),
                categories=_terms(post, "category"),
                tags=_terms(post, "post_tag"),
                authors=_authors(post),
                image_url=_image(post),
                strategy="wp_rest",
            )
        )
    return candidates
