"""Engines, sessions and schema upgrades; no connection is made at import time."""

from __future__ import annotations

import atexit
import functools
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from alembic import command
from alembic.config import Config
from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.orm import Session, sessionmaker

if TYPE_CHECKING:
    from importlib.resources.abc import Traversable

DEFAULT_DB_URL = "sqlite:///kabar.db"
DB_URL_ENV = "KABAR_DB_URL"
MIGRATIONS_DIR = Path(__file__).with_name("migrations")
MIGRATION_LOCK_KEY = 0x6B61626172  # "kabar": the PostgreSQL advisory lock of upgrades


class ArchiveError(RuntimeError):
    """The archive cannot be used (bad URL, unreachable server); one line for the user."""


def resolve_db_url(url: str | None = None) -> str:
    """The URL given, else ``$KABAR_DB_URL``, else ``./kabar.db``."""
    return url or os.environ.get(DB_URL_ENV) or DEFAULT_DB_URL


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    # WAL lets readers (kabar feeds, datasette) work during a crawl; the timeout
    # makes concurrent writers wait instead of failing at once.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def make_engine(url: str | None = None) -> Engine:
    """An engine for ``url`` (see :func:`resolve_db_url`); connects lazily."""
    resolved = resolve_db_url(url)
    try:
        parsed = make_url(resolved)
    except ArgumentError:
        raise ArchiveError(f"not a database URL: {resolved!r}") from None
    kwargs: dict[str, Any] = {"future": True}
    if parsed.get_backend_name() == "postgresql":
        kwargs["pool_pre_ping"] = True
    try:
        engine = create_engine(parsed, **kwargs)
    except (ArgumentError, ImportError) as exc:
        raise ArchiveError(f"cannot use database {parsed.render_as_string()}: {exc}") from None
    if engine.dialect.name == "sqlite":
        database = parsed.database
        if database and database != ":memory:":
            Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def make_sessionmaker(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


@contextmanager
def session_scope(factory: sessionmaker[Session]) -> Iterator[Session]:
    """A session committed on success and rolled back on any error."""
    session = factory()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def migrations_dir() -> Path:
    """A real directory holding the migration scripts, which Alembic reads from disk.

    The package's own ``migrations`` directory, except when kabar runs from a zip
    (scrapyd runs a deployed project from an egg): then the scripts are copied once
    per process to a temporary directory.
    """
    if MIGRATIONS_DIR.is_dir():
        return MIGRATIONS_DIR
    return _materialized_migrations()


@functools.cache
def _materialized_migrations() -> Path:
    root = Path(tempfile.mkdtemp(prefix="kabar-migrations-"))
    atexit.register(shutil.rmtree, root, ignore_errors=True)
    target = root / "migrations"
    copy_scripts(resources.files("archive").joinpath("migrations"), target)
    return target


def copy_scripts(source: Traversable, target: Path) -> None:
    """Copy a tree of migration scripts (``.py``, ``.mako``), from a zip or a directory."""
    target.mkdir(parents=True)
    for entry in source.iterdir():
        if entry.is_dir():
            if entry.name != "__pycache__":
                copy_scripts(entry, target / entry.name)
        elif entry.name.endswith((".py", ".mako")):
            (target / entry.name).write_bytes(entry.read_bytes())


def alembic_config(engine: Engine) -> Config:
    """Alembic configured in code: the URL comes from kabar, not from alembic.ini."""
    config = Config()
    config.set_main_option("script_location", str(migrations_dir()))
    config.attributes["engine"] = engine
    return config


@contextmanager
def _migration_lock(engine: Engine) -> Iterator[None]:
    """Serialize upgrades of one PostgreSQL database across processes and machines:
    workers started together on a fresh database would otherwise all create the
    tables, and all but one fail. (A shared archive is PostgreSQL; SQLite is left as is.)"""
    if engine.dialect.name != "postgresql":
        yield
        return
    with engine.connect() as connection:
        connection.execute(text("SELECT pg_advisory_lock(:key)"), {"key": MIGRATION_LOCK_KEY})
        try:
            yield
        finally:
            connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": MIGRATION_LOCK_KEY})


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Apply pending migrations (idempotent; safe to call before every crawl, from
    several processes at once)."""
    with _migration_lock(engine):
        command.upgrade(alembic_config(engine), revision)


def downgrade(engine: Engine, revision: str) -> None:
    command.downgrade(alembic_config(engine), revision)


def current_revision(engine: Engine) -> str | None:
    """The applied revision; the heads joined by ``+`` while migrations branch."""
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as connection:
        heads = MigrationContext.configure(connection).get_current_heads()
    return "+".join(sorted(heads)) or None
