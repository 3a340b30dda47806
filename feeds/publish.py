"""Write every feed (three formats and a page), ``index.html``, ``feeds.opml`` and the feeds'
stylesheet into the directory a web server serves.

Readers poll feeds constantly, so the directory must never show a half-written file and must
not change when nothing changed: each file is written to a temporary file in the same
directory and moved into place with ``os.replace`` (atomic on POSIX), and only when its bytes
differ from what is already there, so mtimes and ETags stay put. A manifest of the files kabar
wrote lets a later run delete feeds that no longer exist without touching anything else that
happens to live in the directory.

Rebuilding is incremental: a feed given as a `PendingFeed` with a fingerprint is rendered only
when that fingerprint (or the renderer's code, or the base URL) differs from the one stored in
``.kabar-feeds.json`` with its files; otherwise its entries are not even loaded, and the index
page and OPML file are built from the headlines stored there. The output is the same as a full
rebuild's, byte for byte.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import tempfile
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any, Final

from feeds import build, collect, index, model, text, webpage
from feeds.build import FEED_STYLESHEET, render_atom, render_json, render_rss
from feeds.index import (
    FeedDigest,
    IndexHeadline,
    page_filename,
    render_feed_page,
    render_index_html,
    render_opml,
    summarize,
)
from feeds.model import (
    FORMATS,
    INDEX_FILENAME,
    OPML_FILENAME,
    PendingFeed,
    feed_filename,
)
from kabar.core import html as core_html
from kabar.core import taxonomy as core_taxonomy
from kabar.core import text as core_text
from kabar.core import urls as core_urls
from kabar.core.fingerprint import code_fingerprint

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Sequence
    from pathlib import Path

    from feeds.model import FeedEntry, FeedFormat, FeedInfo

    Renderer = Callable[..., bytes]

MANIFEST_FILENAME: Final = ".kabar-manifest.json"
STATE_FILENAME: Final = ".kabar-feeds.json"
FILE_MODE: Final = 0o644  # mkstemp creates 0600; the web server must be able to read the files

_RENDERERS: Final[dict[FeedFormat, Renderer]] = {
    "rss": render_rss,
    "atom": render_atom,
    "json": render_json,
}


@dataclass
class PublishReport:
    """What one `publish` call did, by file name relative to the output directory.

    ``skipped`` lists the feeds (slugs) whose fingerprint was unchanged, so they were neither
    loaded nor rendered; their files are in ``unchanged``.
    """

    written: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    feeds: int = 0
    skipped: list[str] = field(default_factory=list)


def publish(
    out_dir: Path,
    feeds: Iterable[PendingFeed | tuple[FeedInfo, Sequence[FeedEntry]]],
    *,
    base_url: str,
    site_title: str = "kabar",
    on_feed: Callable[[FeedInfo, int, bool], object] | None = None,
) -> PublishReport:
    """Render and write all feeds plus index and OPML; delete feeds kabar wrote before but not now.

    ``on_feed(info, entries, rendered)`` is called as each feed is done (a command's
    progress): its entry count, and whether it was rendered or left as it was.

    Feeds come as ``(info, entries)`` (always rendered) or as `PendingFeed` (rendered only
    when its fingerprint changed). Example::

        publish(Path("out/feeds"), [(FeedInfo("all", "Semua", "Semua berita"), entries)],
                base_url="http://127.0.0.1:8080/")
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    previous = read_manifest(out_dir)
    old_state = read_state(out_dir)
    report = PublishReport()
    files: dict[str, bytes | None] = {}  # None: kept as it is on disk
    summaries: list[FeedDigest] = []
    new_state: dict[str, Any] = {}
    for feed in feeds:
        pending = feed if isinstance(feed, PendingFeed) else PendingFeed.of(*feed)
        info = pending.info
        names = feed_filenames(info.slug)
        if names[0] in files:
            raise ValueError(f"feed slug {info.slug!r} is used twice")
        key = _render_key(pending, base_url, site_title)
        kept = old_state.get(info.slug)
        if (
            key is not None
            and kept is not None
            and kept.get("key") == key
            and all((out_dir / name).is_file() for name in names)
        ):
            summary = _summary_from_state(info, kept)
            files.update(dict.fromkeys(names))
            report.skipped.append(info.slug)
        else:
            entries = pending.load()
            summary = summarize(info, entries)
            files.update(render_feed(info, entries, base_url=base_url, site_title=site_title))
        if key is not None:
            new_state[info.slug] = _summary_to_state(key, summary)
        summaries.append(summary)
        report.feeds += 1
        if on_feed is not None:
            on_feed(info, summary.count, info.slug not in report.skipped)
    files[INDEX_FILENAME] = render_index_html(summaries, base_url=base_url, site_title=site_title)
    files[OPML_FILENAME] = render_opml(summaries, base_url=base_url, site_title=site_title)
    files[FEED_STYLESHEET] = webpage.FEED_CSS
    # Track the union first, so a crash mid-way leaves no file the next run cannot clean up.
    write_manifest(out_dir, previous | files.keys())
    # A fingerprint is only trusted once its files are written: until then keep only those of
    # the feeds whose files this run leaves alone.
    write_state(out_dir, {slug: old_state[slug] for slug in report.skipped})
    for name, data in files.items():
        changed = data is not None and write_if_changed(out_dir / name, data)
        (report.written if changed else report.unchanged).append(name)
    for name in sorted(previous - files.keys()):
        with contextlib.suppress(FileNotFoundError):
            (out_dir / name).unlink()
            report.removed.append(name)
    write_manifest(out_dir, set(files))
    write_state(out_dir, new_state)
    return report


