"""Benchmark: kabar's ArticlePage against its peers, on the shared eval sets.

Every extractor runs on every page in the same process: trafilatura always,
news-please and newspaper4k when installed (``pip install -e '.[bench]'``).
Predictions are written to a temporary directory and scored with the eval's own
``score.py``, then a side-by-side table is printed with each extractor's median and
mean time per page, each as a ratio of trafilatura's. Time is the process's CPU time, not the wall
clock: on a machine shared with other jobs, waiting for a core is not the extractor's cost.

    .venv/bin/python benchmarks/extraction.py --set all
    .venv/bin/python benchmarks/extraction.py --set fundus --limit 50
    .venv/bin/python benchmarks/extraction.py --set fundus --extractors kabar
    .venv/bin/python benchmarks/extraction.py --half 0   # develop on one half ...
    .venv/bin/python benchmarks/extraction.py --half 1   # ... and confirm on the other

``--half`` keeps the pages whose id hashes (CRC-32) to that parity: a fixed split of every
set, so a rule found on one half can be checked on pages it was not found on.

The eval pages stay outside the repository (default ``../shared/eval``).
"""

from __future__ import annotations

import argparse
import gzip
import importlib.util
import json
import statistics
import sys
import tempfile
import time
import zlib
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from trafilatura import bare_extraction  # noqa: E402

from crawler.pages import ArticlePage, ExtractionError  # noqa: E402

SETS = ("fundus", "readability", "slasherrb")
COLUMNS = (
    ("body F1", "body_f1"),
    ("body P", "body_precision"),
    ("body R", "body_recall"),
    ("title", "title"),
    ("pub (min)", "published"),
    ("pub (day)", "published_day"),
    ("authors F1", "authors_f1"),
    ("tags F1", "tags_f1"),
)
Extractor = Callable[[str, str | None], dict[str, Any]]


def kabar(html: str, url: str | None) -> dict[str, Any]:
    """kabar's page object, all fields computed (as the crawler will)."""
    try:
        page = ArticlePage(url or "", html)
    except ExtractionError:
        return {}
    fields = page.to_fields()
    published = fields["published_at"]
    return {
        "title": fields["title"],
        "authors": fields["authors"],
        "published": published.isoformat() if published else None,
        "body": fields["body"],
        "tags": fields["tags"],
    }


def trafilatura_alone(html: str, url: str | None) -> dict[str, Any]:
    """trafilatura as in baselines.md: ``bare_extraction(with_metadata=True)``."""
    document = bare_extraction(html, url=url, with_metadata=True)
    if document is None or isinstance(document, dict):
        return {}
    author = document.author
    return {
        "title": document.title,
        "authors": [a.strip() for a in author.split(";")] if author else [],
        "published": document.date,
        "body": document.text,
        "tags": document.tags or [],
    }


def newsplease(html: str, url: str | None) -> dict[str, Any]:
    """news-please as in baselines.md: ``NewsPlease.from_html``."""
    from newsplease import NewsPlease  # type: ignore[import-not-found,import-untyped,unused-ignore]

    try:
        article = NewsPlease.from_html(html, url=url, fetch_images=False)
    except Exception:  # a peer's crash is its empty prediction
        return {}
    published = article.date_publish
    return {
        "title": article.title,
        "authors": list(article.authors or []),
        "published": published.isoformat() if published else None,
        "body": article.maintext,
        "tags": [],
    }


def newspaper(html: str, url: str | None) -> dict[str, Any]:
    """newspaper4k as in baselines.md: ``Article.parse`` on the given HTML."""
    import newspaper as newspaper4k  # type: ignore[import-not-found,import-untyped,unused-ignore]

    try:
        article = newspaper4k.Article(url or "http://example.invalid/")
        article.download(input_html=html)
        article.parse()
    except Exception:  # a peer's crash is its empty prediction
        return {}
    published = article.publish_date
    return {
        "title": article.title,
        "authors": list(article.authors or []),
        "published": published.isoformat() if published else None,
        "body": article.text,
        "tags": [],
    }


EXTRACTORS: dict[str, Extractor] = {"kabar": kabar, "trafilatura": trafilatura_alone}
for _name, _module, _extractor in (
    ("newsplease", "newsplease", newsplease),
    ("newspaper4k", "newspaper", newspaper),
):
    if importlib.util.find_spec(_module) is not None:
        EXTRACTORS[_name] = _extractor


