"""Serve a published feed directory over HTTP the way feed readers and browsers expect (aiohttp).

Files go out through aiohttp's `web.FileResponse`: sendfile, so a 20 MB feed costs no memory
per client; Range requests; ETag, Last-Modified and 304s. Around it, what a public server
needs:

* **Compression without reading files into memory**: a gzip copy of a file is made once per
  version of the file, in a private temporary directory, and sent with sendfile like the
  original (`_DerivedFiles`). ``Accept-Encoding`` is parsed properly: ``gzip;q=0`` is a no.
* **Conditional requests per RFC 9110**: an ``If-Modified-Since`` later than the server's clock
  is ignored (it cannot be a date the client got from us), so it never earns a 304.
* **Bounded clients**: a connection that sends no complete request within
  ``ServeLimits.idle_timeout_s`` is closed (half-open and slowloris clients), a response that
  goes slower than ``min_send_rate_bps`` is cut, and beyond ``max_connections`` (kept below the
  process's file limit) a new client gets an immediate 503 instead of a timeout.
* **Browsers see pages**: a browser asking for an RSS or Atom file gets it as
  ``application/xml``, so it applies ``feed.css`` instead of showing raw text.
* **Only files inside the directory**, never dot files (kabar's own state), GET and HEAD only.

With an archive (``make_app(root, db_url=...)``), ``/search`` and ``/article/<id>`` are answered
from it, read-only (`feeds.webapp`), and the index shows its search form.
"""

from __future__ import annotations

import asyncio
import contextlib
import gzip
import hashlib
import os
import re
import resource
import shutil
import tempfile
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from aiohttp import web
from multidict import CIMultiDict

from feeds.build import FEED_STYLESHEET
from feeds.index import SEARCH_FORM_ID
from feeds.model import FORMATS, INDEX_FILENAME, MEDIA_TYPE, OPML_FILENAME, feed_filename

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Callable

    from aiohttp.abc import AbstractStreamWriter

FEED_SUFFIXES: Final = {Path(feed_filename("x", fmt)).suffix: MEDIA_TYPE[fmt] for fmt in FORMATS}
CONTENT_TYPES: Final = {
    **FEED_SUFFIXES,
    Path(OPML_FILENAME).suffix: "text/x-opml",
    Path(INDEX_FILENAME).suffix: "text/html",
    Path(FEED_STYLESHEET).suffix: "text/css",
}
XML_FEED_SUFFIXES: Final = frozenset(
    suffix for suffix, media in FEED_SUFFIXES.items() if media.endswith("+xml")
)
COMPRESSIBLE: Final = frozenset(CONTENT_TYPES)
MIN_COMPRESS_BYTES: Final = 1024
LAST_MODIFIED_ROUNDING: Final = timedelta(seconds=1)
CACHE_CONTROL: Final = "public, max-age=300"
SECURITY_HEADERS: Final = {
    "X-Content-Type-Options": "nosniff",
    # Pages carry their stylesheet inline and load nothing else; no script anywhere.
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
        "form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
    ),
    "Referrer-Policy": "strict-origin-when-cross-origin",
}
BUSY_RESPONSE: Final = (
    b"HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain\r\nRetry-After: 5\r\n"
    b"Content-Length: 15\r\nConnection: close\r\n\r\ntoo many users\n"
)
FILE_DESCRIPTOR_RESERVE: Final = 64
"""Descriptors kept free for files being sent, the database and the listening socket."""
_ACCEPT_ENCODING_RE: Final = re.compile(r"^\s*([^\s;]+)\s*(?:;\s*q\s*=\s*([0-9.]+))?")
_HIDDEN_SEARCH_FORM_RE: Final = re.compile(
    rb'(<form\b[^>]*\bid="' + SEARCH_FORM_ID.encode() + rb'"[^>]*?)\s+hidden(?:="hidden")?'
)


@dataclass(frozen=True)
class ServeLimits:
    """How much a client may take; the defaults suit a public feed server."""

    max_connections: int = 1000
    """Open connections at once (lowered to fit the process's file descriptor limit)."""
    idle_timeout_s: float = 15.0
    """A connection is closed when it has sent no complete request for this long."""
    send_timeout_s: float = 30.0
    """Time any response may take, plus its size at ``min_send_rate_bps``."""
    min_send_rate_bps: int = 32 * 1024
    database_slots: int = 4
    """Archive queries (search, article pages) running at once."""

    def connection_limit(self) -> int:
        soft, _ = resource.getrlimit(resource.RLIMIT_NOFILE)
        if soft == resource.RLIM_INFINITY:
            return self.max_connections
        return max(1, min(self.max_connections, soft - FILE_DESCRIPTOR_RESERVE))


