"""Serve the mock news web on 127.0.0.1, one port per site, for the demo and crawl tests.

Each site gets its own port (0: the system picks, so test runs never collide)
because kabar tells sites apart by host and port. Run as a program it prints
one JSON line naming the sites' base URLs once all are listening, then serves
until SIGTERM/SIGINT or until its stdin, when that is a pipe, closes -- so a
parent that dies without cleaning up does not leave it running::

    $ python -m kabar.demo.server --port-base 0
    {"sites": {"merahputih": "http://127.0.0.1:40123/", ...}}

:func:`serve_mockweb_subprocess` (defined in :mod:`kabar.demo.process`, which
needs no aiohttp) runs this program from Python and stops it on exit.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import stat
import sys
from datetime import datetime

from aiohttp import web

from kabar.demo.process import MockWebError, serve_mockweb_subprocess
from kabar.demo.web import DEFAULT_NOW, MockSite, MockWeb, build_web

__all__ = ["MockWebError", "main", "serve_mockweb_subprocess", "start_sites"]

DEFAULT_HOST = "127.0.0.1"


class _SiteHandler:
    """Answers one site's requests; knows its base URL once the port is bound."""

    def __init__(self, site: MockSite) -> None:
        self.site = site
        self.base_url = ""

    async def __call__(self, request: web.Request) -> web.Response:
        response = self.site.render(request.path, self.base_url)
        headers = {"Content-Type": response.content_type, **response.headers}
        return web.Response(status=response.status, body=response.body, headers=headers)


async def start_sites(
    mockweb: MockWeb, *, host: str = DEFAULT_HOST, port_base: int = 0
) -> tuple[list[web.AppRunner], dict[str, str]]:
    """Start serving every site; returns the runners (to clean up) and the base URLs.

    With ``port_base`` 0 each site gets an ephemeral port, otherwise sites get
    ``port_base``, ``port_base + 1``, ... in ``stories.toml`` order.
    """
    runners: list[web.AppRunner] = []
    base_urls: dict[str, str] = {}
    try:
        for index, site in enumerate(mockweb.sites):
            handler = _SiteHandler(site)
            app = web.Application()
            app.router.add_get("/{path:.*}", handler)
            runner = web.AppRunner(app, access_log=None)
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
    runners, base_urls = await start_sites(build_web(now), host=host, port_base=port_base)
    stop = asyncio.Event()
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
