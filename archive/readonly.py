"""Run an archivist's own SQL on a read-only connection (``kabar sql``).

The guarantee is the database's, not a check of the SQL text: SQLite is opened with
``mode=ro`` (plus ``PRAGMA query_only``), PostgreSQL sessions start with
``default_transaction_read_only`` and each query runs as a prepared statement, which
refuses several statements at once, so ``SELECT 1; SET … ; DROP …`` cannot slip a
write past the read-only transaction. A write is a :class:`ReadOnlyError`.

SQLite has no statement timeout and lets a read-only connection ``ATTACH`` (or
``VACUUM INTO``) a new file, which creates it: a progress handler stops a statement past
its time limit, and an authorizer refuses ATTACH and DETACH (VACUUM attaches too).
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

from sqlalchemy import create_engine
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.pool import NullPool

from archive.db import ArchiveError, resolve_db_url

STATEMENT_TIMEOUT_MS = 120_000
READ_ONLY_SQLSTATE = "25006"  # read_only_sql_transaction
PROGRESS_STEPS = 10_000
"""SQLite virtual-machine steps between two looks at the clock (well under a millisecond)."""
_NOT_ALLOWED = frozenset({sqlite3.SQLITE_ATTACH, sqlite3.SQLITE_DETACH})
_REFUSED = ("not authorized", "authorization denied")
_INTERRUPTED = "interrupted"


class QueryError(ArchiveError):
    """The query failed (syntax, unknown table …); the database's reason, one line."""


class ReadOnlyError(QueryError):
    """The query tried to change the archive; nothing was changed."""


@dataclass
class QueryResult:
    columns: list[str]
    rows: Iterator[tuple[Any, ...]]


def _authorize(action: int, *_: str | None) -> int:
    """ATTACH (and VACUUM, which attaches) would create files next to the archive."""
    return sqlite3.SQLITE_DENY if action in _NOT_ALLOWED else sqlite3.SQLITE_OK


def _sqlite_connect(path: Path) -> sqlite3.Connection:
    connection = sqlite3.connect(f"file:{quote(str(path))}?mode=ro", uri=True)
    connection.execute("PRAGMA query_only = ON")
    connection.set_authorizer(_authorize)
    return connection


def _deadline(timeout_s: float) -> Callable[[], int]:
    """A progress handler that interrupts the statement once ``timeout_s`` have passed."""
    deadline = time.monotonic() + timeout_s
    return lambda: int(time.monotonic() > deadline)


def readonly_engine(url: str | None = None) -> Engine:
    """An engine whose every connection is read-only; refuses URLs it cannot make so."""
    resolved = resolve_db_url(url)
    try:
        parsed = make_url(resolved)
    except ArgumentError:
        raise ArchiveError(f"not a database URL: {resolved!r}") from None
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        database = parsed.database
        if not database or database == ":memory:":
            raise ArchiveError("kabar sql needs a database file, not an in-memory database")
        path = Path(database).expanduser().resolve()
        if not path.is_file():
            raise ArchiveError(f"no such database file: {path}")
        return create_engine("sqlite://", creator=lambda: _sqlite_connect(path), poolclass=NullPool)
    if backend == "postgresql":
        # UTC: a time read from a table prints with +00:00 whatever the server's zone
        # (the views already give the site's zone; docs/schema.md, "Times").
        options = (
            "-c default_transaction_read_only=on -c TimeZone=UTC "
            f"-c statement_timeout={STATEMENT_TIMEOUT_MS}"
        )
        try:
            return create_engine(parsed, connect_args={"options": options}, poolclass=NullPool)
        except (ArgumentError, ImportError) as exc:
            raise ArchiveError(f"cannot use database {parsed.render_as_string()}: {exc}") from None
    raise ArchiveError(f"kabar sql supports SQLite and PostgreSQL, not {backend}")


def _error(exc: Exception, timeout_s: float) -> QueryError:
    reason = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
    if isinstance(exc, sqlite3.Error) and reason == _INTERRUPTED:
        return QueryError(f"query stopped: it ran past the {timeout_s:g} s time limit")
    if isinstance(exc, sqlite3.Error) and reason.startswith(_REFUSED):
        return ReadOnlyError("refused: ATTACH, DETACH and VACUUM are not allowed by kabar sql")
    sqlstate = getattr(exc, "sqlstate", None)
    if sqlstate == READ_ONLY_SQLSTATE or "readonly" in reason or "read-only" in reason:
        return ReadOnlyError(f"refused: the archive is opened read-only ({reason})")
    return QueryError(f"query failed: {reason}")


@contextmanager
def run_query(
    engine: Engine, sql: str, *, timeout_s: float = STATEMENT_TIMEOUT_MS / 1000
) -> Iterator[QueryResult]:
    """Run one statement; rows stream from the cursor while the context is open.

    The SQL goes to the driver as is (no bind-parameter parsing), so ``:`` and ``%``
    in literals mean what they mean in SQL. On SQLite the statement (reading its rows
    included) is stopped after ``timeout_s``; PostgreSQL's own ``statement_timeout``
    (:data:`STATEMENT_TIMEOUT_MS`) bounds it there.
    """
    if "\x00" in sql:
        raise QueryError("query failed: the query contains a NUL byte")
    with engine.connect() as connection:
        dbapi_connection: Any = connection.connection.dbapi_connection
        driver_error: type[Exception] = engine.dialect.loaded_dbapi.Error
        if engine.dialect.name == "sqlite":
            dbapi_connection.set_progress_handler(_deadline(timeout_s), PROGRESS_STEPS)
        cursor = dbapi_connection.cursor()
        try:
            if engine.dialect.name == "postgresql":
                cursor.execute(sql, prepare=True)
            else:
                cursor.execute(sql)
        except driver_error as exc:
            raise _error(exc, timeout_s) from None
        columns = [column[0] for column in cursor.description or ()]

        def rows() -> Iterator[tuple[Any, ...]]:
            try:
                while batch := cursor.fetchmany(500):
                    yield from (tuple(row) for row in batch)
            except driver_error as exc:
                raise _error(exc, timeout_s) from None

        try:
            yield QueryResult(columns=columns, rows=rows())
        finally:
            cursor.close()
            dbapi_connection.rollback()
