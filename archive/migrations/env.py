"""Alembic environment: the engine comes from kabar (``archive.db``), never from alembic.ini."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

from archive.db import make_engine
from archive.models import Base

config = context.config
target_metadata = Base.metadata


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    # archive.db.upgrade passes the connection whose transaction holds the whole
    # upgrade (on SQLite a real one: see archive.db._transactional_sqlite).
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    engine = config.attributes.get("engine")
    if engine is None:  # the plain `alembic` CLI: URL from -x db=... or KABAR_DB_URL
        engine = make_engine(context.get_x_argument(as_dictionary=True).get("db"))
    with engine.begin() as connection:
        _run(connection)


if context.is_offline_mode():
    raise SystemExit("kabar migrations run online only")
run_migrations_online()
