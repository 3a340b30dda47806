"""Crawl throughput, measured: kabar against plain Scrapy and Scrapy + trafilatura, same run.

A local WordPress-like web of 4 sites x N/4 articles (the mock web's four news sites,
their stories recombined into as many distinct articles as asked, traps left out) is
served by a pre-forked multi-process aiohttp server with every article page rendered
before the first request; the script checks it out-serves the crawlers (its own
pages/s with a plain client at high concurrency). Every crawler reads the same
sitemaps with the same relaxed politeness (no delay, no AutoThrottle, 8 per host)
and runs in a process of its own (Twisted's reactor runs once per process):

* ``kabar``: ``kabar.crawl.run_crawl`` into a fresh archive (sitemap strategy only,
  so it discovers exactly what the peers read);
* ``scrapy``: a ``SitemapSpider`` yielding each page's URL and ``<title>``;
* ``trafilatura``: the same spider with ``trafilatura.bare_extraction`` per page.

Figures per crawler: article pages, wall seconds of the crawl, pages/s, CPU ms per
page (user + system of the crawl process and its children, imports excluded), peak
memory of the process tree (sampled PSS: pages shared by forked workers counted
once) and peak open fds.

Run: python benchmarks/throughput.py --articles 1000 --articles 10000 [--db sqlite postgres]
(PostgreSQL: ``$KABAR_TEST_POSTGRES_URL`` names a server where a scratch database is made.)
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import os
import random
import re
import resource
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

PROJECT_ROOT = Path(__file__).resolve().parents[1]
SITES = ("merahputih", "halobanyuasin", "suarasumsel", "sumselterkini")
RELAXED: dict[str, Any] = {
    "AUTOTHROTTLE_ENABLED": False,
    "DOWNLOAD_DELAY": 0,
    "CONCURRENT_REQUESTS": 32,
    "CONCURRENT_REQUESTS_PER_DOMAIN": 8,
    "DOWNLOAD_TIMEOUT": 30,
    "LOG_LEVEL": "WARNING",
    "TELNETCONSOLE_ENABLED": False,
}
SERVER_WORKERS = 3


# -- the web ------------------------------------------------------------------------


def build_bench_web(articles: int) -> Any:
    """The mock web's four news sites with ``articles`` distinct articles in all.

    Each article takes 3-6 paragraphs drawn from the site's own stories (a seeded
    generator: the same ``articles`` always gives the same web), so bodies differ as
    real ones do and near-duplicate detection has its usual, not its worst, work."""
    from kabar.demo.web import build_web

    web = build_web()
    sites = []
    per_site = max(1, articles // len(SITES))
    for name in SITES:
        site = web.site(name)
        rng = random.Random(f"throughput:{name}:{articles}")
        pool = [p for a in site.articles if not a.malformed for p in a.paragraphs[1:]]
        originals = [a for a in site.articles if not a.malformed and a.quirk is None]
        made = []
        newest = site.articles[0].published
        for index in range(per_site):
            base = originals[index % len(originals)]
            published = newest - timedelta(minutes=7 * index)
            slug = f"{base.slug}-{index}"
            paragraphs = (base.paragraphs[0], *rng.sample(pool, min(len(pool), rng.randint(3, 6))))
            made.append(
                replace(
                    base,
                    post_id=10_000_000 + index,
                    slug=slug,
                    path=base.path.replace(base.slug, slug),
                    title=f"{base.title} ({index})",
                    paragraphs=paragraphs,
                    published=published,
                    modified=published,
                    see_also=None,
                )
            )
        sites.append(
            replace(
                site,
                articles=tuple(made),
                faults=(),
                sitemap="urlset",
                crawl_delay=None,
                disallow=(),
                home_size=20,
                listing_size=20,
            )
        )
    return replace(web, sites=tuple(sites))


def _serve_worker(web: Any, sockets: list[socket.socket], bases: list[str], pages: Any) -> None:
    from aiohttp import web as aioweb

    from kabar.demo.http import conditional

    cache: dict[tuple[int, str], Any] = dict(pages)

    def handler(index: int) -> Any:
        site = web.sites[index]

        async def answer(request: aioweb.Request) -> aioweb.Response:
            target = request.path_qs
            response = cache.get((index, target))
            if response is None:
                response = cache[index, target] = site.render(target, bases[index])
            response = conditional(response, request.headers)
            headers = {"Content-Type": response.content_type, **response.headers}
            return aioweb.Response(status=response.status, body=response.body, headers=headers)

        return answer

    async def main() -> None:
        runners = []
        for index, sock in enumerate(sockets):
            app = aioweb.Application()
            app.router.add_get("/{path:.*}", handler(index))
            runner = aioweb.AppRunner(app, access_log=None)
            await runner.setup()
            await aioweb.SockSite(runner, sock).start()
            runners.append(runner)
        await asyncio.Event().wait()

    asyncio.run(main())


def start_server(web: Any, workers: int) -> tuple[list[str], list[Any]]:
    """Pre-fork ``workers`` processes accepting on one socket per site; article pages
    are rendered once, before the fork, and shared copy-on-write."""
    from kabar.demo.themes import for_site

    sockets, bases = [], []
    for _ in web.sites:
        sock = socket.socket()
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", 0))
        sock.listen(1024)
        sock.setblocking(False)
        sockets.append(sock)
        bases.append(f"http://127.0.0.1:{sock.getsockname()[1]}/")
    from kabar.demo.http import HTML, MockResponse

    pages = {}
    for index, site in enumerate(web.sites):
        theme = for_site(site, bases[index])
        for article in site.articles:
            pages[index, article.path] = MockResponse(
                200, HTML, theme.article_page(article).encode()
            )
    context = multiprocessing.get_context("fork")
    processes = [
        context.Process(target=_serve_worker, args=(web, sockets, bases, pages), daemon=True)
        for _ in range(workers)
    ]
    for process in processes:
        process.start()
    return bases, processes


async def _blast(urls: list[str], concurrency: int) -> float:
    import aiohttp

    queue = list(urls)
    async with aiohttp.ClientSession() as session:

        async def worker() -> None:
            while queue:
                url = queue.pop()
                async with session.get(url) as response:
                    await response.read()

        started = time.monotonic()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        return len(urls) / (time.monotonic() - started)


def server_speed(web: Any, bases: list[str], sample: int = 2000) -> float:
    """The server's pages/s for article pages with a plain client at 64 connections."""
    urls = [
        a.url(bases[i]) for i, site in enumerate(web.sites) for a in site.articles[: sample // 4]
    ]
    return asyncio.run(_blast(urls, 64))


# -- the crawlers (each run in a child process) ----------------------------------------


def _cpu() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def _own_cpu() -> float:
    """CPU of this process alone: the crawl's reactor and writer threads, not its
    extraction workers."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    return own.ru_utime + own.ru_stime


def _run_peer(kind: str, bases: list[str], out: Path) -> None:
    import scrapy
    from scrapy.crawler import CrawlerProcess
    from scrapy.spiders import SitemapSpider

    extract: Any = None
    if kind == "trafilatura":
        from trafilatura import bare_extraction

        extract = bare_extraction

    class Peer(SitemapSpider):
        name = "peer"
        sitemap_urls = [f"{b}sitemap.xml" for b in bases]  # noqa: RUF012

        def parse(self, response: scrapy.http.Response) -> Any:
            if extract is None:
                yield {"url": response.url, "title": response.css("title::text").get()}
            else:
                doc = extract(response.text, url=response.url, with_metadata=True)
                yield {"url": response.url, "title": getattr(doc, "title", None)}

    process = CrawlerProcess({**RELAXED, "ROBOTSTXT_OBEY": True, "USER_AGENT": "bench"})
    crawler = process.create_crawler(Peer)
    process.crawl(crawler)
    cpu0, t0 = _cpu(), time.monotonic()
    process.start()
    stats = crawler.stats.get_stats() if crawler.stats else {}
    pages = int(stats.get("item_scraped_count", 0)) - len(bases)  # the homepages are listed
    out.write_text(
        json.dumps(
            {"pages": pages, "wall": time.monotonic() - t0, "cpu0": cpu0, "errors": _errors(stats)}
        )
    )


def _errors(stats: dict[str, Any]) -> int:
    return sum(
        int(v)
        for k, v in stats.items()
        if k.startswith(("downloader/exception_count", "spider_exceptions/", "kabar/errors/"))
    )


def _run_kabar(bases: list[str], articles: int, db_url: str, out: Path) -> None:
    from crawler.sites import load_sites
    from kabar.crawl import run_crawl

    lines = []
    for name, base in zip(SITES, bases, strict=True):
        lines += [
            "[[site]]",
            f'name = "{name}"',
            f'url = "{base}"',
            'skip_strategies = ["wp_rest", "feed", "listing"]',
            "max_age_days = 36500",
            f"max_articles = {articles}",
            f"max_requests = {2 * articles + 100}",
            "",
        ]
    sites_file = out.with_suffix(".toml")
    sites_file.write_text("\n".join(lines))
    sql = _count_sql()
    own0 = _own_cpu()
    cpu0, t0 = _cpu(), time.monotonic()
    report = run_crawl(load_sites(sites_file), db_url=db_url, overrides=RELAXED, quiet=True)
    wall = time.monotonic() - t0
    crawl_cpu = _own_cpu() - own0
    pages = sum(s.new + s.updated + s.unchanged + s.dropped for s in report.sites)
    errors = sum(sum(s.errors.values()) for s in report.sites)
    result = {"pages": pages, "wall": wall, "cpu0": cpu0, "errors": errors}
    result["crawl_cpu"] = crawl_cpu
    stored = max(1, sum(s.new + s.updated for s in report.sites))
    result.update({f"{kind}_per_article": n / stored for kind, n in sql.items() if kind in _TOTALS})
    if os.environ.get("KABAR_BENCH_SQL"):  # which statements, per stored article
        kinds = sorted(((n, k) for k, n in sql.items() if k not in _TOTALS), reverse=True)
        for n, kind in kinds[:25]:
            print(f"#   {n / stored:6.2f}  {kind}", file=sys.stderr)
    result.update(_archive_bytes(db_url))
    out.write_text(json.dumps(result))


_TOTALS = ("statements", "commits")


def _count_sql() -> dict[str, int]:
    """Count, in this process, the SQL statements sent to the database (an
    ``executemany`` is one round trip, so one statement; BEGIN and savepoints count)
    and the commits: the archive's cost per stored article."""
    from sqlalchemy import event
    from sqlalchemy.engine import Engine

    counts = dict.fromkeys(_TOTALS, 0)

    def statement(_conn: Any, _cursor: Any, sql: str, *_args: Any) -> None:
        counts["statements"] += 1
        table = re.search(r"\b(?:FROM|INTO|UPDATE)\s+(\w+)", sql)
        kind = f"{sql.split(maxsplit=1)[0] if sql.strip() else ''} {table[1] if table else ''}"
        counts[kind] = counts.get(kind, 0) + 1

    def commit(*_args: Any) -> None:
        counts["commits"] += 1

    event.listen(Engine, "before_cursor_execute", statement)
    event.listen(Engine, "commit", commit)
    return counts


def _archive_bytes(db_url: str) -> dict[str, float]:
    """Evidence bytes per stored article (compressed blobs) and, on SQLite, the whole file's."""
    from sqlalchemy import create_engine, text

    engine = create_engine(db_url)
    with engine.connect() as connection:
        articles = connection.execute(text("SELECT count(*) FROM articles")).scalar_one() or 1
        blobs = connection.execute(
            text("SELECT coalesce(sum(length(data)), 0) FROM fetch_blobs")
        ).scalar_one()
    engine.dispose()
    sizes = {"evidence_kb": blobs / articles / 1024}
    if db_url.startswith("sqlite:///"):
        path = Path(db_url.removeprefix("sqlite:///"))
        total = sum(p.stat().st_size for p in path.parent.glob(path.name + "*"))
        sizes["archive_kb"] = total / articles / 1024
    return sizes


def sample_until_exit(child: subprocess.Popen[Any], *, interval_s: float) -> tuple[int, int]:
    """Peak memory (PSS: pages shared by forked workers counted once) and peak open fds of
    ``child`` and its descendants, sampled until it exits."""
    import psutil  # type: ignore[import-untyped]

    root = psutil.Process(child.pid)
    peak_rss = peak_fds = 0
    while child.poll() is None:
        rss = fds = 0
        try:
            for proc in [root, *root.children(recursive=True)]:
                try:
                    rss += proc.memory_full_info().pss
                    fds += proc.num_fds()
                except psutil.Error:
                    pass
        except psutil.Error:
            pass
        peak_rss, peak_fds = max(peak_rss, rss), max(peak_fds, fds)
        time.sleep(interval_s)
    return peak_rss, peak_fds


def measure(command: list[str], out: Path) -> dict[str, Any]:
    """Run one crawler process; its figures, with CPU, peak RSS and fds seen from here."""

    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    child = subprocess.Popen(command, cwd=PROJECT_ROOT)
    peak_rss, peak_fds = sample_until_exit(child, interval_s=0.25)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if child.returncode != 0:
        raise SystemExit(f"{' '.join(command)} exited {child.returncode}")
    result: dict[str, Any] = json.loads(out.read_text())
    total_cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    result["cpu"] = total_cpu - result.pop("cpu0")
    result["rss_mb"] = peak_rss / 2**20
    result["fds"] = peak_fds
    return result


def _postgres_db() -> tuple[str, str]:
    import psycopg

    server = os.environ.get(
        "KABAR_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1/test"
    )
    name = f"kabar_throughput_{os.getpid()}"
    admin = server.replace("postgresql+psycopg", "postgresql").rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
        connection.execute(f'CREATE DATABASE "{name}"')
    return server.rsplit("/", 1)[0] + f"/{name}", admin


def _drop_postgres(name: str, admin: str) -> None:
    import psycopg

    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def bench(
    articles: int, dbs: list[str], peers: bool, workdir: Path, profile: Path | None = None
) -> list[dict[str, Any]]:
    web = build_bench_web(articles)
    bases, servers = start_server(web, SERVER_WORKERS)
    rows: list[dict[str, Any]] = []
    try:
        time.sleep(1.0)
        speed = server_speed(web, bases)
        print(f"# {articles} articles: server {speed:.0f} pages/s (plain client, 64 connections)")
        runs: list[tuple[str, list[str]]] = []
        # -P: not the benchmarks folder first on sys.path (benchmarks/archive.py is no archive)
        me = [sys.executable, "-P", str(Path(__file__).resolve())]
        cleanup = []
        for db in dbs:
            if db == "sqlite":
                url = f"sqlite:///{workdir / f'kabar-{articles}.db'}"
            else:
                url, admin = _postgres_db()
                cleanup.append((urlsplit(url).path.lstrip("/"), admin))
            command = [*me, "--_run", "kabar", "--_db", url]
            if profile is not None:  # the crawl process (not its workers) in py-spy's view
                flame = profile / f"kabar-{db}-{articles}.txt"
                command = [_py_spy(), "record", "-r", "100", "-f", "raw", "-o", str(flame), "--"]
                command += [*me, "--_run", "kabar", "--_db", url]
            runs.append((f"kabar ({db})", command))
        if peers:
            runs.append(("scrapy", [*me, "--_run", "scrapy"]))
            runs.append(("scrapy+trafilatura", [*me, "--_run", "trafilatura"]))
        for label, command in runs:
            out = workdir / f"{label.split()[0]}-{articles}-{len(rows)}.json"
            command += ["--_out", str(out), "--_bases", *bases, "--articles", str(articles)]
            result = measure(command, out)
            result.update(crawler=label, articles=articles, server=speed)
            rows.append(result)
            _print_row(result)
        for name, admin in cleanup:
            _drop_postgres(name, admin)
        _print_ratios(rows)
    finally:
        for process in servers:
            process.kill()
            process.join()
    return rows


def _py_spy() -> str:
    found = shutil.which("py-spy") or shutil.which("py-spy", path=str(Path(sys.executable).parent))
    if found is None:
        raise SystemExit("--profile needs py-spy (pip install py-spy)")
    return found


def _print_ratios(rows: list[dict[str, Any]]) -> None:
    """The claims, as ratios of the same run: kabar against Scrapy + trafilatura, and
    kabar on PostgreSQL against kabar on SQLite."""
    speed = {row["crawler"]: row["pages"] / row["wall"] for row in rows}
    peer = speed.get("scrapy+trafilatura")
    for label in ("kabar (sqlite)", "kabar (postgres)"):
        if label in speed and peer:
            print(f"# {label} / scrapy+trafilatura: {speed[label] / peer:.2f}x pages/s")
    if "kabar (sqlite)" in speed and "kabar (postgres)" in speed:
        ratio = speed["kabar (postgres)"] / speed["kabar (sqlite)"]
        print(f"# kabar postgres / sqlite: {ratio:.2f}x pages/s", flush=True)


def _print_row(row: dict[str, Any]) -> None:
    pages = max(1, row["pages"])
    split = ""
    if "crawl_cpu" in row:  # the crawl process itself, and its extraction workers
        split = (
            f" (crawl process {1000 * row['crawl_cpu'] / pages:.1f},"
            f" workers {1000 * (row['cpu'] - row['crawl_cpu']) / pages:.1f})"
        )
    print(
        f"{row['articles']:>6} {row['crawler']:<20} pages {row['pages']:>6}  "
        f"wall {row['wall']:7.1f} s  {row['pages'] / row['wall']:6.1f} pages/s  "
        f"CPU {1000 * row['cpu'] / pages:6.1f} ms/page{split}  peak RSS {row['rss_mb']:6.0f} MB  "
        f"fds {row['fds']:>4}  errors {row['errors']}"
        + (
            f"  SQL {row['statements_per_article']:.1f} statements"
            f" {row['commits_per_article']:.2f} commits/article"
            if "statements_per_article" in row
            else ""
        )
        + (f"  evidence {row['evidence_kb']:.1f} KB/article" if "evidence_kb" in row else "")
        + (f"  archive {row['archive_kb']:.1f} KB/article" if "archive_kb" in row else ""),
        flush=True,
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, action="append", help="articles in all (repeat)")
    parser.add_argument("--db", nargs="+", default=["sqlite"], choices=["sqlite", "postgres"])
    parser.add_argument("--no-peers", action="store_true", help="kabar only")
    parser.add_argument(
        "--profile", type=Path, help="record kabar's crawl process with py-spy into this folder"
    )
    parser.add_argument("--_run", help=argparse.SUPPRESS)
    parser.add_argument("--_db", help=argparse.SUPPRESS)
    parser.add_argument("--_out", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--_bases", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args._run == "kabar":
        _run_kabar(args._bases, args.articles[0], args._db, args._out)
        return 0
    if args._run:
        _run_peer(args._run, args._bases, args._out)
        return 0
    with tempfile.TemporaryDirectory(prefix="kabar-throughput-") as tmp:
        for articles in args.articles or [1000]:
            bench(articles, args.db, not args.no_peers, Path(tmp), args.profile)
    return 0


if __name__ == "__main__":
    sys.exit(main())
