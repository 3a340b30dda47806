"""Benchmark: building every feed of a large archive, in full and after a small crawl.

Generates a synthetic SQLite archive of N articles (default 100,000) over T topics (default
200), 30 regencies and 40 sites, with Indonesian-like text of realistic length (titles of
6-14 words, bodies of 4-9 paragraphs, about 2,500 characters), inserted in bulk through
SQLAlchemy Core ``executemany`` into the archive's real schema (migrations applied). Then,
in one process, it prints:

* the full build: every feed (all, per topic, per region, per site; RSS, Atom and JSON Feed;
  50 entries each), ``index.html`` and ``feeds.opml`` into an empty directory;
* a rebuild with nothing changed (fingerprints only);
* after 100 new articles: the incremental rebuild into the same directory, against its peer,
  a full rebuild of the same archive into an empty directory, as a ratio; both outputs are
  compared byte for byte;
* the peer for rendering: bare feedgen rendering the same entries (RSS and Atom, no
  sanitizing or workarounds) against kabar's renderers.

    .venv/bin/python benchmarks/feeds.py                       # 100k articles, 200 topics
    .venv/bin/python benchmarks/feeds.py --n 20000 --topics 50 --db /tmp/kabar-feeds.db
"""

from __future__ import annotations

import argparse
import filecmp
import json
import random
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from feedgen.feed import FeedGenerator  # noqa: E402
from sqlalchemy import Engine, func, insert, select  # noqa: E402

from archive import models  # noqa: E402
from archive.db import make_engine, make_sessionmaker, session_scope, upgrade  # noqa: E402
from benchmarks.archive import CONTENT_WORDS, TextMaker  # noqa: E402
from feeds.build import clear_cache, render_atom, render_rss  # noqa: E402
from feeds.collect import collect_feeds, plan_feeds  # noqa: E402
from feeds.publish import PublishReport, publish  # noqa: E402

BASE_URL = "https://kabar.example.id/feeds/"
SITES = 40
REGENCIES = [f"Kabupaten {word.capitalize()}" for word in CONTENT_WORDS[-30:]]
START = datetime(2021, 1, 1, tzinfo=UTC)
SPAN_S = 3 * 365 * 24 * 3600
BATCH = 5_000


def topic_names(count: int) -> list[str]:
    return [f"Topik {number:03d}" for number in range(1, count + 1)]


class Generator:
    """Articles with ids from 1, each in 1-2 topics, one regency and one site."""

    def __init__(self, topics: int, seed: int) -> None:
        self.rng = random.Random(seed)
        self.text = TextMaker(self.rng)
        self.topics = topics
        self.next_id = 1

    def article(self, published: datetime, stamp: datetime) -> tuple[dict[str, Any], list[int]]:
        rng, text, article_id = self.rng, self.text, self.next_id
        self.next_id += 1
        site = rng.randrange(SITES) + 1
        paragraphs = [text.paragraph() for _ in range(rng.randint(4, 9))]
        url = f"https://situs{site:02d}.example.id/{published:%Y/%m/%d}/berita-{article_id}/"
        row = {
            "id": article_id,
            "site_id": site,
            "url": url,
            "canonical_url": url,
            "url_key": url.removeprefix("https://"),
            "story_id": article_id,
            "title": text.sentence(6, 14).rstrip("."),
            "authors": ["Redaksi", text.sentence(2, 2).rstrip(".").title()],
            "published_at": published,
            "body": "\n".join(paragraphs),
            "body_html": "".join(f"<p>{p}</p>" for p in paragraphs),
            "lead": paragraphs[0].split(". ")[0] + ".",
            "image_url": f"https://situs{site:02d}.example.id/foto/{article_id}.jpg",
            "language": "id",
            "fetched_at": stamp,
            "first_seen_at": stamp,
            "updated_at": stamp,
        }
        topics = rng.sample(range(1, self.topics + 1), rng.randint(1, 2))
        regency = self.topics + 1 + rng.randrange(len(REGENCIES))
        return row, [*topics, regency]


def insert_articles(engine: Engine, rows: list[tuple[dict[str, Any], list[int]]]) -> None:
    if not rows:
        return
    with engine.begin() as connection:
        connection.execute(insert(models.Article), [row for row, _ in rows])
        connection.execute(
            insert(models.ArticleTerm),
            [
                {"article_id": row["id"], "term_id": term, "position": position}
                for row, terms in rows
                for position, term in enumerate(terms)
            ],
        )


def build_archive(engine: Engine, n: int, generator: Generator) -> None:
    upgrade(engine)
    now = datetime.now(UTC)
    with engine.begin() as connection:
        connection.execute(
            insert(models.Site),
            [
                {
                    "id": i,
                    "name": f"situs{i:02d}",
                    "url": f"https://situs{i:02d}.example.id/",
                    "region": REGENCIES[i % len(REGENCIES)],
                    "language": "id",
                    "timezone": "Asia/Jakarta",
                    "created_at": now,
                }
                for i in range(1, SITES + 1)
            ],
        )
        terms = [("topic", name) for name in topic_names(generator.topics)]
        terms += [("region", name) for name in REGENCIES]
        connection.execute(
            insert(models.Term),
            [{"id": i, "kind": kind, "name": name} for i, (kind, name) in enumerate(terms, 1)],
        )
    batch: list[tuple[dict[str, Any], list[int]]] = []
    for _ in range(n):
        published = START + timedelta(seconds=generator.rng.randrange(SPAN_S))
        batch.append(generator.article(published, now))
        if len(batch) >= BATCH:
            insert_articles(engine, batch)
            batch.clear()
    insert_articles(engine, batch)
    with engine.begin() as connection:
        connection.exec_driver_sql("ANALYZE")


