"""Serve the mock news web on 127.0.0.1, one port per site, for the demo and crawl tests.

Each site gets its own port (0: the system picks, so test runs never collide)
because kabar tells sites apart by host and port. Run as a program it prints
one JSON line naming the sites' base URLs once all are listening, then serves
until SIGTERM/SIGINT or until its stdin, when that is a pipe, closes -- so a
parent that dies without cleaning up does not leave it running::

    $ python -m kabar.demo.server --port-base 0
    {"sites": {"merahputih": "http://127.0.0.1:40123/", ...}}

The server holds the little state the web has, so that tests can check what a
crawler did from the outside, over HTTP, on any site's port:

``POST /_mock/advance``
    The web moves on a day (new articles, one edited); ports stay the same.
``GET /_mock/stats``
    Requests so far, per site: in total, per path (query left off) and per status.
``POST /_mock/reset-stats``
    Counting starts again (the traps that fail only once stay sprung).

Slow pages wait on the server's stop signal, so a 60-second page never holds up
shutdown, and the huge page is streamed in chunks, never held in memory.

:func:`serve_mockweb_subprocess` (defined in :mod:`kabar.demo.process`, which
needs no aiohttp) runs this program from Python and stops it on exit.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import signal
import stat
import sys
from collections import Counter, defaultdict
from datetime import datetime

from aiohttp import web

from kabar.demo.http import MockResponse, conditional
from kabar.demo.process import CONTROL_PREFIX, MockWebError, serve_mockweb_subprocess
from kabar.demo.web import DEFAULT_NOW, MAX_DAY, MockWeb, build_web

__all__ = ["MockWebError", "WebState", "main", "serve_mockweb_subprocess", "start_sites"]

DEFAULT_HOST = "127.0.0.1"
SHUTDOWN_TIMEOUT_S = 2.0


class WebState:
    """What the served web remembers: its day, the requests so far, and whether it stops."""

    def __init__(self, mockweb: MockWeb) -> None:
        self.start = mockweb.start
        self.day = mockweb.day
        self.stopping = asyncio.Event()
        self.attempts: Counter[tuple[str, str]] = Counter()
        """(site, path) -> requests ever: a trap that fails once fails only the first."""
        self.requests: defaultdict[str, Counter[str]] = defaultdict(Counter)
        self.statuses: defaultdict[str, Counter[str]] = defaultdict(Counter)

    @property
    def web(self) -> MockWeb:
        return build_web(self.start, self.day)

    def record(self, site: str, path: str) -> int:
        """Count a request; returns how many times ``path`` has now been asked for."""
        self.requests[site][path] += 1
        self.attempts[site, path] += 1
        return self.attempts[site, path]

    def advance(self) -> bool:
        if self.day >= MAX_DAY:
            return False
        self.day += 1
        return True

    def reset_stats(self) -> None:
        self.requests.clear()
        self.statuses.clear()

    def stats(self) -> dict[str, object]:
        sites = {
            site.name: {
                "requests": sum(self.requests[site.name].values()),
                "paths": dict(sorted(self.requests[site.name].items())),
                "statuses": dict(sorted(self.statuses[site.name].items())),
            }
            for site in self.web.sites
        }
        return {"day": self.day, "now": self.web.now.isoformat(), "sites": sites}


class _SiteHandler:
    """Answers one site's requests; knows its base URL once the port is bound."""

    def __init__(self, name: str, state: WebState) -> None:
        self.name = name
        self.state = state
        self.base_url = ""

    async def __call__(self, request: web.Request) -> web.StreamResponse:
        path = request.path
        target = f"{path}?{request.query_string}" if request.query_string else path
        attempt = self.state.record(self.name, path)
        site = self.state.web.site(self.name)
        response = conditional(site.render(target, self.base_url, attempt=attempt), request.headers)
        self.state.statuses[self.name][str(response.status)] += 1
        if response.delay_s:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.state.stopping.wait(), response.delay_s)
            if self.state.stopping.is_set():
                return web.Response(status=503, text="shutting down")
        headers = {"Content-Type": response.content_type, **response.headers}
        if response.filler_count:
            return await self._stream(request, response, headers)
        return web.Response(status=response.status, body=response.body, headers=headers)

    async def _stream(
        self, request: web.Request, response: MockResponse, headers: dict[str, str]
    ) -> web.StreamResponse:
        """Send a huge body chunk by chunk (chunked encoding, no length announced)."""
        stream = web.StreamResponse(status=response.status, headers=headers)
        await stream.prepare(request)
        # A client that stops reading (over its size limit) resets the connection.
        with contextlib.suppress(ConnectionError):
            await stream.write(response.body)
            for _ in range(response.filler_count):
                if self.state.stopping.is_set():
                    break
                await stream.write(response.filler)
            await stream.write_eof()
        return stream