def feed_filenames(slug: str) -> list[str]:
    """The files of one feed: its three formats, then its page; refuses a slug whose page
    would overwrite the index."""
    page = page_filename(slug)
    if page in {INDEX_FILENAME, FEED_STYLESHEET}:
        raise ValueError(f"feed slug {slug!r} would overwrite {page}")
    return [*(feed_filename(slug, fmt) for fmt in FORMATS), page]


def render_feed(
    info: FeedInfo, entries: Sequence[FeedEntry], *, base_url: str, site_title: str = "kabar"
) -> dict[str, bytes]:
    """The files of one feed, by name: RSS, Atom, JSON Feed and the feed's HTML page."""
    names = feed_filenames(info.slug)
    files = {
        name: render(info, entries, base_url=base_url)
        for name, render in zip(names, _RENDERERS.values(), strict=False)
    }
    files[names[-1]] = render_feed_page(info, entries, base_url=base_url, site_title=site_title)
    return files


# --- incremental state --------------------------------------------------------------------


_CODE_FINGERPRINT: Final = code_fingerprint(
    (collect, build, index, model, text, webpage, core_html, core_text, core_urls, core_taxonomy),
    packages=("feedgen", "lxml", "lxml_html_clean"),
)
"""What the feeds are made by: their selection, renderers and the core's HTML, text and URL
policy and taxonomy, and feedgen's and lxml's versions. Files built by other code are rebuilt;
None (a source that cannot be read) means nothing is skipped."""


def _render_key(feed: PendingFeed, base_url: str, site_title: str) -> str | None:
    if feed.fingerprint is None or _CODE_FINGERPRINT is None:
        return None
    parts = [_CODE_FINGERPRINT, base_url, site_title, repr(feed.info), feed.fingerprint]
    return hashlib.sha256(json.dumps(parts).encode("utf-8")).hexdigest()


def _summary_to_state(key: str, summary: FeedDigest) -> dict[str, Any]:
    return {
        "key": key,
        "headlines": [
            [h.title, h.link, h.published.isoformat(), h.source, h.also_at, h.summary]
            for h in summary.headlines
        ],
        "updated": summary.updated.isoformat() if summary.updated else None,
        "count": summary.count,
    }


def _summary_from_state(info: FeedInfo, kept: dict[str, Any]) -> FeedDigest:
    headlines = tuple(
        IndexHeadline(
            title,
            link,
            datetime.fromisoformat(published),
            source,
            tuple((str(name), str(url)) for name, url in also_at),
            summary,
        )
        for title, link, published, source, also_at, summary in kept["headlines"]
    )
    updated = datetime.fromisoformat(kept["updated"]) if kept["updated"] else None
    return FeedDigest(info, headlines, updated, int(kept["count"]))


def read_state(out_dir: Path) -> dict[str, dict[str, Any]]:
    """Fingerprints and headlines of the feeds last written; empty when missing or unreadable
    (an unreadable state only costs a full rebuild)."""
    try:
        state = json.loads((out_dir / STATE_FILENAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(state, dict):
        return {}
    return {
        slug: kept for slug, kept in state.items() if isinstance(kept, dict) and _valid_state(kept)
    }


def _valid_state(kept: dict[str, Any]) -> bool:
    try:
        _summary_from_state(model.FeedInfo("x", "x", "x"), kept)
    except (KeyError, TypeError, ValueError):
        return False
    return isinstance(kept.get("key"), str)


def write_state(out_dir: Path, state: dict[str, Any]) -> None:
    data = json.dumps(state, ensure_ascii=False, sort_keys=True, indent=1) + "\n"
    write_if_changed(out_dir / STATE_FILENAME, data.encode("utf-8"))


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
