"""Engines, sessions and schema upgrades; no connection is made at import time."""

from __future__ import annotations

import atexit
import functools
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, create_engine, event, inspect, text
from sqlalchemy.engine import URL, Engine, make_url
from sqlalchemy.exc import ArgumentError, OperationalError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import NullPool

from archive.repair import RepairRefused, Schema, leftovers, read_schema, remove_leftovers

if TYPE_CHECKING:
    from importlib.resources.abc import Traversable

    from alembic.script import ScriptDirectory

DEFAULT_DB_URL = "sqlite:///kabar.db"
DB_URL_ENV = "KABAR_DB_URL"
MIGRATIONS_DIR = Path(__file__).with_name("migrations")
# The PostgreSQL advisory lock of upgrades: "kabarm", distinct from the story-linking
# lock (archive.stories.STORY_LOCK_KEY, "kabar"), so a crawl linking stories never
# waits on, or is mistaken for, a schema upgrade.
MIGRATION_LOCK_KEY = 0x6B616261726D


class ArchiveError(RuntimeError):
    """The archive cannot be used (bad URL, unreachable server); one line for the user."""


class SchemaError(ArchiveError):
    """The database is not a kabar archive this kabar can read: missing, not kabar's,
    half-migrated, or at another schema revision. The message says how to fix it."""


def resolve_db_url(url: str | None = None) -> str:
    """The URL given, else ``$KABAR_DB_URL``, else ``./kabar.db``."""
    return url or os.environ.get(DB_URL_ENV) or DEFAULT_DB_URL


def display_url(url: str | URL) -> str:
    """The URL as the user should see it in a message (no password)."""
    try:
        return (url if isinstance(url, URL) else make_url(url)).render_as_string()
    except ArgumentError:
        return str(url)


def is_memory_url(url: str | None) -> bool:
    """Whether ``url`` names an in-memory SQLite database (gone when the process ends)."""
    try:
        parsed = make_url(resolve_db_url(url))
    except ArgumentError:
        return False
    if parsed.get_backend_name() != "sqlite":
        return False
    database = parsed.database or ""
    return database in ("", ":memory:") or parsed.query.get("mode") == "memory"


def sqlite_path(url: str | URL) -> Path | None:
    """The file of a SQLite URL, or None (another backend, or in memory)."""
    parsed = url if isinstance(url, URL) else make_url(url)
    if parsed.get_backend_name() != "sqlite" or is_memory_url(parsed.render_as_string()):
        return None
    return Path(parsed.database or "").expanduser()


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    # The timeout first: it makes concurrent writers (and the WAL switch of a fresh
    # file, which takes a write lock) wait instead of failing at once.
    cursor.execute("PRAGMA busy_timeout=30000")
    # WAL lets readers (kabar feeds, datasette) work during a crawl.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def make_engine(url: str | None = None, *, create: bool = True) -> Engine:
    """An engine for ``url`` (see :func:`resolve_db_url`); connects lazily.

    ``create=False`` is for commands that only read: a SQLite file that does not
    exist is a :class:`SchemaError`, and neither it nor its folders are created.
    """
    resolved = resolve_db_url(url)
    try:
        parsed = make_url(resolved)
    except ArgumentError:
        raise ArchiveError(f"not a database URL: {resolved!r}") from None
    if not create:
        path = sqlite_path(parsed)
        if path is not None and not path.is_file():
            raise SchemaError(f"no kabar archive at {display_url(parsed)}: {_HOW_TO_CREATE}")
    kwargs: dict[str, Any] = {"future": True}
    if parsed.get_backend_name() == "postgresql":
        kwargs["pool_pre_ping"] = True
    try:
        engine = create_engine(parsed, **kwargs)
    except (ArgumentError, ImportError) as exc:
        raise ArchiveError(f"cannot use database {parsed.render_as_string()}: {exc}") from None
    if engine.dialect.name == "sqlite":
        path = sqlite_path(parsed)
        if create and path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def open_engine(url: str | None = None, *, write: bool = False, repair: bool = False) -> Engine:
    """The archive opened to read (schema checked, nothing created or migrated) or to
    write (pending migrations applied first, see :func:`upgrade`)."""
    engine = make_engine(url, create=write)
    try:
        if write:
            upgrade(engine, repair=repair)
        else:
            check_schema(engine)
    except BaseException:
        engine.dispose()
        raise
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


def alembic_config(engine: Engine, connection: Connection | None = None) -> Config:
    """Alembic configured in code: the URL comes from kabar, not from alembic.ini.

    With ``connection``, migrations run on it, inside the transaction it holds.
    """
    config = Config()
    config.set_main_option("script_location", str(migrations_dir()))
    config.attributes["engine"] = engine
    config.attributes["connection"] = connection
    return config