def _control_routes(state: WebState) -> list[web.RouteDef]:
    async def advance(request: web.Request) -> web.Response:
        if not state.advance():
            return web.json_response({"error": f"no news after day {MAX_DAY}"}, status=409)
        return web.json_response({"day": state.day, "now": state.web.now.isoformat()})

    async def stats(request: web.Request) -> web.Response:
        return web.json_response(state.stats())

    async def reset_stats(request: web.Request) -> web.Response:
        state.reset_stats()
        return web.json_response({"reset": True})

    return [
        web.post(f"{CONTROL_PREFIX}advance", advance),
        web.get(f"{CONTROL_PREFIX}stats", stats),
        web.post(f"{CONTROL_PREFIX}reset-stats", reset_stats),
    ]


async def start_sites(
    mockweb: MockWeb,
    *,
    host: str = DEFAULT_HOST,
    port_base: int = 0,
    state: WebState | None = None,
) -> tuple[list[web.AppRunner], dict[str, str]]:
    """Start serving every site; returns the runners (to clean up) and the base URLs.

    With ``port_base`` 0 each site gets an ephemeral port, otherwise sites get
    ``port_base``, ``port_base + 1``, ... in ``stories.toml`` order. Every site's
    port also answers the ``/_mock/`` control requests, on the one shared ``state``.
    """
    state = state or WebState(mockweb)
    runners: list[web.AppRunner] = []
    base_urls: dict[str, str] = {}
    try:
        for index, site in enumerate(mockweb.sites):
            handler = _SiteHandler(site.name, state)
            app = web.Application()
            app.router.add_routes(_control_routes(state))
            app.router.add_get("/{path:.*}", handler)
            runner = web.AppRunner(app, access_log=None, shutdown_timeout=SHUTDOWN_TIMEOUT_S)
            await runner.setup()
            runners.append(runner)
            await web.TCPSite(runner, host, port_base + index if port_base else 0).start()
            port = runner.addresses[0][1]
            handler.base_url = base_urls[site.name] = f"http://{host}:{port}/"
    except BaseException:
        for runner in runners:
            await runner.cleanup()
        raise
    return runners, base_urls


class _StopOnEof(asyncio.Protocol):
    def __init__(self, stop: asyncio.Event) -> None:
        self.stop = stop

    def connection_lost(self, exc: Exception | None) -> None:
        self.stop.set()


async def _serve(host: str, port_base: int, now: datetime) -> None:
    state = WebState(build_web(now))
    runners, base_urls = await start_sites(
        build_web(now), host=host, port_base=port_base, state=state
    )
    stop = state.stopping
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    # Only a pipe or socket closes when the parent dies; a terminal or /dev/null does not.
    mode = os.fstat(sys.stdin.fileno()).st_mode
    if stat.S_ISFIFO(mode) or stat.S_ISSOCK(mode):
        await loop.connect_read_pipe(lambda: _StopOnEof(stop), sys.stdin)
    print(json.dumps({"sites": base_urls}), flush=True)
    try:
        await stop.wait()
    finally:
        for runner in runners:
            await runner.cleanup()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m kabar.demo.server",
        description="Serve kabar's mock news web, one port per site; prints their URLs as JSON.",
    )
    parser.add_argument("--host", default=DEFAULT_HOST)
    parser.add_argument(
        "--port-base", type=int, default=0, help="first site's port; 0 (default) = ephemeral ports"
    )
    parser.add_argument(
        "--now",
        type=datetime.fromisoformat,
        default=DEFAULT_NOW,
        help=f"the web's current instant, ISO 8601 with offset (default {DEFAULT_NOW.isoformat()})",
    )
    args = parser.parse_args(argv)
    if args.now.tzinfo is None:
        parser.error("--now needs a UTC offset, e.g. 2023-07-20T12:00+07:00")
    try:
        asyncio.run(_serve(args.host, args.port_base, args.now))
    except OSError as exc:
        print(f"mock web: cannot listen on {args.host}: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
