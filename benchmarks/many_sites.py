"""Many small sites in one `kabar crawl`, measured: the per-site fixed cost of the engine.

One mock server answers for any host name as a small WordPress site (the mock web's
``merahputih``: REST API, feeds, sitemaps; its stories recombined per host, 15
articles each, so sites differ as real ones do). The crawler reaches every host
through the server as its HTTP proxy (``http_proxy``), so no name needs to resolve.
For N sites (``site0001.test`` ...), a first run into a fresh archive and an unchanged
re-run, each a `kabar crawl` process of its own with relaxed politeness:

wall seconds, CPU seconds (the crawl process and its children), peak memory of the
process tree (PSS: pages shared by the extraction workers counted once), peak open
fds, requests the server answered, articles stored, sites with errors, tracebacks in
the log, and on PostgreSQL the peak connection count (``pg_stat_activity`` sampled
every 0.2 s).

Run: python benchmarks/many_sites.py --sites 10 --sites 100 [--db sqlite postgres]
(PostgreSQL: ``$KABAR_TEST_POSTGRES_URL`` names a server where a scratch database is made.)
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import os
import random
import resource
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

from benchmarks.throughput import sample_until_exit

PROJECT_ROOT = Path(__file__).resolve().parents[1]
ARTICLES_PER_SITE = 15
TEMPLATE = "merahputih"
RELAXED = [
    "--set", "AUTOTHROTTLE_ENABLED=False",
    "--set", "DOWNLOAD_DELAY=0",
    "--set", "CONCURRENT_REQUESTS=64",
    "--set", "CONCURRENT_REQUESTS_PER_DOMAIN=4",
    "--set", "KABAR_BACKOFF_BASE_S=0.1",
]  # fmt: skip


def host_name(index: int) -> str:
    return f"site{index:04d}.test"


def _site_for(host: str, template: Any) -> Any:
    """The template site as ``host`` serves it: its own headlines and paragraph mix."""
    rng = random.Random(f"many-sites:{host}")
    pool = [p for a in template.articles for p in a.paragraphs[1:]]
    originals = [a for a in template.articles if not a.malformed and a.quirk is None]
    made = []
    for index in range(ARTICLES_PER_SITE):
        base = originals[index % len(originals)]
        slug = f"{base.slug}-{host.split('.')[0]}-{index}"
        made.append(
            replace(
                base,
                post_id=base.post_id + index,
                slug=slug,
                path=base.path.replace(base.slug, slug),
                title=f"{base.title} di {host.split('.')[0]}",
                paragraphs=(base.paragraphs[0], *rng.sample(pool, min(len(pool), 4))),
                see_also=None,
            )
        )
    return replace(template, name=host, articles=tuple(made), faults=(), crawl_delay=None)


def _serve(sock: socket.socket, counter: Any) -> None:
    from aiohttp import web as aioweb

    from kabar.demo.http import conditional
    from kabar.demo.web import build_web

    template = build_web().site(TEMPLATE)
    sites: dict[str, Any] = {}
    cache: dict[tuple[str, str], Any] = {}

    async def answer(request: aioweb.Request) -> aioweb.Response:
        with counter.get_lock():
            counter.value += 1
        host = (request.host or "").split(":")[0]
        site = sites.get(host)
        if site is None:
            site = sites[host] = _site_for(host, template)
        target = request.path_qs
        response = cache.get((host, target))
        if response is None:
            response = cache[host, target] = site.render(target, f"http://{host}/")
        response = conditional(response, request.headers)
        headers = {"Content-Type": response.content_type, **response.headers}
        return aioweb.Response(status=response.status, body=response.body, headers=headers)

    async def main() -> None:
        app = aioweb.Application()
        app.router.add_route("GET", "/{path:.*}", answer)
        runner = aioweb.AppRunner(app, access_log=None)
        await runner.setup()
        await aioweb.SockSite(runner, sock).start()
        await asyncio.Event().wait()

    asyncio.run(main())


def start_server(workers: int) -> tuple[int, list[Any], Any]:
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    sock.listen(4096)
    sock.setblocking(False)
    context = multiprocessing.get_context("fork")
    counter = context.Value("q", 0)
    processes = [
        context.Process(target=_serve, args=(sock, counter), daemon=True) for _ in range(workers)
    ]
    for process in processes:
        process.start()
    return sock.getsockname()[1], processes, counter


def write_sites(count: int, path: Path) -> None:
    lines = []
    for index in range(count):
        lines += [
            "[[site]]",
            f'name = "site{index:04d}"',
            f'url = "http://{host_name(index)}/"',
            "max_age_days = 36500",
            "",
        ]
    path.write_text("\n".join(lines), encoding="utf-8")


class PgSampler:
    """Peak connections to one PostgreSQL database, sampled from ``pg_stat_activity``."""

    def __init__(self, url: str) -> None:
        from sqlalchemy import create_engine
        from sqlalchemy.engine import make_url

        parsed = make_url(url)
        self.database = parsed.database
        self.engine = create_engine(parsed.set(database="postgres"))
        self.peak = 0
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        from sqlalchemy import text

        with self.engine.connect() as connection:
            while not self._done.is_set():
                count = connection.execute(
                    text("SELECT count(*) FROM pg_stat_activity WHERE datname = :d"),
                    {"d": self.database},
                ).scalar_one()
                connection.commit()
                self.peak = max(self.peak, int(count))
                time.sleep(0.2)

    def __enter__(self) -> PgSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._done.set()
        self._thread.join()
        self.engine.dispose()


def crawl(sites: Path, db_url: str, port: int, log: Path) -> dict[str, Any]:
    env = {**os.environ, "http_proxy": f"http://127.0.0.1:{port}", "no_proxy": ""}
    command = [sys.executable, "-m", "kabar.cli", "crawl", "--sites", str(sites), "--db", db_url]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.monotonic()
    with log.open("w") as err, tempfile.TemporaryFile("w+") as out:
        child = subprocess.Popen(
            [*command, *RELAXED, "--log-level", "ERROR"],
            cwd=PROJECT_ROOT,
            env=env,
            stdout=out,
            stderr=err,
        )
        peak_rss, peak_fds = sample_until_exit(child, interval_s=0.2)
        wall = time.monotonic() - started
        out.seek(0)
        report = out.read()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    lines = [line for line in report.splitlines() if ": strategy " in line or "UNREACHABLE" in line]
    return {
        "exit": child.returncode,
        "wall": wall,
        "cpu": (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime),
        "rss_mb": peak_rss / 2**20,
        "fds": peak_fds,
        "sites_reported": len(lines),
        "sites_with_errors": sum(
            1 for line in lines if "UNREACHABLE" in line or not line.endswith("errors: none")
        ),
        "tracebacks": log.read_text(errors="replace").count("Traceback"),
    }


def _count(db_url: str, table: str) -> int:
    from sqlalchemy import create_engine, text

    engine = create_engine(db_url)
    with engine.connect() as connection:
        count = int(connection.execute(text(f"SELECT count(*) FROM {table}")).scalar_one())
    engine.dispose()
    return count


def _postgres_db() -> tuple[str, str]:
    import psycopg

    server = os.environ.get(
        "KABAR_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1/test"
    )
    name = f"kabar_many_{os.getpid()}_{int(time.time())}"
    admin = server.replace("postgresql+psycopg", "postgresql").rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    return server.rsplit("/", 1)[0] + f"/{name}", admin


def _drop_postgres(url: str, admin: str) -> None:
    import psycopg

    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{url.rsplit("/", 1)[1]}" WITH (FORCE)')


def bench(count: int, db: str, port: int, counter: Any, workdir: Path) -> None:
    sites = workdir / f"sites-{count}.toml"
    write_sites(count, sites)
    admin = ""
    if db == "sqlite":
        url = f"sqlite:///{workdir / f'many-{count}.db'}"
    else:
        url, admin = _postgres_db()
    try:
        for run in ("first", "unchanged"):
            served = counter.value
            log = workdir / f"{db}-{count}-{run}.log"
            if db == "postgres":
                with PgSampler(url) as sampler:
                    row = crawl(sites, url, port, log)
                row["pg_peak_connections"] = sampler.peak
            else:
                row = crawl(sites, url, port, log)
            row["articles"] = _count(url, "articles")
            row["requests"] = counter.value - served
            row.update(sites=count, db=db, run=run)
            _print(row)
    finally:
        if admin:
            _drop_postgres(url, admin)


def _print(row: dict[str, Any]) -> None:
    pg = f"  pg connections {row['pg_peak_connections']}" if "pg_peak_connections" in row else ""
    print(
        f"{row['sites']:>5} sites {row['db']:<8} {row['run']:<9} exit {row['exit']}  "
        f"wall {row['wall']:7.1f} s  CPU {row['cpu']:7.1f} s  peak RSS {row['rss_mb']:6.0f} MB  "
        f"fds {row['fds']:>5}  requests {row['requests']:>6}  "
        f"articles {row['articles']:>6}/{row['sites'] * ARTICLES_PER_SITE}  "
        f"sites reported {row['sites_reported']}  with errors {row['sites_with_errors']}  "
        f"tracebacks {row['tracebacks']}{pg}",
        flush=True,
    )
    print(json.dumps(row), file=sys.stderr)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sites", type=int, action="append", help="number of sites (repeat)")
    parser.add_argument("--db", nargs="+", default=["sqlite"], choices=["sqlite", "postgres"])
    parser.add_argument("--server-workers", type=int, default=2)
    args = parser.parse_args()
    port, servers, counter = start_server(args.server_workers)
    try:
        time.sleep(1.0)
        with tempfile.TemporaryDirectory(prefix="kabar-many-") as tmp:
            for count in args.sites or [10]:
                for db in args.db:
                    bench(count, db, port, counter, Path(tmp))
    finally:
        for process in servers:
            process.kill()
            process.join()
    return 0


if __name__ == "__main__":
    sys.exit(main())