def load_scorer(eval_dir: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location("eval_score", eval_dir / "score.py")
    if spec is None or spec.loader is None:
        raise SystemExit(f"cannot load {eval_dir / 'score.py'}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def run_set(
    eval_dir: Path,
    name: str,
    limit: int | None,
    out_dir: Path,
    extractors: list[str],
    half: int | None = None,
) -> dict[str, dict[str, Any]]:
    """Extract every page of one set (or of one ``half``) with each of ``extractors``;
    scores per extractor."""
    chosen = {key: EXTRACTORS[key] for key in extractors}
    truth_path = eval_dir / name / "truth.jsonl"
    truth = [json.loads(line) for line in truth_path.read_text(encoding="utf-8").splitlines()]
    if half is not None:
        truth = [t for t in truth if t and zlib.crc32(t["id"].encode()) % 2 == half]
    truth = [t for t in truth if t][:limit] if limit else truth
    timings: dict[str, list[float]] = {key: [] for key in chosen}
    rows: dict[str, list[dict[str, Any]]] = {key: [] for key in chosen}
    for record in truth:
        raw = gzip.decompress((eval_dir / name / "pages" / f"{record['id']}.html.gz").read_bytes())
        html = raw.decode("utf-8", errors="replace")
        for key, extract in chosen.items():
            start = time.process_time()
            prediction = extract(html, record.get("url"))
            timings[key].append((time.process_time() - start) * 1000)
            rows[key].append({"id": record["id"], **prediction})
    scorer = load_scorer(eval_dir)
    wanted = {t["id"]: t for t in truth}
    results: dict[str, dict[str, Any]] = {}
    for key, predictions in rows.items():
        path = out_dir / f"{name}-{key}.jsonl"
        with path.open("w", encoding="utf-8") as out:
            for row in predictions:
                out.write(json.dumps(row, ensure_ascii=False) + "\n")
        scores = scorer.score(wanted, scorer.load(str(path)))
        scores["ms"] = statistics.median(timings[key])
        scores["ms_mean"] = statistics.fmean(timings[key])
        results[key] = scores
    return results


def _cell(value: Any) -> str:
    return "" if value is None else f"{value:.3f}"


def print_table(name: str, results: dict[str, dict[str, Any]]) -> None:
    header = [
        "set",
        "extractor",
        *(label for label, _ in COLUMNS),
        "CPU ms/page",
        "time ratio",
        "mean CPU ms",
        "mean ratio",
    ]
    print("| " + " | ".join(header) + " |")
    print("|" + "---|" * len(header))
    base = results.get("trafilatura")
    for key, scores in results.items():
        cells = [name, key, *(_cell(scores.get(field)) for _, field in COLUMNS)]
        # The median is the typical page; the mean is what a crawl's workers spend.
        for column in ("ms", "ms_mean"):
            cells.append(f"{scores[column]:.1f}")
            cells.append(f"{scores[column] / base[column]:.2f}x" if base else "")
        print("| " + " | ".join(cells) + " |")


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark; see the module docstring for examples."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--set", choices=(*SETS, "all"), default="all")
    parser.add_argument("--limit", type=int, default=None, help="first N pages of each set")
    parser.add_argument("--eval-dir", type=Path, default=ROOT.parent / "shared" / "eval")
    parser.add_argument("--keep", type=Path, default=None, help="write predictions here")
    parser.add_argument(
        "--half", type=int, choices=(0, 1), default=None, help="only the pages of one half"
    )
    parser.add_argument(
        "--extractors",
        default=",".join(EXTRACTORS),
        help=f"comma-separated, of: {', '.join(EXTRACTORS)} (default: all installed)",
    )
    args = parser.parse_args(argv)
    if not (args.eval_dir / "score.py").is_file():
        print(f"error: no score.py in {args.eval_dir}", file=sys.stderr)
        return 2
    names = SETS if args.set == "all" else (args.set,)
    extractors = [e.strip() for e in args.extractors.split(",") if e.strip()]
    unknown = [e for e in extractors if e not in EXTRACTORS]
    if unknown:
        print(f"error: not installed or unknown: {', '.join(unknown)}", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="kabar-bench-") as tmp:
        out_dir = args.keep or Path(tmp)
        out_dir.mkdir(parents=True, exist_ok=True)
        for name in names:
            results = run_set(args.eval_dir, name, args.limit, out_dir, extractors, args.half)
            print_table(name, results)
            print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
