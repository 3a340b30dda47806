"""The README's first command: `kabar demo` runs offline, fast, and its feeds parse."""

from __future__ import annotations

import json
import time
from pathlib import Path

import feedparser

from tests.conftest import run_kabar

SEED_TITLE = "Rakor Kecamatan Tanjung Lago, Bupati Askolani Dengarkan Aspirasi Masyarakat"


def test_demo_crawls_publishes_and_exports(tmp_path: Path) -> None:
    work = tmp_path / "demo"
    started = time.monotonic()
    result = run_kabar("demo", "--dir", str(work), timeout=120)
    elapsed = time.monotonic() - started
    assert result.returncode == 0, result.stdout + result.stderr
    assert elapsed < 60
    assert "Traceback" not in result.stdout + result.stderr
    assert "all.xml" in result.stdout  # where to point an RSS reader
    db = work / "kabar.db"
    export = run_kabar("export", "--db", f"sqlite:///{db}", "--format", "jsonl")
    records = [json.loads(line) for line in export.stdout.splitlines()]
    assert len(records) >= 30
    assert len({r["site"] for r in records}) >= 3
    seed = [r for r in records if r["title"] == SEED_TITLE and r["duplicate_of"] is None]
    assert len(seed) == 1
    assert seed[0]["published_at"].startswith("2023-07-17T")
    assert seed[0]["published_at"].endswith("+07:00")
    titles = {r["title"] for r in records}
    feeds = sorted((work / "feeds").glob("*.xml")) + sorted((work / "feeds").glob("*.atom"))
    assert len(feeds) >= 6
    for file in feeds:
        parsed = feedparser.parse(file.read_bytes())
        assert parsed.bozo == 0, (file.name, parsed.get("bozo_exception"))
        assert parsed.entries and {e.title for e in parsed.entries} <= titles, file.name
    everything = feedparser.parse((work / "feeds" / "all.xml").read_bytes())
    assert SEED_TITLE in {e.title for e in everything.entries}


def test_demo_runs_again_in_its_own_folder_only(tmp_path: Path) -> None:
    """A second demo replaces the first one's files (its marker says the folder is
    the demo's) and leaves anything else there alone; an empty folder is fine too."""
    work = tmp_path / "demo"
    work.mkdir()
    assert run_kabar("demo", "--dir", str(work), timeout=120).returncode == 0
    assert (work / ".kabar-demo").is_file()
    (work / "notes.txt").write_text("mine", encoding="utf-8")
    (work / "feeds" / "stale.xml").write_text("<rss/>", encoding="utf-8")
    again = run_kabar("demo", "--dir", str(work), timeout=120)
    assert again.returncode == 0, again.stderr
    assert (work / "notes.txt").read_text(encoding="utf-8") == "mine"
    assert not (work / "feeds" / "stale.xml").exists()
    assert (work / "feeds" / "all.xml").is_file()


def demo_imports() -> dict[str, set[str]]:
    """Each kabar.demo module's imports of other kabar.demo modules, type-only ones
    included (a cycle through ``TYPE_CHECKING`` is still a cycle for a reader)."""
    import ast

    package = Path(__file__).resolve().parents[1] / "kabar" / "demo"
    names = {f"kabar.demo.{p.stem}" for p in package.glob("*.py") if p.stem != "__init__"}
    graph: dict[str, set[str]] = {}
    for path in package.glob("*.py"):
        module = "kabar.demo" if path.stem == "__init__" else f"kabar.demo.{path.stem}"
        edges: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module:
                for alias in node.names:
                    candidate = f"{node.module}.{alias.name}"
                    if candidate in names:
                        edges.add(candidate)
                    elif node.module in names:
                        edges.add(node.module)
            elif isinstance(node, ast.Import):
                edges |= {a.name for a in node.names if a.name in names}
        graph[module] = edges - {module}
    return graph


def test_the_demo_package_imports_run_one_way() -> None:
    graph = demo_imports()
    assert graph["kabar.demo.web"] >= {"kabar.demo.themes", "kabar.demo.model"}  # sees edges
    order: list[str] = []
    visiting: set[str] = set()

    def visit(module: str, path: tuple[str, ...]) -> None:
        assert module not in visiting, f"import cycle: {' -> '.join((*path, module))}"
        if module in order:
            return
        visiting.add(module)
        for target in sorted(graph.get(module, ())):
            visit(target, (*path, module))
        visiting.discard(module)
        order.append(module)

    for module in sorted(graph):
        visit(module, ())
