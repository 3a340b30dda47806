"""Benchmark: where an eval set's true headlines come from, and how far a choice among
the page's headline sources can go.

For every page it takes kabar's headline candidates (``ArticlePage.title_sources``:
the visible ``h1``, the JSON-LD ``headline``, og:title, twitter:title and ``<title>``,
site names removed) and compares each with the truth using ``score.py``'s own folding.
It prints, per source, how often it is present and right; kabar's title score; the
ceiling of any rule that picks one of these sources (some source is right); and, on
pages whose sources disagree, which source alone held the truth.

    .venv/bin/python benchmarks/title_sources.py --set fundus
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.extraction import load_scorer  # noqa: E402
from crawler.pages import ArticlePage, ExtractionError  # noqa: E402

SOURCES = ("h1", "headline", "og:title", "twitter:title", "title")


def main(argv: list[str] | None = None) -> int:
    """Run the analysis; see the module docstring."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--set", default="fundus")
    parser.add_argument("--eval-dir", type=Path, default=ROOT.parent / "shared" / "eval")
    args = parser.parse_args(argv)
    fold = load_scorer(args.eval_dir)._fold
    folder = args.eval_dir / args.set
    present: Counter[str] = Counter()
    right: Counter[str] = Counter()
    alone: Counter[str] = Counter()
    pages = chosen = reachable = disagree = 0
    for line in (folder / "truth.jsonl").read_text(encoding="utf-8").splitlines():
        truth = json.loads(line)
        if not truth.get("title"):
            continue
        pages += 1
        html = gzip.decompress((folder / "pages" / f"{truth['id']}.html.gz").read_bytes())
        try:
            page = ArticlePage(truth.get("url") or "", html)
        except ExtractionError:
            continue
        expected = fold(truth["title"])
        sources = page.title_sources
        hits = {name for name, text in sources.items() if fold(text) == expected}
        for name in sources:
            present[name] += 1
            right[name] += name in hits
        chosen += fold(page.title) == expected
        reachable += bool(hits)
        if len({fold(text) for text in sources.values()}) > 1:
            disagree += 1
            if len(hits) == 1:
                alone[next(iter(hits))] += 1
            elif not hits:
                alone["(none)"] += 1
    print(f"| {args.set}: source | pages with it | right | share right |")
    print("|---|---|---|---|")
    for name in SOURCES:
        share = right[name] / present[name] if present[name] else 0.0
        print(f"| {name} | {present[name]} | {right[name]} | {share:.3f} |")
    print()
    print(f"pages with a true title: {pages}")
    print(f"kabar's title right:     {chosen} ({chosen / pages:.3f})")
    print(f"some source right:       {reachable} ({reachable / pages:.3f})  <- ceiling of any pick")
    print(f"sources disagree on:     {disagree} pages; the truth was held by one source alone:")
    for name, count in alone.most_common():
        print(f"    {name:<14} {count}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
