"""The WordPress REST API of a mock site: ``/wp-json/`` and ``/wp/v2/posts``.

The REST API is the most structured listing a WordPress site offers, and kabar's
discovery prefers it, so the mock answers the way WordPress 6.2 does where a
crawler can tell: the same JSON fields and ``_embedded`` shapes, ``X-WP-Total`` /
``X-WP-TotalPages``, the 400 errors for a bad parameter or a page past the end,
``?rest_route=`` as well as pretty ``/wp-json/`` URLs, and date parameters without
an offset read as site-local time. A site whose API a security plugin switched off
answers 401 everywhere under it.
"""

from __future__ import annotations

import json
import math
import zlib
from datetime import UTC, datetime
from html import escape
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from kabar.demo import themes
from kabar.demo.http import MockResponse
from kabar.demo.text import WIB, slugify

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from kabar.demo.model import MockArticle, Query, SiteData

JSON = "application/json; charset=UTF-8"
MAX_PER_PAGE = 100
DEFAULT_PER_PAGE = 10
EMBEDDABLE = ("author", "wp:featuredmedia", "wp:term")
_ORDERBY: dict[str, Callable[[MockArticle], Any]] = {
    "date": lambda a: a.published,
    "modified": lambda a: a.modified,
    "id": lambda a: a.post_id,
    "title": lambda a: a.title.lower(),
    "slug": lambda a: a.slug,
}


class _RestError(Exception):
    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


def render(site: SiteData, path: str, query: Query, base_url: str) -> MockResponse:
    """The answer to a REST request (``path`` under ``/wp-json/`` or a ``rest_route``)."""
    if site.rest_api == "disabled":
        return _error(
            _RestError(401, "rest_disabled", "The REST API has been disabled on this site.")
        )
    route = query["rest_route"][0] if "rest_route" in query else path.removeprefix("/wp-json")
    route = "/" + route.strip("/")
    pretty = "rest_route" not in query
    try:
        if route == "/":
            return _json(_index(site, base_url, pretty))
        if route == "/wp/v2/posts":
            return _posts(site, query, base_url, pretty)
        if route.startswith("/wp/v2/posts/") and route.rsplit("/", 1)[-1].isdigit():
            post_id = int(route.rsplit("/", 1)[-1])
            article = next((a for a in site.articles if a.post_id == post_id), None)
            if article is None:
                raise _RestError(404, "rest_post_invalid_id", "ID pos tidak valid.")
            return _json(_post(site, article, base_url, _embeds(query), pretty))
    except _RestError as error:
        return _error(error)
    return _error(
        _RestError(404, "rest_no_route", "No route was found matching the URL and request method.")
    )


def api_url(base_url: str, route: str, params: dict[str, str | int], *, pretty: bool) -> str:
    """A REST URL as the site writes it: ``/wp-json/...?...`` or ``/?rest_route=...&...``."""
    if pretty:
        query = f"?{urlencode(params)}" if params else ""
        return f"{base_url}wp-json{route}{query}"
    return f"{base_url}?{urlencode({'rest_route': route, **params})}"


def _json(data: Any, status: int = 200, headers: dict[str, str] | None = None) -> MockResponse:
    body = json.dumps(data, ensure_ascii=False).encode()
    return MockResponse(status, JSON, body, headers or {})


def _error(error: _RestError) -> MockResponse:
    data = {"code": error.code, "message": error.message, "data": {"status": error.status}}
    return _json(data, error.status)


def _index(site: SiteData, base_url: str, pretty: bool) -> dict[str, Any]:
    posts = api_url(base_url, "/wp/v2/posts", {}, pretty=pretty)
    return {
        "name": site.title,
        "description": site.tagline,
        "url": base_url.rstrip("/"),
        "home": base_url.rstrip("/"),
        "gmt_offset": "7",
        "timezone_string": "Asia/Jakarta",
        "namespaces": ["oembed/1.0", "wp/v2", "wp-site-health/v1"],
        "authentication": [],
        "routes": {
            "/wp/v2/posts": {
                "namespace": "wp/v2",
                "methods": ["GET"],
                "endpoints": [{"methods": ["GET"], "args": {}}],
                "_links": {"self": [{"href": posts}]},
            }
        },
        "_links": {"help": [{"href": "https://developer.wordpress.org/rest-api/"}]},
    }


