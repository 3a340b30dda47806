"""The ``wordpress`` marker and the session's real WordPress sites (a pytest plugin).

Test modules load it with ``pytest_plugins = ("tests.wordpress.plugin",)``: a conftest
in ``tests/wordpress/`` would not be loaded for ``tests/test_wordpress*.py``. Every test
using :func:`wordpress` is marked ``wordpress`` here, so ``pytest -m "not wordpress"``
leaves them out; where Apache, PHP or MariaDB cannot be had they are skipped with the
reason, except under CI (``CI`` set), where that is a failure.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import ExitStack
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.wordpress import content
from tests.wordpress.server import (
    Setup,
    Site,
    Unavailable,
    WordPressServer,
    ensure_installed,
    ensure_mariadb,
)

SETUPS = (
    # Everything on: the REST API lists posts (date permalinks, the block theme).
    Setup("pretty", "/%year%/%monthnum%/%day%/%postname%/", "twentytwentythree"),
    # WordPress's default "Plain" permalinks: /?p=123, the API at /?rest_route=/.
    Setup("plain", "", "twentytwentyone"),
    # REST off: the feed lists posts (slug permalinks, the classic theme).
    Setup("feed", "/%postname%/", "twentytwentyone", rest=False),
    # REST and feeds off: WordPress's core sitemaps list posts.
    Setup("sitemap", "/%postname%/", "twentytwentythree", rest=False, feeds=False),
    # Only listing pages: category permalinks, the classic theme's pager.
    Setup(
        "listing",
        "/%category%/%postname%/",
        "twentytwentyone",
        rest=False,
        feeds=False,
        sitemaps=False,
    ),
    # Only listing pages, plain permalinks, the block theme.
    Setup("plain-listing", "", "twentytwentythree", rest=False, feeds=False, sitemaps=False),
)
"""The six site setups of issue 14; each test scenario owns one site."""


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "wordpress: needs a real WordPress (Debian's package, Apache, MariaDB)"
    )


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "wordpress" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.wordpress)


@pytest.fixture(scope="session")
def wordpress() -> Iterator[dict[str, Site]]:
    """Setup name -> a real WordPress site filled with ~60 posts and its non-articles,
    served on 127.0.0.1 for the whole test run (built once)."""
    workdir = Path(tempfile.mkdtemp(prefix="kabar-wordpress-"))
    server = WordPressServer(workdir, SETUPS)
    with ExitStack() as cleanup:
        cleanup.callback(shutil.rmtree, workdir, ignore_errors=True)
        cleanup.callback(server.drop)
        try:
            ensure_installed()
            ensure_mariadb()
            server.build()
            now = datetime.now(UTC)
            for site in server.sites.values():
                authors = site.run(
                    [{"op": "user", "login": login, "display_name": name}
                     for login, name in content.AUTHORS]
                )  # fmt: skip
                site.run(content.first_content(site.setup.name, now, authors))
            cleanup.enter_context(server.serving())
        except Unavailable as exc:
            if os.environ.get("CI"):
                pytest.fail(f"real WordPress unavailable in CI: {exc}")
            pytest.skip(f"real WordPress unavailable: {exc}")
        yield server.sites