ROOT_KEY: Final = web.AppKey("root", Path)
LIMITS_KEY: Final = web.AppKey("limits", ServeLimits)
SEARCH_KEY: Final = web.AppKey("search", bool)


def make_app(
    feeds_dir: Path, db_url: str | None = None, *, limits: ServeLimits | None = None
) -> web.Application:
    """The application serving ``feeds_dir`` and, given ``db_url``, the archive's search and
    article pages. The archive is opened read-only (a missing or non-kabar database is an
    `archive.db.ArchiveError` here, before anything is served) and never migrated."""
    app = web.Application()
    app.on_response_prepare.append(_security_headers)
    app[ROOT_KEY] = feeds_dir.resolve()
    app[LIMITS_KEY] = limits or ServeLimits()
    app[DERIVED_KEY] = _DerivedFiles()
    app[SEARCH_KEY] = db_url is not None
    app.on_cleanup.append(_close_derived)
    if db_url is not None:
        from feeds.webapp import add_archive_routes

        add_archive_routes(app, db_url, slots=app[LIMITS_KEY].database_slots)
    app.router.add_get("/{path:.*}", handle)
    return app


def serve_directory(
    root: Path,
    *,
    host: str = "127.0.0.1",
    port: int = 8080,
    db_url: str | None = None,
    limits: ServeLimits | None = None,
    on_ready: Callable[[str], object] | None = None,
) -> None:
    """Serve ``root`` until interrupted (Ctrl-C or SIGTERM). ``on_ready`` is called with the
    server's URL once it listens, so a caller prints it only when it is true."""
    app = make_app(root, db_url, limits=limits)
    with contextlib.suppress(KeyboardInterrupt):  # Ctrl-C is how it is meant to stop
        asyncio.run(_serve_forever(app, host, port, on_ready))


async def _serve_forever(
    app: web.Application, host: str, port: int, on_ready: Callable[[str], object] | None
) -> None:
    import signal

    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    with contextlib.suppress(NotImplementedError):  # no signal handlers on some platforms
        loop.add_signal_handler(signal.SIGTERM, stop.set)
    async with running(app, host, port) as bound_port:
        if on_ready is not None:
            on_ready(f"http://{host}:{bound_port}/")
        await stop.wait()


@contextlib.asynccontextmanager
async def running(app: web.Application, host: str, port: int) -> AsyncIterator[int]:
    """Serve ``app`` with its limits on ``host:port`` (0: any free port, yielded)."""
    limits = app[LIMITS_KEY]
    runner = web.AppRunner(
        app,
        keepalive_timeout=limits.idle_timeout_s,
        handler_cancellation=True,
        access_log=None,
    )
    await runner.setup()
    try:
        site = _GuardedSite(runner, host, port, _Guard(limits.connection_limit()))
        await site.start()
        yield int(runner.addresses[0][1])
    finally:
        await runner.cleanup()


# --- static files -------------------------------------------------------------------------


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


async def handle(request: web.Request) -> web.StreamResponse:
    app = request.app
    path = _resolve(app[ROOT_KEY], request.match_info.get("path", ""))
    if path is None:
        raise web.HTTPNotFound(text="not found\n")
    headers = {"Cache-Control": CACHE_CONTROL, "Content-Type": _content_type(request, path)}
    vary = ["Accept-Encoding"]
    if path.suffix in XML_FEED_SUFFIXES:
        vary.append("Accept")
    headers["Vary"] = ", ".join(vary)
    derived = app[DERIVED_KEY]
    sent = path
    if app[SEARCH_KEY] and path.name == INDEX_FILENAME and path.parent == app[ROOT_KEY]:
        sent = await derived.get(sent, "search", _show_search_form) or sent
    if (
        path.suffix in COMPRESSIBLE
        and accepts_gzip(request.headers.get("Accept-Encoding", ""))
        and sent.stat().st_size >= MIN_COMPRESS_BYTES
    ):
        compressed = await derived.get(sent, "gzip", _gzip_file)
        if compressed is not None:
            sent = compressed
            headers["Content-Encoding"] = "gzip"
    limits = app[LIMITS_KEY]
    budget_s = limits.send_timeout_s + sent.stat().st_size / limits.min_send_rate_bps
    return _FileResponse(sent, headers=headers, budget_s=budget_s)