_HOW_TO_CREATE = "create it with `kabar crawl` or `kabar db upgrade` (same --db)"


@functools.cache
def _scripts() -> ScriptDirectory:
    """kabar's migration scripts (read once per process)."""
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", str(migrations_dir()))
    return ScriptDirectory.from_config(config)


def head_revision() -> str:
    """The newest schema revision this kabar's migrations know."""
    return "+".join(sorted(_scripts().get_heads()))


def _known_revisions() -> frozenset[str]:
    return frozenset(script.revision for script in _scripts().walk_revisions())


@dataclass(frozen=True)
class SchemaState:
    """What a database holds of kabar's schema, read without changing anything."""

    url: str
    revision: str | None
    """The applied revision (``alembic_version``), None when there is none."""
    head: str
    kabar_tables: frozenset[str] = field(default_factory=frozenset)
    """kabar's tables present in the database (whatever the revision says)."""

    @property
    def current(self) -> bool:
        return self.revision == self.head

    @property
    def half_migrated(self) -> bool:
        """Tables exist but no revision: a first upgrade by an older kabar was killed."""
        return self.revision is None and bool(self.kabar_tables)

    def problem(self) -> str | None:
        """One line saying what keeps a reader from using this archive, or None."""
        if self.current:
            return None
        if self.half_migrated:
            return (
                f"the archive at {self.url} was left half-migrated by an interrupted "
                "upgrade: repair it with `kabar db upgrade` (same --db)"
            )
        if self.revision is None:
            return f"no kabar archive at {self.url} (no kabar tables): {_HOW_TO_CREATE}"
        if self.revision not in _known_revisions():
            return (
                f"the archive at {self.url} has schema revision {self.revision}, unknown to "
                "this kabar (made by a newer version?)"
            )
        return (
            f"the archive at {self.url} is at schema revision {self.revision}, this kabar "
            f"needs {self.head}: run `kabar db upgrade` (same --db)"
        )


def schema_state(engine: Engine, *, url: str | None = None) -> SchemaState:
    """Read the schema revision and which of kabar's tables exist (no writes).

    ``url`` names the database in messages when the engine's own URL does not (an
    engine made with a ``creator``, as ``kabar sql``'s read-only one is).
    """
    with engine.connect() as connection:
        return schema_state_on(connection, engine, url=url)


def check_schema(engine: Engine, *, url: str | None = None) -> None:
    """Refuse, with one line saying how to fix it, a database a reader cannot use.

    Read commands call this instead of migrating: reading never changes a schema.
    """
    problem = schema_state(engine, url=url).problem()
    if problem is not None:
        raise SchemaError(problem)


@contextmanager
def _migration_lock(engine: Engine) -> Iterator[None]:
    """Serialize upgrades of one database across processes (and, on PostgreSQL,
    machines): workers started together on a fresh database would otherwise all
    create the tables, and all but one fail.

    SQLite: a lock file beside the database file. PostgreSQL: a session advisory lock.
    """
    if engine.dialect.name == "postgresql":
        with engine.connect() as connection:
            connection.execute(text("SELECT pg_advisory_lock(:key)"), {"key": MIGRATION_LOCK_KEY})
            try:
                yield
            finally:
                connection.execute(
                    text("SELECT pg_advisory_unlock(:key)"), {"key": MIGRATION_LOCK_KEY}
                )
                connection.commit()
        return
    path = sqlite_path(engine.url) if engine.dialect.name == "sqlite" else None
    if path is None:
        yield
        return
    from filelock import FileLock

    with FileLock(f"{path}.lock"):
        yield


def _transactional_sqlite(engine: Engine) -> Engine:
    """An engine on the same SQLite file whose transactions are real, DDL included.

    Python's sqlite3 driver commits before every DDL statement of its own accord, so
    a migration killed half-way left tables without their revision. This is
    SQLAlchemy's documented pysqlite recipe: switch the driver's transaction handling
    off and emit ``BEGIN`` ourselves (IMMEDIATE: take the write lock at once, so a
    second upgrader waits instead of failing when it tries to write).

    Foreign keys are off while the schema changes, as SQLite's own procedure for
    altering tables asks (a batch rebuild drops and re-creates a parent table); the
    upgrade checks them before it commits.
    """
    migration_engine = create_engine(engine.url, poolclass=NullPool)

    @event.listens_for(migration_engine, "connect")
    def _connect(dbapi_connection: Any, record: Any) -> None:
        _sqlite_pragmas(dbapi_connection, record)
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=OFF")
        cursor.close()
        dbapi_connection.isolation_level = None

    @event.listens_for(migration_engine, "begin")
    def _begin(connection: Connection) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE")

    return migration_engine