def _int(query: Query, name: str, default: int, low: int, high: int | None) -> int:
    raw = query.get(name, [str(default)])[0]
    try:
        value = int(raw)
    except ValueError:
        value = low - 1
    if value < low or (high is not None and value > high):
        bounds = f"antara {low} (inklusif) dan {high} (inklusif)" if high else f"minimal {low}"
        raise _RestError(
            400, "rest_invalid_param", f"Parameter tidak valid: {name} harus {bounds}."
        )
    return value


def _date_param(query: Query, name: str) -> datetime | None:
    """An ISO 8601 date parameter; without an offset it is site-local time, as in WordPress."""
    if name not in query:
        return None
    raw = query[name][0].strip().replace("Z", "+00:00")
    try:
        value = datetime.fromisoformat(raw)
    except ValueError:
        raise _RestError(
            400, "rest_invalid_param", f"Parameter tidak valid: {name} bukan tanggal ISO 8601."
        ) from None
    return value.replace(tzinfo=WIB) if value.tzinfo is None else value


def _choice(query: Query, name: str, default: str, allowed: Sequence[str]) -> str:
    value = query.get(name, [default])[0]
    if value not in allowed:
        raise _RestError(
            400,
            "rest_invalid_param",
            f"Parameter tidak valid: {name} bukan salah satu dari {', '.join(allowed)}.",
        )
    return value


def _embeds(query: Query) -> frozenset[str]:
    """Which relations ``_embed`` asks for: all for a bare ``_embed``, else the listed ones."""
    if "_embed" not in query:
        return frozenset()
    asked = {rel.strip() for value in query["_embed"] for rel in value.split(",") if rel.strip()}
    listed = asked & set(EMBEDDABLE)
    return frozenset(listed) if listed else frozenset(EMBEDDABLE)


def _posts(site: SiteData, query: Query, base_url: str, pretty: bool) -> MockResponse:
    per_page = _int(query, "per_page", DEFAULT_PER_PAGE, 1, MAX_PER_PAGE)
    page = _int(query, "page", 1, 1, None)
    orderby = _choice(query, "orderby", "date", tuple(_ORDERBY))
    order = _choice(query, "order", "desc", ("asc", "desc"))
    posts = list(site.articles)
    for name, when in (("after", "published"), ("modified_after", "modified")):
        limit = _date_param(query, name)
        if limit is not None:
            posts = [a for a in posts if getattr(a, when) > limit]
    for name, when in (("before", "published"), ("modified_before", "modified")):
        limit = _date_param(query, name)
        if limit is not None:
            posts = [a for a in posts if getattr(a, when) < limit]
    posts.sort(key=_ORDERBY[orderby], reverse=order == "desc")
    total = len(posts)
    pages = math.ceil(total / per_page)
    if page > pages and total > 0:
        raise _RestError(
            400,
            "rest_post_invalid_page_number",
            "Nomor halaman yang diminta lebih besar dari jumlah halaman yang tersedia.",
        )
    shown = posts[(page - 1) * per_page : page * per_page]
    embeds = _embeds(query)
    headers = {"X-WP-Total": str(total), "X-WP-TotalPages": str(pages)}
    params = {k: v[0] for k, v in query.items() if k != "rest_route"}
    links = []
    for rel, number in (("prev", page - 1), ("next", page + 1)):
        if 1 <= number <= pages:
            href = api_url(base_url, "/wp/v2/posts", {**params, "page": number}, pretty=pretty)
            links.append(f'<{href}>; rel="{rel}"')
    if links:
        headers["Link"] = ", ".join(links)
    data = [_post(site, a, base_url, embeds, pretty) for a in shown]
    return _json(data, headers=headers)


def _local(moment: datetime) -> str:
    return moment.astimezone(WIB).strftime("%Y-%m-%dT%H:%M:%S")


