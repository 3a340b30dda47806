"""Write every feed, ``index.html`` and ``feeds.opml`` into the directory a web server serves.

Readers poll feeds constantly, so the directory must never show a half-written file and must
not change when nothing changed: each file is written to a temporary file in the same
directory and moved into place with ``os.replace`` (atomic on POSIX), and only when its bytes
differ from what is already there, so mtimes and ETags stay put. A manifest of the files kabar
wrote lets a later run delete feeds that no longer exist without touching anything else that
happens to live in the directory.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Final

from feeds.build import render_atom, render_json, render_rss
from feeds.index import render_index_html, render_opml
from feeds.model import INDEX_FILENAME, OPML_FILENAME, feed_filename

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Sequence
    from pathlib import Path

    from feeds.model import FeedEntry, FeedFormat, FeedInfo

    Renderer = Callable[..., bytes]

MANIFEST_FILENAME: Final = ".kabar-manifest.json"
FILE_MODE: Final = 0o644  # mkstemp creates 0600; the web server must be able to read the files

_RENDERERS: Final[dict[FeedFormat, Renderer]] = {
    "rss": render_rss,
    "atom": render_atom,
    "json": render_json,
}


@dataclass
class PublishReport:
    """What one `publish` call did, by file name relative to the output directory."""

    written: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    feeds: int = 0


def publish(
    out_dir: Path,
    feeds: Iterable[tuple[FeedInfo, Sequence[FeedEntry]]],
    *,
    base_url: str,
    site_title: str = "kabar",
) -> PublishReport:
    """Render and write all feeds plus index and OPML; delete feeds kabar wrote before but not now.

    Example::

        publish(Path("out/feeds"), [(FeedInfo("all", "Semua", "Semua berita"), entries)],
                base_url="http://127.0.0.1:8080/")
    """
    feed_list = list(feeds)
    files = render_all(feed_list, base_url=base_url, site_title=site_title)
    out_dir.mkdir(parents=True, exist_ok=True)
    previous = read_manifest(out_dir)
    # Track the union first, so a crash mid-way leaves no file the next run cannot clean up.
    write_manifest(out_dir, previous | files.keys())
    report = PublishReport(feeds=len(feed_list))
    for name, data in files.items():
        changed = write_if_changed(out_dir / name, data)
        (report.written if changed else report.unchanged).append(name)
    for name in sorted(previous - files.keys()):
        with contextlib.suppress(FileNotFoundError):
            (out_dir / name).unlink()
            report.removed.append(name)
    write_manifest(out_dir, set(files))
    return report


def render_all(
    feeds: Sequence[tuple[FeedInfo, Sequence[FeedEntry]]], *, base_url: str, site_title: str
) -> dict[str, bytes]:
    """Every file of one publication, by name; raises ValueError on a repeated slug."""
    files: dict[str, bytes] = {}
    seen: set[str] = set()
    for info, entries in feeds:
        if info.slug in seen:
            raise ValueError(f"feed slug {info.slug!r} is used twice")
        seen.add(info.slug)
        for fmt, render in _RENDERERS.items():
            files[feed_filename(info.slug, fmt)] = render(info, entries, base_url=base_url)
    files[INDEX_FILENAME] = render_index_html(feeds, base_url=base_url, site_title=site_title)
    files[OPML_FILENAME] = render_opml(feeds, base_url=base_url, site_title=site_title)
    return files


def write_if_changed(path: Path, data: bytes) -> bool:
    """Atomically replace ``path`` with ``data`` unless it already holds exactly that."""
    try:
        if path.read_bytes() == data:
            return False
    except FileNotFoundError:
        pass
    fd, tmp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as tmp:
            tmp.write(data)
            tmp.flush()
            os.fsync(tmp.fileno())
        os.chmod(tmp_name, FILE_MODE)
        os.replace(tmp_name, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp_name)
        raise
    return True


def read_manifest(out_dir: Path) -> set[str]:
    """The files a previous run wrote; names that could escape ``out_dir`` are ignored."""
    try:
        names = json.loads((out_dir / MANIFEST_FILENAME).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return set()
    except (OSError, ValueError) as exc:
        raise ValueError(f"unreadable feed manifest {out_dir / MANIFEST_FILENAME}: {exc}") from exc
    if not isinstance(names, list):
        raise ValueError(f"feed manifest {out_dir / MANIFEST_FILENAME} is not a list")
    return {name for name in names if isinstance(name, str) and _is_plain_name(name)}


def write_manifest(out_dir: Path, names: Iterable[str]) -> None:
    data = json.dumps(sorted(names), indent=1) + "\n"
    write_if_changed(out_dir / MANIFEST_FILENAME, data.encode("utf-8"))


def _is_plain_name(name: str) -> bool:
    return bool(name) and "/" not in name and "\\" not in name and not name.startswith(".")
