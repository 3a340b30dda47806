"""Serving the other-CMS web on 127.0.0.1: one port per site, one thread for all, and
each request counted by the kind of page it hit (:class:`Hits`).

``moved`` gets two ports: the configured one, named by another host name
(``localhost``, as a site that moved to a new domain), only redirects (301, path kept;
``/`` to ``/id/``) to the real one at ``127.0.0.1``.
"""

from __future__ import annotations

import asyncio
import threading
from collections import Counter
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

from aiohttp import web

from tests.othercms.sites import SITES, Burner, Moved, Page, Site, query_of

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@dataclass
class Hits:
    """What one site was asked: (kind, path and query) -> count."""

    counts: Counter[tuple[str, str]] = field(default_factory=Counter)

    def add(self, kind: str, target: str) -> None:
        self.counts[(kind, target)] += 1

    def total(self) -> int:
        return sum(self.counts.values())

    def of(self, kind: str) -> dict[str, int]:
        return {t: n for (k, t), n in self.counts.items() if k == kind}


@dataclass
class OtherWeb:
    """The served sites: name -> configured base URL, the site objects and their hits."""

    urls: dict[str, str]
    sites: dict[str, Site]
    hits: dict[str, Hits]

    def reset(self) -> None:
        for hits in self.hits.values():
            hits.counts.clear()

    def resolve(self, name: str, url: str) -> Page:
        """What the site serves at ``url`` (a redirect followed), without counting it."""
        site = self.sites[name]
        parts = urlsplit(url)
        return site.route(parts.path or "/", query_of(url))

    def write_sites_toml(self, path: Path, names: list[str] | None = None) -> Path:
        lines = []
        for name in names or list(self.urls):
            lines += [
                "[[site]]",
                f'name = "{name}"',
                f'url = "{self.urls[name]}"',
                'region = "Sumatera Selatan"',
                'timezone = "Asia/Jakarta"',
                "max_age_days = 30",
                "",
            ]
        path.write_text("\n".join(lines), encoding="utf-8")
        return path


def _handler(site: Site, hits: Hits) -> Handler:
    async def handle(request: web.Request) -> web.StreamResponse:
        target = request.path_qs
        if request.path == "/robots.txt":
            hits.add("robots", target)
            return web.Response(text=site.robots, content_type="text/plain")
        page = site.route(request.path, dict(request.query))
        hits.add(page.kind, target)
        headers = {"Content-Type": page.content_type, **page.headers}
        return web.Response(body=page.body, status=page.status, headers=headers)

    return handle


def _redirector(target: str, hits: Hits) -> Handler:
    async def handle(request: web.Request) -> web.StreamResponse:
        hits.add("redirect", request.path_qs)
        path = "/id/" if request.path == "/" else request.path_qs
        raise web.HTTPMovedPermanently(target + path)

    return handle


def _proxy(site: Burner, hits: Hits) -> Handler:
    """The feed proxy's host: the site's feed, and redirects to its posts."""

    async def handle(request: web.Request) -> web.StreamResponse:
        page = site.proxied(request.path)
        hits.add(f"proxy-{page.kind}", request.path_qs)
        headers = {"Content-Type": page.content_type, **page.headers}
        return web.Response(body=page.body, status=page.status, headers=headers)

    return handle


def _app(handler: Handler) -> web.Application:
    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", handler)
    return app


@contextmanager
def serve_other_web(now: datetime | None = None) -> Iterator[OtherWeb]:
    """Serve every site of :data:`tests.othercms.sites.SITES` until the context ends."""
    now = now or datetime.now(UTC)
    loop = asyncio.new_event_loop()
    runners: list[web.AppRunner] = []

    async def start(handler: Handler) -> int:
        runner = web.AppRunner(_app(handler), access_log=None)
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", 0).start()
        runners.append(runner)
        return int(runner.addresses[0][1])

    urls: dict[str, str] = {}
    sites: dict[str, Site] = {}
    hits: dict[str, Hits] = {}
    handlers: dict[str, Handler] = {}
    """Filled once every site knows its address (pages link absolutely)."""

    def late(name: str) -> Handler:
        async def handle(request: web.Request) -> web.StreamResponse:
            return await handlers[name](request)

        return handle

    for kind in SITES:
        site = kind(now, "")
        sites[kind.name], hits[kind.name] = site, Hits()
        site.base = f"http://127.0.0.1:{loop.run_until_complete(start(late(kind.name)))}"
        urls[kind.name] = site.base + "/"
        handlers[kind.name] = _handler(site, hits[kind.name])
        if isinstance(site, Moved):
            site.target = site.base
            port = loop.run_until_complete(start(_redirector(site.base, hits[kind.name])))
            urls[kind.name] = f"http://localhost:{port}/"
        if isinstance(site, Burner):
            port = loop.run_until_complete(start(_proxy(site, hits[kind.name])))
            site.proxy = f"http://127.0.0.1:{port}"
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    try:
        yield OtherWeb(urls=urls, sites=sites, hits=hits)
    finally:
        loop.call_soon_threadsafe(loop.stop)
        thread.join(5)
        for runner in runners:
            loop.run_until_complete(runner.cleanup())
        loop.close()
