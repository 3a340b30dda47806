"""Incremental crawling, measured: requests per site on a first crawl, on a re-crawl with
nothing changed, and on a re-crawl after the mock web advanced a day (k new articles,
one edited), against a peer run in the same process: a non-incremental crawler that
re-crawls from scratch (a fresh archive) after the same advance.

Run: python benchmarks/recrawl.py
Requests are counted by the mock web server itself (robots.txt and retries included).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from kabar.demo import serve_mockweb_subprocess, write_sites_toml
from kabar.demo.process import ServedMockWeb
from kabar.demo.web import build_web

PROJECT_ROOT = Path(__file__).resolve().parents[1]
FAST = [
    "--set", "AUTOTHROTTLE_ENABLED=False",
    "--set", "DOWNLOAD_DELAY=0",
    "--set", "CONCURRENT_REQUESTS_PER_DOMAIN=8",
    "--set", "DOWNLOAD_TIMEOUT=5",
    "--set", "KABAR_BACKOFF_BASE_S=0.1",
]  # fmt: skip


def crawl(sites: Path, db: Path) -> tuple[dict[str, str], float]:
    """One `kabar crawl` (a process of its own: Twisted's reactor runs once);
    returns each site's strategy and the wall time."""
    started = time.monotonic()
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "kabar.cli",
            "crawl",
            "--sites",
            str(sites),
            "--db",
            f"sqlite:///{db}",
            *FAST,
        ],
        capture_output=True,
        text=True,
        cwd=PROJECT_ROOT,
        check=False,
    )
    elapsed = time.monotonic() - started
    strategies = {}
    for line in result.stdout.splitlines():
        name, _, rest = line.partition(": strategy ")
        if rest:
            strategies[name] = rest.split(",", 1)[0]
    if result.returncode not in (0, 3):
        raise SystemExit(f"crawl failed ({result.returncode}): {result.stderr[-2000:]}")
    return strategies, elapsed


def requests_by_site(web: ServedMockWeb) -> dict[str, int]:
    stats: dict[str, Any] = web.stats()["sites"]
    return {name: int(counts["requests"]) for name, counts in stats.items()}


def main(argv: list[str] | None = None) -> int:
    argparse.ArgumentParser(description=__doc__).parse_args(argv)
    # The web's clock runs a day behind ours, so its "next day" is today: new articles
    # appear after the previous crawl, as they do on a real site.
    start = datetime.now(UTC) - timedelta(days=1, minutes=30)
    with tempfile.TemporaryDirectory() as tmp, serve_mockweb_subprocess(now=start) as web:
        work = Path(tmp)
        sites = write_sites_toml(web, work / "sites.toml")
        db = work / "kabar.db"
        rows: dict[str, dict[str, Any]] = {name: {} for name in web}

        web.reset_stats()
        strategies, first_s = crawl(sites, db)
        for name, count in requests_by_site(web).items():
            rows[name].update(strategy=strategies.get(name, "?"), first=count)

        web.reset_stats()
        _, same_s = crawl(sites, db)
        for name, count in requests_by_site(web).items():
            rows[name]["unchanged"] = count

        day0 = {(a.site, a.path): a for a in build_web(start).articles(day=0)}
        day = web.advance()
        day1 = build_web(start).articles(day=day)
        for article in day1:
            old = day0.get((article.site, article.path))
            changed = old is None or (old.title, old.body) != (article.title, article.body)
            rows[article.site]["k"] = rows[article.site].get("k", 0) + int(changed)

        web.reset_stats()
        _, next_s = crawl(sites, db)
        for name, count in requests_by_site(web).items():
            rows[name]["after"] = count

        web.reset_stats()
        _, scratch_s = crawl(sites, work / "fresh.db")  # the peer: no memory of run 1
        for name, count in requests_by_site(web).items():
            rows[name]["scratch"] = count

    header = (
        f"{'site':<15} {'strategy':<9} {'first':>6} {'unchanged':>9} {'k':>3} "
        f"{'after k':>8} {'per new':>8} {'limit k+5':>9} {'scratch':>8} {'saved':>7}"
    )
    print(header)
    print("-" * len(header))
    for name, row in sorted(rows.items()):
        k = int(row.get("k", 0))
        per_new = f"{row['after'] / k:.1f}" if k else "-"
        saved = f"{row['scratch'] / max(1, row['after']):.1f}x"
        print(
            f"{name:<15} {row['strategy']:<9} {row['first']:>6} {row['unchanged']:>9} {k:>3} "
            f"{row['after']:>8} {per_new:>8} {k + 5:>9} {row['scratch']:>8} {saved:>7}"
        )
    total_after = sum(r["after"] for r in rows.values())
    total_scratch = sum(r["scratch"] for r in rows.values())
    print(
        f"\nwall time: first {first_s:.1f} s, unchanged {same_s:.1f} s, "
        f"after advance {next_s:.1f} s, from scratch {scratch_s:.1f} s"
    )
    print(
        f"incremental vs from-scratch re-crawl after the advance: {total_after} vs "
        f"{total_scratch} requests ({total_scratch / max(1, total_after):.1f}x fewer)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