def timed_publish(engine: Engine, out: Path, topics: list[str]) -> tuple[float, PublishReport]:
    clear_cache()  # each run starts cold, as a `kabar feeds` process does
    started = time.perf_counter()
    with session_scope(make_sessionmaker(engine)) as session:
        report = publish(out, plan_feeds(session, topics=topics), base_url=BASE_URL)
    return time.perf_counter() - started, report


def bare_feedgen(entries: list[Any], fmt: str) -> bytes:
    """The peer: feedgen as its README shows it, none of kabar's cleaning or fixes."""
    fg = FeedGenerator()
    fg.id(BASE_URL)
    fg.title("kabar")
    fg.link(href=BASE_URL, rel="alternate")
    fg.description("kabar")
    for entry in entries:
        fe = fg.add_entry(order="append")
        fe.id(entry.id)
        fe.title(entry.title)
        fe.link(href=entry.link)
        fe.published(entry.published)
        fe.updated(entry.updated)
        fe.description(entry.summary)
        fe.content(entry.content_html, type="html")
    return bytes(fg.rss_str() if fmt == "rss" else fg.atom_str())


def render_peer(engine: Engine, topics: list[str]) -> tuple[float, float, int]:
    """Seconds for kabar's RSS+Atom renderers and for bare feedgen over the same feeds."""
    with session_scope(make_sessionmaker(engine)) as session:
        feeds = list(collect_feeds(session, topics=topics))
    clear_cache()
    started = time.perf_counter()
    for info, entries in feeds:
        render_rss(info, entries, base_url=BASE_URL)
        render_atom(info, entries, base_url=BASE_URL)
    kabar_s = time.perf_counter() - started
    started = time.perf_counter()
    for _, entries in feeds:
        bare_feedgen(entries, "rss")
        bare_feedgen(entries, "atom")
    return kabar_s, time.perf_counter() - started, len(feeds)


def same_tree(left: Path, right: Path) -> bool:
    names = sorted(p.name for p in left.iterdir() if not p.name.startswith("."))
    if names != sorted(p.name for p in right.iterdir() if not p.name.startswith(".")):
        return False
    _, mismatch, errors = filecmp.cmpfiles(left, right, names, shallow=False)
    return not mismatch and not errors


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=100_000, help="articles in the archive")
    parser.add_argument("--topics", type=int, default=200)
    parser.add_argument("--new", type=int, default=100, help="articles added before rebuilding")
    parser.add_argument("--db", type=Path, help="SQLite file (default: a temporary one)")
    parser.add_argument("--seed", type=int, default=20230717)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="kabar-feeds-bench-") as tmp:
        work = Path(tmp)
        db = args.db or work / "kabar.db"
        if db.exists():
            db.unlink()
        engine = make_engine(f"sqlite:///{db}")
        generator = Generator(args.topics, args.seed)
        started = time.perf_counter()
        build_archive(engine, args.n, generator)
        print(
            f"archive: {args.n:,} articles, {args.topics} topics, {len(REGENCIES)} regencies, "
            f"{SITES} sites, generated in {time.perf_counter() - started:.1f} s"
        )
        topics = topic_names(args.topics)
        out = work / "public"
        full_s, report = timed_publish(engine, out, topics)
        print(
            f"full build:            {full_s:7.2f} s  ({report.feeds} feeds, "
            f"{len(report.written)} files)"
        )
        same_s, report = timed_publish(engine, out, topics)
        print(
            f"rebuild, no change:    {same_s:7.2f} s  ({len(report.skipped)} of {report.feeds} "
            f"feeds skipped, {len(report.written)} files written)"
        )
        with session_scope(make_sessionmaker(engine)) as session:
            newest = session.scalar(select(func.max(models.Article.published_at)))
        assert newest is not None
        now = datetime.now(UTC)
        fresh = [
            generator.article(newest.replace(tzinfo=UTC) + timedelta(minutes=i + 1), now)
            for i in range(args.new)
        ]
        insert_articles(engine, fresh)
        incremental_s, report = timed_publish(engine, out, topics)
        rebuilt = report.feeds - len(report.skipped)
        print(
            f"after {args.new} new articles:\n"
            f"  incremental rebuild: {incremental_s:7.2f} s  ({rebuilt} of {report.feeds} feeds "
            f"rebuilt, {len(report.written)} files written)"
        )
        peer = work / "full-after"
        peer_s, _ = timed_publish(engine, peer, topics)
        identical = same_tree(out, peer)
        print(
            f"  full rebuild (peer): {peer_s:7.2f} s  -> incremental is "
            f"{peer_s / incremental_s:.1f}x faster; outputs identical: {identical}"
        )
        kabar_s, feedgen_s, count = render_peer(engine, topics)
        print(
            f"rendering {count} feeds as RSS+Atom: kabar {kabar_s:.2f} s, bare feedgen "
            f"{feedgen_s:.2f} s (kabar/feedgen = {kabar_s / feedgen_s:.1f}x: sanitizing, "
            f"absolute URLs, workarounds)"
        )
        print(json.dumps({"full_s": round(full_s, 3), "incremental_s": round(incremental_s, 3)}))
        engine.dispose()
        if not identical:
            sys.exit(1)


if __name__ == "__main__":
    main()
