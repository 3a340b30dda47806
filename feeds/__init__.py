"""Publish archived articles as RSS 2.0, Atom 1.0 and JSON Feed 1.1 files.

The package knows nothing about the database: callers hand it `FeedInfo` and `FeedEntry`
values (already sorted newest first and bounded), `feeds.build` turns one feed into bytes and
`feeds.publish` writes a whole directory of feeds, an ``index.html`` and a ``feeds.opml``.
"""

from __future__ import annotations

from feeds.build import render_atom, render_json, render_rss
from feeds.model import FeedEntry, FeedInfo, PendingFeed
from feeds.publish import PublishReport, publish

__all__ = [
    "FeedEntry",
    "FeedInfo",
    "PendingFeed",
    "PublishReport",
    "publish",
    "render_atom",
    "render_json",
    "render_rss",
]
