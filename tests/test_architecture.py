"""The one-way import rule (docs/architecture.md), checked on the source tree.

core (``kabar.core``) <- crawler, pipelines, archive, feeds <- the command line (``kabar``).
Imports under ``if TYPE_CHECKING:`` count too: a type is a dependency of the reader.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("crawler", "pipelines", "archive", "feeds", "kabar")

FORBIDDEN: dict[str, tuple[str, ...]] = {
    # The core imports nothing of kabar's but itself.
    "kabar.core": ("crawler", "pipelines", "archive", "feeds", "kabar", "scrapy", "twisted"),
    # The archive is a library of its own: no crawler, no Scrapy.
    "archive": ("crawler", "pipelines", "feeds", "kabar", "scrapy", "twisted", "itemadapter"),
    # Feeds read the archive and the core only.
    "feeds": ("crawler", "pipelines", "kabar", "scrapy", "twisted"),
    # The crawl never reaches into publishing or the command line.
    "crawler": ("feeds", "kabar", "pipelines"),
    "pipelines": ("feeds", "kabar", "crawler"),
}
ALLOWED: dict[str, tuple[str, ...]] = {
    "kabar.core": ("kabar.core",),
    "crawler": ("kabar.core",),
    "pipelines": ("kabar.core", "crawler.sites"),
    "archive": ("kabar.core",),
    "feeds": ("kabar.core",),
}
"""Exceptions to :data:`FORBIDDEN`, by prefix: every layer may use the core, and the
pipelines read the site's configuration (``crawler.sites``); they get the archive from the
crawl's archive extension at run time, not by importing ``crawler/``."""


def _layer(module: str) -> str | None:
    if module == "kabar.core" or module.startswith("kabar.core."):
        return "kabar.core"
    top = module.split(".", 1)[0]
    return top if top in FORBIDDEN and top != "kabar" else None


def _module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imports(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text("utf-8"), filename=str(path))
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.lineno, node.module))
    return found


def _matches(name: str, prefix: str) -> bool:
    return name == prefix or name.startswith(prefix + ".")


def violations(root: Path = ROOT) -> list[str]:
    """Every import that breaks the rule, as ``path:line: module imports name``."""
    broken = []
    for package in PACKAGES:
        for path in sorted((root / package).rglob("*.py")):
            if "migrations" in path.parts:
                continue  # Alembic's env.py imports the models by design
            module = _module_name(path, root)
            layer = _layer(module)
            if layer is None:
                continue
            for line, name in _imports(path):
                if any(_matches(name, allowed) for allowed in ALLOWED.get(layer, ())):
                    continue
                if any(_matches(name, forbidden) for forbidden in FORBIDDEN[layer]):
                    broken.append(f"{path.relative_to(root)}:{line}: {module} imports {name}")
    return broken


def test_imports_run_one_way() -> None:
    assert violations() == []


@pytest.mark.parametrize(
    ("package", "source", "expected"),
    [
        ("archive", "from crawler.items import Article\n", "archive.probe imports crawler.items"),
        ("archive", "import scrapy\n", "archive.probe imports scrapy"),
        ("feeds", "from pipelines.topics import x\n", "feeds.probe imports pipelines.topics"),
        (
            "feeds",
            "from crawler.pages.sanitize import x\n",
            "feeds.probe imports crawler.pages.sanitize",
        ),
        ("kabar/core", "from archive.db import x\n", "kabar.core.probe imports archive.db"),
        ("crawler", "from kabar.cli import main\n", "crawler.probe imports kabar.cli"),
        ("pipelines", "from crawler.spiders import x\n", "pipelines.probe imports crawler.spiders"),
    ],
)
def test_each_known_break_is_caught(
    tmp_path: Path, package: str, source: str, expected: str
) -> None:
    """The rule catches each break the house issue listed (a probe module in a copy)."""
    for name in PACKAGES:
        (tmp_path / name).mkdir(exist_ok=True)
    (tmp_path / "kabar" / "core").mkdir(exist_ok=True)
    (tmp_path / package / "probe.py").write_text(source)
    found = violations(tmp_path)
    assert len(found) == 1
    assert expected in found[0]
