"""Benchmark: search latency and export cost of a large SQLite archive.

Generates a synthetic archive of N articles (default 1,000,000) with Indonesian-like
text of realistic length (titles of 6-14 words, leads of one sentence, bodies of
4-9 paragraphs, about 2,500 characters), 20 sites in 20 regions, topics, tags and
region terms; rows go in through plain ``executemany`` with the archive's real schema
(migrations applied, so the FTS5 triggers index every row as a crawl would), and
the FTS5 index is then optimized, as docs/schema.md advises after a bulk load.

Then it prints:

* search latency p50/p95/max over 100 queries (1-3 words and phrases, half of them
  with site/topic/region/date filters), through ``archive.search.search``;
* the peer comparison: the same kind of query as ``LIKE '%word%'`` over a 10,000
  article subset, as a ratio against FTS over the whole archive;
* JSONL export throughput (articles/s) and peak memory (max RSS of a fresh process
  that runs only the export).

    .venv/bin/python benchmarks/archive.py                 # 1M articles (~5 GB file)
    .venv/bin/python benchmarks/archive.py --n 100000 --db /tmp/kabar-100k.db

An existing ``--db`` with N articles is reused (``--rebuild`` regenerates it;
``--optimize`` optimizes its index first, for a file built before that step).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import inspect  # noqa: E402

from archive.db import make_engine, make_sessionmaker, upgrade  # noqa: E402
from archive.search import search  # noqa: E402


def words(text: str, separator: str | None = None) -> list[str]:
    return text.split(separator)


# Function words first: they lead the Zipf ranks, as in real Indonesian text.
FUNCTION_WORDS = words(
    "yang dan di ini itu dengan untuk dari dalam akan pada juga tidak ke ada oleh karena "
    "telah sudah bahwa atau saat masih bisa kata para lebih hal tersebut sebagai serta "
    "menjadi secara agar namun dapat hingga kami mereka sementara"
)
CONTENT_WORDS = words(
    "pemerintah kabupaten kota provinsi desa kecamatan warga masyarakat bupati wali "
    "gubernur camat kepala dinas rapat koordinasi pembangunan jalan jembatan banjir "
    "longsor hujan sungai sekolah siswa guru rumah sakit pasien dokter kesehatan "
    "pendidikan anggaran dana bantuan sosial polisi polres tersangka kasus hukum "
    "pengadilan jaksa pemilu pilkada partai calon suara petani sawah padi kopi karet "
    "sawit harga pasar pedagang nelayan ikan laut pantai wisata festival budaya adat "
    "masjid gereja ibadah olahraga sepak bola pertandingan juara tim pemuda kegiatan "
    "program layanan publik air bersih listrik internet teknologi digital ekonomi usaha "
    "kecil menengah investasi pajak daerah pusat nasional regional kebakaran hutan lahan "
    "lingkungan sampah vaksin posyandu stunting gizi anak ibu keluarga palembang "
    "banyuasin musi lahat prabumulih lubuklinggau pagaralam ogan ilir komering jambi "
    "bengkulu lampung padang medan pekanbaru pontianak makassar"
)
SYLLABLES = words(
    "ba be bi bu ka ke ki ku la le li lu ma me mi mu na ne ni nu pa pe pi pu ra re ri ru "
    "sa se si su ta te ti tu ga gi gu ja ji ju da di du ha hi ngan nya an ang ar as at in "
    "ing ir is it un ung ur us"
)
TOPICS = words(
    "Pemerintahan Politik Ekonomi Hukum Pendidikan Kesehatan Olahraga Budaya Lingkungan "
    "Bencana Pertanian Teknologi"
)
REGIONS = words(
    "Sumatera Selatan|Jambi|Bengkulu|Lampung|Sumatera Barat|Sumatera Utara|Riau|"
    "Kalimantan Barat|Sulawesi Selatan|Jawa Barat|Jawa Tengah|Jawa Timur|Bali|Aceh|"
    "Kepulauan Riau|Banten|Nusa Tenggara Barat|Papua|Maluku|Gorontalo",
    "|",
)
REGENCIES = [f"Kabupaten {name.capitalize()}" for name in CONTENT_WORDS[-26:]]
VOCABULARY_SIZE = 60_000
START = datetime(2019, 1, 1, tzinfo=UTC)
SPAN_S = 6 * 365 * 24 * 3600
BATCH = 5_000


def vocabulary(rng: random.Random) -> list[str]:
    vocab = list(dict.fromkeys(FUNCTION_WORDS + CONTENT_WORDS))
    seen = set(vocab)
    while len(vocab) < VOCABULARY_SIZE:
        word = "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4)))
        if word not in seen:
            seen.add(word)
            vocab.append(word)
    return vocab


class TextMaker:
    """Zipf-distributed words (s = 1), so common words are common and names are rare."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.words = vocabulary(rng)
        weights = [1.0 / rank for rank in range(1, len(self.words) + 1)]
        total = 0.0
        self.cum: list[float] = []
        for weight in weights:
            total += weight
            self.cum.append(total)

    def sentence(self, low: int = 8, high: int = 20) -> str:
        words = self.rng.choices(self.words, cum_weights=self.cum, k=self.rng.randint(low, high))
        return words[0].capitalize() + " " + " ".join(words[1:]) + "."

    def paragraph(self) -> str:
        return " ".join(self.sentence() for _ in range(self.rng.randint(2, 4)))