def _gmt(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S")


def _term_id(taxonomy: str, slug: str) -> int:
    """Stable small IDs: categories below 100, tags from 100 (as on a young site)."""
    offset, span = (2, 97) if taxonomy == "category" else (100, 9_900)
    return offset + zlib.crc32(f"{taxonomy}:{slug}".encode()) % span


def _author_id(name: str) -> int:
    return 2 + zlib.crc32(name.encode()) % 50


def _post(
    site: SiteData, article: MockArticle, base_url: str, embeds: frozenset[str], pretty: bool
) -> dict[str, Any]:
    a = article
    link = a.url(base_url)
    media_id = a.post_id - 1
    category_id = _term_id("category", a.category)
    tag_ids = [_term_id("post_tag", slugify(t)) for t in a.tags]
    author_id = _author_id(a.author)
    content = themes.for_site(site, base_url).content(a)

    def href(route: str) -> list[dict[str, str]]:
        return [{"href": api_url(base_url, route, {}, pretty=pretty)}]

    post: dict[str, Any] = {
        "id": a.post_id,
        "date": _local(a.published),
        "date_gmt": _gmt(a.published),
        "guid": {"rendered": f"{base_url}?p={a.post_id}"},
        "modified": _local(a.modified),
        "modified_gmt": _gmt(a.modified),
        "slug": a.slug,
        "status": "publish",
        "type": "post",
        "link": link,
        "title": {"rendered": escape(a.title, quote=False)},
        "content": {"rendered": content + "\n", "protected": False},
        "excerpt": {"rendered": f"<p>{escape(a.summary, quote=False)}</p>\n", "protected": False},
        "author": author_id,
        "featured_media": media_id,
        "comment_status": "open",
        "ping_status": "open",
        "sticky": False,
        "format": "standard",
        "categories": [category_id],
        "tags": tag_ids,
        "_links": {
            "self": href(f"/wp/v2/posts/{a.post_id}"),
            "collection": href("/wp/v2/posts"),
            "author": [{"embeddable": True, **href(f"/wp/v2/users/{author_id}")[0]}],
            "wp:featuredmedia": [{"embeddable": True, **href(f"/wp/v2/media/{media_id}")[0]}],
            "wp:term": [
                {"taxonomy": "category", "embeddable": True, **href("/wp/v2/categories")[0]},
                {"taxonomy": "post_tag", "embeddable": True, **href("/wp/v2/tags")[0]},
            ],
        },
    }
    embedded: dict[str, Any] = {}
    if "author" in embeds:
        slug = slugify(a.author)
        embedded["author"] = [
            {
                "id": author_id,
                "name": a.author,
                "url": "",
                "description": "",
                "link": f"{base_url}author/{slug}/",
                "slug": slug,
            }
        ]
    if "wp:featuredmedia" in embeds:
        embedded["wp:featuredmedia"] = [
            {
                "id": media_id,
                "date": _local(a.published),
                "slug": f"img-{media_id}",
                "type": "attachment",
                "link": f"{link}img-{media_id}/",
                "title": {"rendered": escape(a.title, quote=False)},
                "author": author_id,
                "caption": {"rendered": ""},
                "alt_text": "",
                "media_type": "image",
                "mime_type": "image/png",
                "media_details": {"width": 160, "height": 90},
                "source_url": base_url + a.image_path.lstrip("/"),
            }
        ]
    if "wp:term" in embeds:
        embedded["wp:term"] = [
            [_term(base_url, "category", a.category, a.category_label)],
            [_term(base_url, "post_tag", slugify(t), t) for t in a.tags],
        ]
    if embedded:
        post["_embedded"] = embedded
    return post


def _term(base_url: str, taxonomy: str, slug: str, name: str) -> dict[str, Any]:
    base = "category" if taxonomy == "category" else "tag"
    return {
        "id": _term_id(taxonomy, slug),
        "link": f"{base_url}{base}/{slug}/",
        "name": escape(name, quote=False),
        "slug": slug,
        "taxonomy": taxonomy,
    }
