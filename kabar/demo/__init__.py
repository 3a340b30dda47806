"""The mock news web kabar's demo and crawl tests run against, and how to point kabar at it.

:mod:`kabar.demo.web` generates the sites (and the ground truth),
:mod:`kabar.demo.server` serves them on 127.0.0.1 and :mod:`kabar.demo.process` runs
that server as a child process.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path

from kabar.demo.model import Fault, MockArticle
from kabar.demo.process import MockWebError, ServedMockWeb, serve_mockweb_subprocess
from kabar.demo.web import DEFAULT_NOW, MockSite, MockWeb, build_web

MOCK_AGE_WINDOW_DAYS = 30

__all__ = [
    "DEFAULT_NOW",
    "Fault",
    "MockArticle",
    "MockSite",
    "MockWeb",
    "MockWebError",
    "ServedMockWeb",
    "build_web",
    "serve_mockweb_subprocess",
    "write_sites_toml",
]


def write_sites_toml(
    base_urls: Mapping[str, str], path: str | Path, *, mockweb: MockWeb | None = None
) -> Path:
    """Write a ``sites.toml`` for the served mock web (``{site name: base URL}``); returns its path.

    Example::

        with serve_mockweb_subprocess() as base_urls:
            sites = load_sites(write_sites_toml(base_urls, tmp_path / "sites.toml"))
    """
    mockweb = mockweb or build_web()
    # The web's own "now" may lie in the past (the demo is dated July 2023): the age
    # window is 30 days before that now, as a crawler on that day would see it.
    max_age_days = max(1, (datetime.now(UTC) - mockweb.now).days + MOCK_AGE_WINDOW_DAYS)
    lines = ["# The mock news web served by kabar.demo.server (generated).", ""]
    for name, url in base_urls.items():
        site = mockweb.site(name)
        # A JSON string is a valid TOML basic string.
        lines += [
            "[[site]]",
            f"name = {json.dumps(name)}",
            f"url = {json.dumps(url)}",
            f"region = {json.dumps(site.region)}",
            'timezone = "Asia/Jakarta"',
            f"max_age_days = {max_age_days}",
            "",
        ]
    file = Path(path)
    file.parent.mkdir(parents=True, exist_ok=True)
    file.write_text("\n".join(lines), encoding="utf-8")
    return file