class _FileResponse(web.FileResponse):
    """`web.FileResponse` given the request as RFC 9110 reads it, and a time budget."""

    def __init__(self, path: Path, *, headers: dict[str, str], budget_s: float) -> None:
        super().__init__(path, headers=headers)
        self._budget_s = budget_s

    async def prepare(self, request: web.BaseRequest) -> AbstractStreamWriter | None:
        try:
            async with asyncio.timeout(self._budget_s):
                return await super().prepare(_as_rfc9110(request))
        except TimeoutError:
            if request.transport is not None:
                request.transport.abort()
            raise ConnectionResetError("client too slow to take the file") from None


def accepts_gzip(accept_encoding: str) -> bool:
    """Whether an ``Accept-Encoding`` value allows gzip: named (or ``*``) with q > 0."""
    qualities: dict[str, float] = {}
    for part in accept_encoding.lower().split(","):
        match = _ACCEPT_ENCODING_RE.match(part)
        if not match:
            continue
        try:
            quality = float(match.group(2)) if match.group(2) is not None else 1.0
        except ValueError:
            quality = 0.0
        qualities[match.group(1)] = quality
    for name in ("gzip", "x-gzip"):
        if name in qualities:
            return qualities[name] > 0
    return qualities.get("*", 0.0) > 0


def _content_type(request: web.Request, path: Path) -> str:
    media_type = CONTENT_TYPES.get(path.suffix, "application/octet-stream")
    if path.suffix in XML_FEED_SUFFIXES and _wants_page(request.headers.get("Accept", "")):
        # Browsers show application/rss+xml as raw text; as XML they apply feed.css.
        media_type = "application/xml"
    if media_type.startswith("text/") or media_type.endswith(("xml", "json")):
        return f"{media_type}; charset=utf-8"
    return media_type


def _wants_page(accept: str) -> bool:
    """A browser navigating: it asks for HTML first and names no feed type."""
    accept = accept.lower()
    return "text/html" in accept and "rss+xml" not in accept and "atom+xml" not in accept


def _as_rfc9110(request: web.BaseRequest) -> web.BaseRequest:
    """The request without what FileResponse would misread: an If-Modified-Since later than
    now (ignored, RFC 9110 §13.1.3) and Accept-Encoding (compression is already decided)."""
    headers = CIMultiDict(request.headers)
    headers["Accept-Encoding"] = "identity"
    since = request.if_modified_since
    # Last-Modified is the file's mtime rounded up to the second, so a date we sent may be up
    # to a second ahead of the clock.
    if since is not None and since > datetime.now(UTC) + LAST_MODIFIED_ROUNDING:
        del headers["If-Modified-Since"]
    return request.clone(headers=headers)


async def _security_headers(request: web.Request, response: web.StreamResponse) -> None:
    """Sent with every response, files and pages alike, right before its headers go out."""
    response.headers.update(SECURITY_HEADERS)


# --- files derived from published ones ----------------------------------------------------


def _gzip_file(source: Path, target: Path) -> None:
    # mtime=0: the same file always compresses to the same bytes.
    with (
        source.open("rb") as raw,
        target.open("wb") as out,
        gzip.GzipFile(fileobj=out, mode="wb", mtime=0) as compressed,
    ):
        shutil.copyfileobj(raw, compressed, 256 * 1024)


def _show_search_form(source: Path, target: Path) -> None:
    target.write_bytes(_HIDDEN_SEARCH_FORM_RE.sub(rb"\1", source.read_bytes(), count=1))


@dataclass
class _Derived:
    version: tuple[int, int, int]
    path: Path
    ready: asyncio.Future[Path | None]