def article_rows(
    n: int, columns: set[str], site_count: int, seed: int
) -> Iterator[tuple[dict[str, Any], list[tuple[int, int]]]]:
    """(articles row, [(term_id, position)]) for ids 1..n; terms use fixed ids (see build)."""
    rng = random.Random(seed)
    text = TextMaker(rng)
    now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
    for article_id in range(1, n + 1):
        site = rng.randrange(site_count) + 1
        title = text.sentence(6, 14).rstrip(".")
        paragraphs = [text.paragraph() for _ in range(rng.randint(4, 9))]
        lead = paragraphs[0].split(". ")[0] + "."
        published = START + timedelta(seconds=rng.randrange(SPAN_S))
        stamp = published.strftime("%Y-%m-%d %H:%M:%S.%f")
        url = f"https://site{site:02d}.example.id/{published:%Y/%m/%d}/berita-{article_id}/"
        row: dict[str, Any] = {
            "id": article_id,
            "site_id": site,
            "url": url,
            "canonical_url": url,
            "title": title,
            "authors": json.dumps(["Redaksi"]),
            "published_at": stamp,
            "modified_at": None,
            "body": "\n".join(paragraphs),
            "body_html": "".join(f"<p>{p}</p>" for p in paragraphs),
            "body_hash": None,
            "lead": lead,
            "image_url": None,
            "language": "id",
            "location": None,
            "fetched_at": stamp,
            "first_seen_at": now,
            "updated_at": now,
        }
        if "url_key" in columns:
            row["url_key"] = url.removeprefix("https://")
        if "story_id" in columns:
            row["story_id"] = article_id
        topics = rng.sample(range(1, len(TOPICS) + 1), rng.randint(1, 2))
        regency = len(TOPICS) + 1 + rng.randrange(len(REGENCIES))
        terms = [(term, position) for position, term in enumerate([*topics, regency])]
        yield {k: v for k, v in row.items() if k in columns}, terms


def build(db_path: Path, n: int, seed: int) -> None:
    if db_path.exists():
        db_path.unlink()
    engine = make_engine(f"sqlite:///{db_path}")
    upgrade(engine)
    columns = {c["name"] for c in inspect(engine).get_columns("articles")}
    raw: Any = engine.raw_connection()
    cursor = raw.cursor()
    cursor.execute("PRAGMA synchronous=OFF")
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
    cursor.executemany(
        "INSERT INTO sites (id, name, url, region, language, timezone, created_at) "
        "VALUES (?, ?, ?, ?, 'id', 'Asia/Jakarta', ?)",
        [
            (i + 1, f"site{i + 1:02d}", f"https://site{i + 1:02d}.example.id/", region, stamp)
            for i, region in enumerate(REGIONS)
        ],
    )
    terms = [("topic", name) for name in TOPICS] + [("region", name) for name in REGENCIES]
    cursor.executemany(
        "INSERT INTO terms (id, kind, name) VALUES (?, ?, ?)",
        [(i + 1, kind, name) for i, (kind, name) in enumerate(terms)],
    )
    article_sql = None
    started = time.perf_counter()
    batch: list[dict[str, Any]] = []
    links: list[tuple[int, int, int]] = []

    def flush() -> None:
        nonlocal article_sql
        if not batch:
            return
        if article_sql is None:
            names = list(batch[0])
            article_sql = (
                f"INSERT INTO articles ({', '.join(names)}) "
                f"VALUES ({', '.join(':' + name for name in names)})"
            )
        cursor.executemany(article_sql, batch)
        cursor.executemany(
            "INSERT INTO article_terms (article_id, term_id, position) VALUES (?, ?, ?)", links
        )
        raw.commit()
        batch.clear()
        links.clear()

    for row, row_terms in article_rows(n, columns, len(REGIONS), seed):
        batch.append(row)
        links.extend((row["id"], term, position) for term, position in row_terms)
        if len(batch) >= BATCH:
            flush()
            done = row["id"]
            if done % 100_000 == 0:
                rate = done / (time.perf_counter() - started)
                print(f"  {done:,} articles ({rate:,.0f}/s)", file=sys.stderr, flush=True)
    flush()
    optimize(cursor)
    cursor.execute("ANALYZE")
    raw.commit()
    raw.close()
    engine.dispose()
    elapsed = time.perf_counter() - started
    size_gb = db_path.stat().st_size / 1e9
    print(f"generated {n:,} articles in {elapsed:.0f} s ({n / elapsed:,.0f}/s), {size_gb:.1f} GB")


