"""Shared fixtures: the mock news web in a subprocess, and archive databases.

Tests that need PostgreSQL read ``KABAR_TEST_POSTGRES_URL``; each gets a fresh
database of its own there and is skipped, with the reason shown, when unset.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from aiohttp import web
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

POSTGRES_ENV = "KABAR_TEST_POSTGRES_URL"
PROJECT_ROOT = Path(__file__).resolve().parents[1]
SLOW_MODULES = frozenset({"test_demo.py", "test_feeds_e2e.py"})
"""Whole-web crawls marked ``slow`` from here; the other slow tests carry the marker."""


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if item.path.name in SLOW_MODULES:
            item.add_marker(pytest.mark.slow)


@pytest.fixture(scope="session")
def mockweb() -> Iterator[dict[str, str]]:
    """Base URLs of the mock news web's sites, served from a subprocess on 127.0.0.1."""
    from kabar.demo import serve_mockweb_subprocess

    with serve_mockweb_subprocess() as base_urls:
        yield base_urls


def postgres_admin_url() -> str:
    url = os.environ.get(POSTGRES_ENV)
    if not url:
        pytest.skip(f"{POSTGRES_ENV} is not set: PostgreSQL tests skipped")
    return url


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A fresh, empty PostgreSQL database, dropped after the test."""
    admin = make_url(postgres_admin_url())
    if admin.drivername == "postgresql":
        admin = admin.set(drivername="postgresql+psycopg")
    name = f"kabar_test_{uuid.uuid4().hex[:12]}"
    engine = create_engine(admin, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield admin.set(database=name).render_as_string(hide_password=False)
    finally:
        with engine.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        engine.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Each archive test runs on a SQLite file and on PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'kabar.db'}"
    return str(request.getfixturevalue("postgres_url"))


def run_kabar(*args: str, timeout: float = 120, **env: str) -> subprocess.CompletedProcess[str]:
    """Run the real ``kabar`` command line in a subprocess (the reactor runs once per process)."""
    return subprocess.run(
        [sys.executable, "-m", "kabar.cli", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=PROJECT_ROOT,
        env={**os.environ, **env},
        check=False,
    )


@contextmanager
def serve_app(app: web.Application) -> Iterator[int]:
    """Serve an aiohttp app on 127.0.0.1 (a free port, yielded) from a thread of its own."""
    loop = asyncio.new_event_loop()
    runner = web.AppRunner(app)
    loop.run_until_complete(runner.setup())
    loop.run_until_complete(web.TCPSite(runner, "127.0.0.1", 0).start())
    port = int(runner.addresses[0][1])
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    try:
        yield port
    finally:
        loop.call_soon_threadsafe(loop.stop)
        thread.join(5)
        loop.run_until_complete(runner.cleanup())
        loop.close()
