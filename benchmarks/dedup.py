"""Near-duplicate detection: quality on the labelled set, and look-up time by archive size.

    python benchmarks/dedup.py                      # quality, then 10k / 100k / 1M
    python benchmarks/dedup.py --sizes 10000,100000 --db sqlite:///tmp/dedup.db

Quality: every pair of ``benchmarks/dedup_set.py`` is judged as the archive judges
it (a shared LSH band, then ``pipelines.near_duplicates.RULE``); precision and
recall are printed per kind of pair. Speed: a synthetic archive grows to each
size (signatures inserted in bulk: random MinHash values and band keys, plus the
labelled originals with their real signatures, and ten ``site_sentences`` rows
each); for each size the time to look up the new article's site boilerplate, sign
it and find its story (``archive.stories.site_boilerplate`` and
``find_near_duplicates``, SQL index look-ups) is printed, and at the smallest size
side by side with brute force (read every stored signature, compare each).
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import random
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
from sqlalchemy import event, insert, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from archive import models
from archive.db import make_engine, make_sessionmaker, upgrade
from archive.stories import (
    MatchRule,
    Signature,
    find_near_duplicates,
    site_boilerplate,
)
from benchmarks.dedup_set import Pair, build_pairs
from pipelines import near_duplicates

QUERIES = 200
SENTENCES_PER_ARTICLE = 10
"""Rows each synthetic article adds to ``site_sentences`` (all one site's)."""


def learn_boilerplate(history: Sequence[str]) -> frozenset[int]:
    """What the archive learns from a site's stored articles: the sentences found in
    at least ``BOILERPLATE_ARTICLES`` of them (``archive.stories.site_boilerplate``)."""
    counts: Counter[int] = Counter()
    for text in history:
        counts.update(set(near_duplicates.sentence_keys(text)))
    return frozenset(k for k, n in counts.items() if n >= near_duplicates.BOILERPLATE_ARTICLES)


class Judge:
    """The archive's decision for a pair: ``a`` stored first (its site's boilerplate as
    learned from its history), then ``b`` (its site's history, plus ``a`` when both are
    the same site's); a shared band, then the rule with the days between them."""

    def __init__(self, rule: MatchRule, *, evidence: bool = True, learn: bool = True) -> None:
        self.rule = rule
        self.evidence = evidence
        self.learn = evidence and learn
        self._learned: dict[tuple[str, ...], frozenset[int]] = {}

    def _boilerplate(self, history: tuple[str, ...]) -> frozenset[int]:
        if not self.learn:
            return frozenset()
        if history not in self._learned:
            self._learned[history] = learn_boilerplate(history)
        return self._learned[history]

    def signatures(self, pair: Pair) -> tuple[Signature, Signature]:
        history_b = pair.history_b + ((pair.a,) if pair.site_a == pair.site_b else ())
        a = near_duplicates.signature(pair.a, boilerplate=self._boilerplate(pair.history_a))
        b = near_duplicates.signature(pair.b, boilerplate=self._boilerplate(history_b))
        assert a is not None and b is not None
        return a, b

    def __call__(self, pair: Pair) -> bool:
        a, b = self.signatures(pair)
        if not set(a.band_keys) & set(b.band_keys):
            return False
        days = pair.days_apart if self.evidence else None
        same_site = self.evidence and pair.site_a == pair.site_b
        return self.rule.score(a, b, days_apart=days, same_site=same_site) is not None


def quality(
    pairs: Sequence[Pair], rule: MatchRule, *, evidence: bool = True, learn: bool = True
) -> tuple[float, float, Counter[str]]:
    """Precision, recall, and the errors by kind of pair (``evidence=False``: the old
    way, whole bodies and no publication times; ``learn=False``: no boilerplate
    learned, as on a first crawl of every site)."""
    judge = Judge(rule, evidence=evidence, learn=learn)
    tp = fp = fn = 0
    errors: Counter[str] = Counter()
    for pair in pairs:
        found = judge(pair)
        if found and pair.duplicate:
            tp += 1
        elif found:
            fp += 1
            errors[pair.kind] += 1
        elif pair.duplicate:
            fn += 1
            errors[pair.kind] += 1
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    return precision, recall, errors


def print_quality(pairs: Sequence[Pair]) -> tuple[float, float]:
    kinds = Counter(p.kind for p in pairs)
    hard = sum(not p.duplicate for p in pairs)
    print(f"labelled set: {len(pairs)} pairs ({hard} hard negatives) {dict(kinds)}")
    print(
        f"{near_duplicates.SHINGLE_WORDS}-word shingles, "
        f"{near_duplicates.BANDS}x{near_duplicates.ROWS} bands, boilerplate = a sentence in "
        f">= {near_duplicates.BOILERPLATE_ARTICLES} of the site's stored articles"
    )
    print(f"  {'rule':<58} {'precision':>9} {'recall':>7}  errors by kind")
    rows = (
        ("old: whole body, containment + numbers", near_duplicates.OLD_RULE, False, False),
        ("new, nothing learned yet (first crawl)", near_duplicates.RULE, True, False),
        ("new: distinctive text + numbers/names/dates/7 days", near_duplicates.RULE, True, True),
    )
    result = (0.0, 0.0)
    for label, rule, evidence, learn in rows:
        precision, recall, errors = quality(pairs, rule, evidence=evidence, learn=learn)
        print(f"  {label:<58} {precision:9.3f} {recall:7.3f}  {dict(errors)}")
        result = (precision, recall)
    print("  per kind (new rule): share judged a copy")
    judge = Judge(near_duplicates.RULE)
    for kind in kinds:
        subset = [p for p in pairs if p.kind == kind]
        linked = sum(judge(p) for p in subset)
        label = "copy" if subset[0].duplicate else "not a copy"
        print(f"    {kind:<20} {label:<11} {linked:>4}/{len(subset)}")
    print("  neighbouring rules (containment, numbers): precision / recall")
    base = near_duplicates.RULE
    for text in (0.25, 0.33, 0.45):
        row = []
        for nums in (0.0, 0.6, 0.9):
            rule = dataclasses.replace(base, containment=text, numbers=nums)
            p, r, _ = quality(pairs, rule)
            row.append(f"({text:.2f}, {nums:.1f}) {p:.3f}/{r:.3f}")
        print("   ", "   ".join(row))
    return result


# --- speed -------------------------------------------------------------------


def _sqlite_bulk_insert(engine: Engine, start: int, stop: int, rng: np.random.Generator) -> None:
    """Like :func:`_bulk_insert` through the DB-API directly: ten times faster on SQLite."""
    now = datetime.now(UTC).replace(tzinfo=None).isoformat(" ")
    width = near_duplicates.NUM_PERM
    batch = 50_000
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        cursor.execute("PRAGMA synchronous=OFF")
        for first in range(start, stop, batch):
            ids = range(first, min(first + batch, stop))
            cursor.executemany(
                "INSERT INTO articles (id, site_id, url, canonical_url, url_key, authors, "
                "story_id, first_seen_at, updated_at) VALUES (?, 1, ?, ?, ?, '[]', ?, ?, ?)",
                [
                    (i, f"https://s.id/{i}/", f"https://s.id/{i}/", f"s.id/{i}/", i, now, now)
                    for i in ids
                ],
            )
            minhashes = rng.integers(0, 2**32, size=(len(ids), width), dtype=np.uint32)
            cursor.executemany(
                "INSERT INTO article_signatures (article_id, minhash, shingle_count, numbers) "
                "VALUES (?, ?, 300, x'')",
                [(i, minhashes[n].astype("<u4").tobytes()) for n, i in enumerate(ids)],
            )
            keys = rng.integers(-(2**63), 2**63 - 1, size=(len(ids), near_duplicates.BANDS))
            cursor.executemany(
                "INSERT INTO article_bands (band_key, article_id) VALUES (?, ?)",
                [(int(key), i) for n, i in enumerate(ids) for key in keys[n]],
            )
            cursor.executemany(
                "INSERT INTO article_facts (article_id, names, dates) VALUES (?, x'', x'')",
                [(i,) for i in ids],
            )
            sentences = rng.integers(-(2**63), 2**63 - 1, size=len(ids) * SENTENCES_PER_ARTICLE)
            cursor.executemany(
                "INSERT OR IGNORE INTO site_sentences (site_id, sentence_key, articles) "
                "VALUES (1, ?, 1)",
                [(int(key),) for key in sentences],
            )
            raw.commit()
        cursor.execute("PRAGMA synchronous=NORMAL")
    finally:
        raw.close()


def _bulk_insert(engine: Engine, start: int, stop: int, rng: np.random.Generator) -> None:
    """Articles ``start..stop-1`` with random signatures, in large batches."""
    if engine.dialect.name == "sqlite":
        _sqlite_bulk_insert(engine, start, stop, rng)
        return
    now = datetime.now(UTC)
    width = near_duplicates.NUM_PERM
    batch = 20_000
    with engine.begin() as connection:
        for first in range(start, stop, batch):
            ids = range(first, min(first + batch, stop))
            connection.execute(
                insert(models.Article),
                [
                    {
                        "id": i,
                        "site_id": 1,
                        "url": f"https://s.id/{i}/",
                        "canonical_url": f"https://s.id/{i}/",
                        "url_key": f"s.id/{i}/",
                        "authors": [],
                        "story_id": i,
                        "first_seen_at": now,
                        "updated_at": now,
                    }
                    for i in ids
                ],
            )
            minhashes = rng.integers(0, 2**32, size=(len(ids), width), dtype=np.uint32)
            connection.execute(
                insert(models.ArticleSignature),
                [
                    {
                        "article_id": i,
                        "minhash": minhashes[n].astype("<u4").tobytes(),
                        "shingle_count": 300,
                        "numbers": b"",
                    }
                    for n, i in enumerate(ids)
                ],
            )
            keys = rng.integers(-(2**63), 2**63 - 1, size=(len(ids), near_duplicates.BANDS))
            connection.execute(
                insert(models.ArticleBand),
                [
                    {"band_key": int(key), "article_id": i}
                    for n, i in enumerate(ids)
                    for key in keys[n]
                ],
            )
            connection.execute(
                insert(models.ArticleFacts),
                [{"article_id": i, "names": b"", "dates": b""} for i in ids],
            )
            sentences = rng.integers(-(2**63), 2**63 - 1, size=len(ids) * SENTENCES_PER_ARTICLE)
            connection.execute(
                insert(models.SiteSentence),
                [
                    {"site_id": 1, "sentence_key": int(key), "articles": 1}
                    for key in dict.fromkeys(sentences.tolist())
                ],
            )


def _store_originals(engine: Engine, texts: Sequence[str], first_id: int) -> None:
    now = datetime.now(UTC)
    with engine.begin() as connection:
        for n, text in enumerate(texts):
            i = first_id + n
            sig = near_duplicates.signature(text)
            assert sig is not None
            connection.execute(
                insert(models.Article).values(
                    id=i,
                    site_id=1,
                    url=f"https://o.id/{i}/",
                    canonical_url=f"https://o.id/{i}/",
                    url_key=f"o.id/{i}/",
                    authors=[],
                    story_id=i,
                    first_seen_at=now,
                    updated_at=now,
                )
            )
            connection.execute(
                insert(models.ArticleSignature).values(
                    article_id=i,
                    minhash=sig.minhash,
                    shingle_count=sig.shingle_count,
                    numbers=sig.numbers,
                )
            )
            connection.execute(
                insert(models.ArticleBand),
                [{"band_key": k, "article_id": i} for k in dict.fromkeys(sig.band_keys)],
            )
            connection.execute(
                insert(models.ArticleFacts).values(article_id=i, names=sig.names, dates=sig.dates)
            )


def _link_lookup(session: Session, text: str) -> list[tuple[int, int | None, float]]:
    """What storing a new article costs before its writes: its site's boilerplate
    looked up, the body signed without it, its story's candidates found and confirmed."""
    prepared = near_duplicates.prepare(text)
    boilerplate = site_boilerplate(
        session,
        1,
        prepared.sentence_keys(),
        min_articles=near_duplicates.BOILERPLATE_ARTICLES,
    )
    sig = near_duplicates.signature(prepared, boilerplate=boilerplate)
    assert sig is not None
    return find_near_duplicates(session, sig, rule=near_duplicates.RULE, published_at=None)


def time_lookups(engine: Engine, queries: Sequence[str]) -> tuple[float, float, int]:
    """Mean wall and CPU ms per new article (boilerplate, sign, find its story) and how
    many found one. The CPU time (SQLite runs in this process) is the fairer figure
    on a machine other work keeps busy."""
    factory = make_sessionmaker(engine)
    found = 0
    with factory() as session:
        _link_lookup(session, queries[0])  # warm the statement cache
        started, cpu = time.perf_counter(), time.process_time()
        for text in queries:
            if _link_lookup(session, text):
                found += 1
        elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    return elapsed * 1000 / len(queries), cpu * 1000 / len(queries), found


def time_brute_force(engine: Engine, queries: Sequence[str]) -> tuple[float, int]:
    """The same decision without the index: every stored signature read and compared."""
    factory = make_sessionmaker(engine)
    found = 0
    rule = near_duplicates.RULE
    with factory() as session:
        started = time.perf_counter()
        for text in queries:
            sig = near_duplicates.signature(text)
            assert sig is not None
            query = np.frombuffer(sig.minhash, "<u4")
            rows = session.execute(
                select(
                    models.ArticleSignature.minhash,
                    models.ArticleSignature.shingle_count,
                    models.ArticleSignature.numbers,
                )
            ).all()
            stored = np.frombuffer(b"".join(r[0] for r in rows), "<u4").reshape(len(rows), -1)
            jaccard = (stored == query).mean(axis=1)
            hits = False
            for n in np.flatnonzero(jaccard > 0):
                minhash, count, numbers = rows[int(n)]
                other = Signature(minhash, (), count, numbers)
                if rule.score(sig, other) is not None:
                    hits = True
                    break
            found += hits
        elapsed = time.perf_counter() - started
    return elapsed * 1000 / len(queries), found


def _sqlite_server_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # A server holding a million articles gives SQLite more than its default 2 MB page
    # cache; memory-mapped reads avoid a system call per B-tree page.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA cache_size=-262144")
    cursor.execute("PRAGMA mmap_size=4294967296")
    cursor.close()


def speed(db_url: str | None, sizes: Sequence[int], pairs: Sequence[Pair]) -> list[float]:
    tmp = tempfile.TemporaryDirectory(prefix="kabar-dedup-")
    engine = make_engine(db_url or f"sqlite:///{Path(tmp.name) / 'dedup.db'}")
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_server_pragmas)
    upgrade(engine)
    with engine.begin() as connection:
        connection.execute(
            insert(models.Site).values(id=1, name="synthetic", url="https://s.id/", timezone="UTC")
        )
    syndicated = [p for p in pairs if p.kind == "syndicated"][:QUERIES]
    originals = list(dict.fromkeys(p.a for p in syndicated))
    rng = np.random.default_rng(5)
    _store_originals(engine, originals, first_id=1)
    stored = len(originals)
    queries = [p.b for p in syndicated]
    print(
        f"\nlook-up time per new article ({len(queries)} syndicated copies of stored originals; "
        f"{engine.dialect.name}):"
    )
    print(
        f"  {'indexed':>9}  {'LSH ms':>7}  {'CPU ms':>7}  {'found':>7}  "
        f"{'brute force ms':>15}  {'found':>7}"
    )
    times: list[float] = []
    cpu_times: list[float] = []
    print(f"  (load average at start {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)")
    for size in sizes:
        started = time.perf_counter()
        _bulk_insert(engine, stored + 1, size + 1, rng)
        stored = size
        load_s = time.perf_counter() - started
        ms, cpu_ms, found = time_lookups(engine, queries)
        times.append(ms)
        cpu_times.append(cpu_ms)
        brute = ""
        if size == min(sizes):
            brute_ms, brute_found = time_brute_force(engine, queries[:20])
            brute = f"{brute_ms:15.1f}  {brute_found:>4}/20"
        print(
            f"  {size:>9,}  {ms:7.2f}  {cpu_ms:7.2f}  {found:>3}/{len(queries)}  {brute:>24}"
            f"   (bulk insert {load_s:.0f} s)",
            flush=True,
        )
    engine.dispose()
    tmp.cleanup()
    print(
        f"  CPU time growth {sizes[0]:,} -> {sizes[-1]:,}: {cpu_times[-1] / cpu_times[0]:.2f}x; "
        f"slowest {max(cpu_times):.2f} ms"
    )
    return times


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--db", help="database URL (default: a temporary SQLite file)")
    parser.add_argument("--quality-only", action="store_true")
    args = parser.parse_args(argv)
    random.seed(0)
    pairs = build_pairs()
    precision, recall = print_quality(pairs)
    ok = precision >= 0.995 and recall >= 0.95
    if not args.quality_only:
        sizes = sorted(int(s) for s in args.sizes.split(","))
        times = speed(args.db, sizes, pairs)
        growth = times[-1] / times[0]
        print(f"  growth {sizes[0]:,} -> {sizes[-1]:,}: {growth:.2f}x; slowest {max(times):.2f} ms")
        ok = ok and growth < 2 and max(times) < 5
    print("acceptance (precision >= 0.995, recall >= 0.95, growth < 2x, < 5 ms):", ok)
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