@dataclass
class UpgradeReport:
    before: str | None
    after: str | None
    repaired: list[str] = field(default_factory=list)
    """What was removed of an interrupted older migration, one line each."""


def upgrade(engine: Engine, revision: str = "head", *, repair: bool = False) -> UpgradeReport:
    """Apply pending migrations: all of them or none (idempotent; safe from several
    processes at once).

    On SQLite the whole upgrade is one transaction under a file lock, so a killed
    upgrade leaves the archive as it was. An archive an older kabar left
    half-migrated is repaired first when ``repair`` is set (``kabar db upgrade``),
    and otherwise refused with a :class:`SchemaError` saying so.
    """
    if sqlite_path(engine.url) is None or engine.dialect.name != "sqlite":
        # A server database is checked before its lock is taken (the common case: up to
        # date, nothing to wait for). A SQLite file is not touched before its lock file is
        # held: two first runs connecting at once to a fresh file could otherwise meet in
        # its switch to WAL and one of them fail at once with "database is locked".
        state = schema_state(engine)
        if revision == "head" and state.current:
            return UpgradeReport(before=state.revision, after=state.revision)
    with _migration_lock(engine):
        if engine.dialect.name != "sqlite" or sqlite_path(engine.url) is None:
            # PostgreSQL's DDL is transactional already; an in-memory SQLite database
            # lives on this engine's one connection, and has nothing to brick.
            before = schema_state(engine).revision
            with engine.begin() as connection:
                command.upgrade(alembic_config(engine, connection), revision)
            return UpgradeReport(before=before, after=schema_state(engine).revision)
        migration_engine = _transactional_sqlite(engine)
        try:
            return _upgrade_sqlite(migration_engine, revision, repair=repair)
        finally:
            migration_engine.dispose()


def _upgrade_sqlite(engine: Engine, revision: str, *, repair: bool) -> UpgradeReport:
    with engine.begin() as connection:
        state = schema_state_on(connection, engine)
        report = UpgradeReport(before=state.revision, after=state.revision)
        if state.current and revision == "head":
            return report  # another process upgraded while we waited for the lock
        found = None
        if repair:
            found = leftovers(
                connection, _reference_schema(state.revision), _reference_schema("head")
            )
        if state.half_migrated and not found:
            raise SchemaError(state.problem())
        if found:
            try:
                report.repaired = remove_leftovers(connection, found)
            except RepairRefused as exc:
                raise SchemaError(str(exc)) from None
        try:
            command.upgrade(alembic_config(engine, connection), revision)
        except OperationalError as exc:
            reason = str(exc.orig)
            if "already exists" in reason or "duplicate column" in reason:
                raise SchemaError(
                    f"the archive at {state.url} holds part of a later schema than its "
                    f"revision {state.revision} ({reason}): an older kabar's upgrade was "
                    "interrupted; repair it with `kabar db upgrade` (same --db)"
                ) from None
            raise
        violation = connection.exec_driver_sql("PRAGMA foreign_key_check").first()
        if violation is not None:
            raise SchemaError(
                f"upgrade of {state.url} undone: it would leave a row of {violation[0]} "
                f"pointing at a missing row of {violation[2]}"
            )
        report.after = schema_state_on(connection, engine).revision
    return report


def schema_state_on(
    connection: Connection, engine: Engine, *, url: str | None = None
) -> SchemaState:
    """:func:`schema_state` read inside an open transaction."""
    from archive.models import Base

    tables = set(inspect(connection).get_table_names())
    revision = None
    if "alembic_version" in tables:
        rows = connection.execute(text("SELECT version_num FROM alembic_version")).all()
        revision = "+".join(sorted(str(row[0]) for row in rows)) or None
    return SchemaState(
        url=display_url(url or engine.url),
        revision=revision,
        head=head_revision(),
        kabar_tables=frozenset(tables & set(Base.metadata.tables)),
    )


@functools.cache
def _reference_schema(revision: str | None) -> Schema:
    """The schema kabar's migrations make at ``revision``, built in a scratch file."""
    if revision is None:
        return Schema({}, {})
    with tempfile.TemporaryDirectory(prefix="kabar-schema-") as scratch:
        engine = _transactional_sqlite(make_engine(f"sqlite:///{scratch}/reference.db"))
        try:
            with engine.begin() as connection:
                command.upgrade(alembic_config(engine, connection), revision)
                return read_schema(connection)
        finally:
            engine.dispose()


def downgrade(engine: Engine, revision: str) -> None:
    command.downgrade(alembic_config(engine), revision)


def current_revision(engine: Engine) -> str | None:
    """The applied revision; the heads joined by ``+`` while migrations branch."""
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as connection:
        heads = MigrationContext.configure(connection).get_current_heads()
    return "+".join(sorted(heads)) or None