def optimize(cursor: Any) -> None:
    """Merge the FTS5 index into one segment, as an archivist would after a bulk load.

    Rows inserted one by one leave the index in many segments that every query reads
    and merges; merged, phrases of common words and rare terms are about twice as fast
    (about 20 s for a million articles)."""
    started = time.perf_counter()
    cursor.execute("INSERT INTO articles_fts (articles_fts) VALUES ('optimize')")
    cursor.connection.commit()
    elapsed = time.perf_counter() - started
    print(f"optimized the full-text index in {elapsed:.0f} s", file=sys.stderr, flush=True)


def make_queries(db_path: Path, count: int, seed: int) -> list[tuple[str, dict[str, Any]]]:
    """1-3 content words and phrases taken from stored bodies, half with a filter."""
    rng = random.Random(seed + 1)
    text = TextMaker(random.Random(seed))
    content = text.words[len(FUNCTION_WORDS) : 20_000]  # rank > function words
    import sqlite3

    connection = sqlite3.connect(db_path)
    max_id = connection.execute("SELECT max(id) FROM articles").fetchone()[0]
    filters: list[dict[str, Any]] = [
        {"sites": [f"site{rng.randint(1, len(REGIONS)):02d}"]},
        {"topics": [rng.choice(TOPICS)]},
        {"regions": [rng.choice(REGIONS)]},
        {"since": datetime(2022, 1, 1).date(), "until": datetime(2022, 12, 31).date()},
    ]
    queries: list[tuple[str, dict[str, Any]]] = []
    for index in range(count):
        kind = index % 5
        if kind == 4:  # a phrase that occurs in some stored body
            body = connection.execute(
                "SELECT body FROM articles WHERE id = ?", (rng.randint(1, max_id),)
            ).fetchone()[0]
            words = body.replace(".", "").split()
            start = rng.randrange(len(words) - 3)
            query = '"' + " ".join(words[start : start + rng.randint(2, 3)]) + '"'
        else:
            query = " ".join(
                rng.choices(content, weights=[1 / (r + 50) for r in range(len(content))])[0]
                for _ in range(kind % 3 + 1)
            )
        queries.append((query, filters[index % 8 // 2] if index % 2 else {}))
    connection.close()
    return queries


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(pct / 100 * (len(ordered) - 1)))]


def measure_search(db_path: Path, queries: list[tuple[str, dict[str, Any]]]) -> list[float]:
    engine = make_engine(f"sqlite:///{db_path}")
    factory = make_sessionmaker(engine)
    timings: list[float] = []
    with factory() as session:
        for query, filters in queries[:10]:  # warm the page cache a little
            search(session, query, **filters)
        for query, filters in queries:
            started = time.perf_counter()
            search(session, query, **filters)
            timings.append((time.perf_counter() - started) * 1000)
    engine.dispose()
    return timings


def measure_like(db_path: Path, queries: list[tuple[str, dict[str, Any]]], subset: int) -> float:
    """Median ms of the naive peer: LIKE '%word%' on title and body of ``subset`` rows."""
    import sqlite3

    connection = sqlite3.connect(db_path)
    timings = []
    for query, _ in queries[:20]:
        words = query.strip('"').split()
        where = " AND ".join("(title LIKE ? OR body LIKE ?)" for _ in words)
        params: list[Any] = [subset]
        for word in words:
            params += [f"%{word}%", f"%{word}%"]
        started = time.perf_counter()
        connection.execute(
            f"SELECT id FROM (SELECT id, title, body FROM articles WHERE id <= ?) "
            f"WHERE {where} LIMIT 20",
            params,
        ).fetchall()
        timings.append((time.perf_counter() - started) * 1000)
    connection.close()
    return statistics.median(timings)


def export_only(db_path: Path) -> None:
    """Child process: export everything as JSONL to /dev/null; print rate and peak RSS."""
    from archive.export import export_jsonl

    engine = make_engine(f"sqlite:///{db_path}")
    factory = make_sessionmaker(engine)
    started = time.perf_counter()
    with factory() as session, open(os.devnull, "w", encoding="utf-8") as out:
        count = export_jsonl(session, out)
    elapsed = time.perf_counter() - started
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    print(json.dumps({"count": count, "seconds": elapsed, "peak_mb": peak_mb}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=1_000_000, help="articles to generate")
    parser.add_argument("--db", type=Path, help="SQLite file (default: a temporary file)")
    parser.add_argument("--rebuild", action="store_true", help="regenerate an existing --db")
    parser.add_argument(
        "--optimize", action="store_true", help="optimize the FTS index of a reused --db first"
    )
    parser.add_argument("--queries", type=int, default=100)
    parser.add_argument("--like-subset", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--skip-export", action="store_true")
    parser.add_argument("--export-only", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.export_only:
        export_only(args.db)
        return
    db_path = args.db or Path(tempfile.gettempdir()) / f"kabar-bench-{args.n}.db"
    existing = 0
    if db_path.exists() and not args.rebuild:
        import sqlite3

        with sqlite3.connect(db_path) as connection:
            existing = connection.execute("SELECT count(*) FROM articles").fetchone()[0]
    if existing != args.n:
        build(db_path, args.n, args.seed)
    else:
        print(f"reusing {db_path} ({existing:,} articles)")
        if args.optimize:
            import sqlite3

            with sqlite3.connect(db_path) as connection:
                optimize(connection.cursor())

    queries = make_queries(db_path, args.queries, args.seed)
    timings = measure_search(db_path, queries)
    p50, p95 = percentile(timings, 50), percentile(timings, 95)
    print(
        f"search over {args.n:,} articles, {len(timings)} queries: "
        f"p50 {p50:.1f} ms, p95 {p95:.1f} ms, max {max(timings):.1f} ms "
        f"(target p95 < 100 ms: {'PASS' if p95 < 100 else 'FAIL'})"
    )
    for label, subset in (("without filters", 0), ("with filters", 1)):
        part = [t for i, t in enumerate(timings) if i % 2 == subset]
        print(f"  {label}: p50 {percentile(part, 50):.1f} ms, p95 {percentile(part, 95):.1f} ms")
    slowest = sorted(range(len(timings)), key=timings.__getitem__, reverse=True)[:5]
    print(
        "  slowest: "
        + "; ".join(
            f"{queries[i][0]} {', '.join(queries[i][1]) or 'unfiltered'} {timings[i]:.0f} ms"
            for i in slowest
        )
    )
    like_ms = measure_like(db_path, queries, args.like_subset)
    subset = min(args.like_subset, args.n)
    scaled = like_ms * args.n / subset
    print(
        f"peer: LIKE '%word%' over {subset:,} articles: median {like_ms:.1f} ms "
        f"(~{scaled:,.0f} ms scaled to {args.n:,}); FTS over all {args.n:,} is "
        f"{like_ms / p50:,.1f}x faster than LIKE over {subset / args.n:.1%} of them, "
        f"~{scaled / p50:,.0f}x at equal size"
    )
    if args.skip_export:
        return
    child = subprocess.run(
        [sys.executable, __file__, "--export-only", "--db", str(db_path)],
        capture_output=True,
        text=True,
        check=True,
    )
    result = json.loads(child.stdout.strip().splitlines()[-1])
    print(
        f"JSONL export: {result['count']:,} articles in {result['seconds']:.0f} s "
        f"({result['count'] / result['seconds']:,.0f} articles/s), peak memory "
        f"{result['peak_mb']:.0f} MB (target < 300 MB: "
        f"{'PASS' if result['peak_mb'] < 300 else 'FAIL'})"
    )


if __name__ == "__main__":
    main()
