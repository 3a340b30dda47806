"""Serve a published feed directory over HTTP the way feed readers expect (aiohttp).

Feed readers poll often: a strong ETag from the content and Last-Modified let
them get a 304 instead of the feed; gzip shrinks what they do fetch. Only files
inside the directory are reachable.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from email.utils import format_datetime, parsedate_to_datetime
from pathlib import Path

from aiohttp import web

from feeds.model import FORMATS, INDEX_FILENAME, MEDIA_TYPE, OPML_FILENAME, feed_filename

CONTENT_TYPES = {
    **{Path(feed_filename("x", fmt)).suffix: MEDIA_TYPE[fmt] for fmt in FORMATS},
    Path(OPML_FILENAME).suffix: "text/x-opml",
    Path(INDEX_FILENAME).suffix: "text/html",
}
CACHE_CONTROL = "public, max-age=300"
ROOT_KEY = web.AppKey("root", Path)


def _resolve(root: Path, request_path: str) -> Path | None:
    """The file a URL path names, or None when it is missing or outside ``root``."""
    relative = request_path.lstrip("/") or INDEX_FILENAME
    # Dot files are kabar's own (manifest, temporary files), never published.
    if "\x00" in relative or any(part.startswith(".") for part in relative.split("/")):
        return None
    candidate = (root / relative).resolve()
    if candidate.is_dir():
        candidate = candidate / INDEX_FILENAME
    if not candidate.is_relative_to(root) or not candidate.is_file():
        return None
    return candidate


def _not_modified(request: web.Request, etag: str, modified: datetime) -> bool:
    if_none_match = request.headers.get("If-None-Match")
    if if_none_match is not None:
        tags = {t.strip().removeprefix("W/") for t in if_none_match.split(",")}
        return etag in tags or "*" in tags
    if_modified_since = request.headers.get("If-Modified-Since")
    if if_modified_since:
        try:
            since = parsedate_to_datetime(if_modified_since)
        except (TypeError, ValueError):
            return False
        return since.tzinfo is not None and modified <= since
    return False


async def handle(request: web.Request) -> web.StreamResponse:
    root = request.app[ROOT_KEY]
    path = _resolve(root, request.match_info.get("path", ""))
    if path is None:
        raise web.HTTPNotFound(text="not found\n")
    body = path.read_bytes()
    etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
    modified = datetime.fromtimestamp(int(path.stat().st_mtime), UTC)
    headers = {
        "ETag": etag,
        "Last-Modified": format_datetime(modified, usegmt=True),
        "Cache-Control": CACHE_CONTROL,
        "Vary": "Accept-Encoding",
    }
    if _not_modified(request, etag, modified):
        return web.Response(status=304, headers=headers)
    content_type = CONTENT_TYPES.get(path.suffix, "application/octet-stream")
    response = web.Response(body=body, headers=headers, content_type=content_type, charset="utf-8")
    if "gzip" in request.headers.get("Accept-Encoding", ""):
        response.enable_compression(web.ContentCoding.gzip)
    return response


def make_app(root: Path) -> web.Application:
    app = web.Application()
    app[ROOT_KEY] = root.resolve()
    app.router.add_get("/{path:.*}", handle)
    return app


def serve_directory(root: Path, *, host: str = "127.0.0.1", port: int = 8080) -> None:
    """Serve ``root`` until interrupted."""
    web.run_app(make_app(root), host=host, port=port, print=None)