@dataclass
class _DerivedFiles:
    """Files made from published ones (a gzip copy; the index with its search form shown), made
    once per version of their source, in a worker thread, into a private temporary directory,
    and then sent with sendfile like any file. Concurrent requests for a version not made yet
    wait for the one making it. A replaced version's file is removed a while later (a response
    may still be opening it)."""

    directory: Path | None = None
    entries: dict[tuple[Path, str], _Derived] = field(default_factory=dict)
    retired: list[tuple[float, Path]] = field(default_factory=list)
    grace_s: float = 120.0

    async def get(self, source: Path, kind: str, make: Callable[[Path, Path], None]) -> Path | None:
        """The derived file of ``source``'s current version, or None if it cannot be made."""
        try:
            stat = source.stat()
        except OSError:
            return None
        version = (stat.st_mtime_ns, stat.st_size, stat.st_ino)
        key = (source, kind)
        entry = self.entries.get(key)
        if entry is None or entry.version != version:
            loop = asyncio.get_running_loop()
            if self.directory is None:
                self.directory = Path(tempfile.mkdtemp(prefix="kabar-serve-"))
            name = hashlib.sha256(f"{source}\0{kind}\0{version}".encode()).hexdigest()[:32]
            target = self.directory / f"{name}{source.suffix}"
            ready = asyncio.ensure_future(
                loop.run_in_executor(None, _make_derived, source, target, make, stat)
            )
            if entry is not None:
                self.retired.append((loop.time(), entry.path))
            entry = self.entries[key] = _Derived(version, target, ready)
            self._remove_retired(loop.time())
        made = await asyncio.shield(entry.ready)
        if made is None and self.entries.get(key) is entry:
            del self.entries[key]  # try again next time
        return made

    def _remove_retired(self, now: float) -> None:
        keep = []
        for retired_at, path in self.retired:
            if now - retired_at < self.grace_s:
                keep.append((retired_at, path))
            else:
                path.unlink(missing_ok=True)
        self.retired = keep

    def close(self) -> None:
        if self.directory is not None:
            shutil.rmtree(self.directory, ignore_errors=True)
            self.directory = None


def _make_derived(
    source: Path, target: Path, make: Callable[[Path, Path], None], stat: os.stat_result
) -> Path | None:
    partial = target.with_suffix(target.suffix + ".part")
    try:
        make(source, partial)
        # The same Last-Modified as the source, so conditional requests agree across encodings.
        os.utime(partial, ns=(stat.st_atime_ns, stat.st_mtime_ns))
        os.replace(partial, target)
    except OSError:
        partial.unlink(missing_ok=True)
        return None
    return target


DERIVED_KEY: Final = web.AppKey("derived", _DerivedFiles)


async def _close_derived(app: web.Application) -> None:
    app[DERIVED_KEY].close()


# --- connections --------------------------------------------------------------------------


@dataclass
class _Guard:
    limit: int
    open: int = 0
    refused: int = 0


class _GuardedProtocol(asyncio.Protocol):
    """aiohttp's protocol for one connection, admitted only while fewer than the limit are open;
    a connection over the limit is answered 503 at once and closed."""

    def __init__(self, inner: Any, guard: _Guard) -> None:
        self._inner = inner
        self._guard = guard
        self._admitted = False

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        if self._guard.open >= self._guard.limit:
            self._guard.refused += 1
            if isinstance(transport, asyncio.WriteTransport):
                transport.write(BUSY_RESPONSE)
            transport.close()
            return
        self._guard.open += 1
        self._admitted = True
        self._inner.connection_made(transport)

    def connection_lost(self, exc: Exception | None) -> None:
        if self._admitted:
            self._admitted = False
            self._guard.open -= 1
            self._inner.connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        if self._admitted:
            self._inner.data_received(data)

    def eof_received(self) -> bool | None:
        if self._admitted:
            return bool(self._inner.eof_received())
        return None

    def pause_writing(self) -> None:
        if self._admitted:
            self._inner.pause_writing()

    def resume_writing(self) -> None:
        if self._admitted:
            self._inner.resume_writing()


class _GuardedSite(web.BaseSite):
    """A TCP site whose connections pass through a `_Guard`."""

    def __init__(self, runner: web.BaseRunner, host: str, port: int, guard: _Guard) -> None:
        super().__init__(runner)
        self._host = host
        self._port = port
        self.guard = guard

    @property
    def name(self) -> str:
        return f"http://{self._host}:{self._port}"

    async def start(self) -> None:
        await super().start()
        server = self._runner.server
        assert server is not None
        guard = self.guard
        self._server = await asyncio.get_running_loop().create_server(
            lambda: _GuardedProtocol(server(), guard), self._host, self._port, reuse_address=True
        )
