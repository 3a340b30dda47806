"""Repair of a SQLite archive an interrupted, non-transactional upgrade left behind.

Python's sqlite3 driver used to commit every ``CREATE TABLE`` of a migration on its
own, so a kill left a later step's tables without the revision that names them, and
every upgrade after failed ("table crawl_runs already exists"). Comparing the file's
schema with the schemas kabar's migrations make (built by :mod:`archive.db`) finds
those leftovers; removing them lets the step run again. Plain SQLAlchemy only.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Connection

ALEMBIC_TMP_PREFIX = "_alembic_tmp_"  # tables of an interrupted SQLite batch rebuild


class RepairRefused(RuntimeError):
    """The leftovers hold data: they are not dropped; the message says what to do."""


@dataclass(frozen=True)
class Schema:
    """A SQLite schema: objects (name -> type) and each table's columns."""

    objects: dict[str, str]
    columns: dict[str, set[str]]


def read_schema(connection: Connection) -> Schema:
    rows = connection.exec_driver_sql(
        "SELECT name, type FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'"
    ).all()
    objects = {str(name): str(kind) for name, kind in rows}
    columns = {
        name: {str(row[1]) for row in connection.exec_driver_sql(f'PRAGMA table_info("{name}")')}
        for name, kind in objects.items()
        if kind == "table"
    }
    return Schema(objects, columns)


def leftovers(connection: Connection, known: Schema, head: Schema) -> Schema | None:
    """What the database holds beyond ``known`` (the schema of its revision) that the
    migrations to ``head`` make: the remains of an upgrade run without a transaction
    (kabar before one-transaction upgrades) and killed. None when there are none."""
    actual = read_schema(connection)
    objects = {
        name: kind
        for name, kind in actual.objects.items()
        if name not in known.objects
        and (name in head.objects or name.startswith(ALEMBIC_TMP_PREFIX))
    }
    columns = {
        table: (actual.columns[table] - known.columns[table]) & head.columns.get(table, set())
        for table in known.columns
        if table in actual.columns
    }
    columns = {table: extra for table, extra in columns.items() if extra}
    if not objects and not columns:
        return None
    return Schema(objects, columns)


def remove_leftovers(connection: Connection, leftovers: Schema) -> list[str]:
    """Drop an interrupted migration's objects so it can run again, and say what went;
    refuse (:class:`RepairRefused`) rather than drop a table holding rows."""
    notes: list[str] = []
    virtual = [
        name
        for name, kind in leftovers.objects.items()
        if kind == "table" and _is_virtual(connection, name)
    ]
    shadows = {name for name in leftovers.objects for v in virtual if name.startswith(f"{v}_")}
    for name, kind in leftovers.objects.items():
        if kind != "table" or name in virtual or name in shadows or name == "alembic_version":
            continue
        rows = connection.exec_driver_sql(f'SELECT count(*) FROM "{name}"').scalar_one()
        if rows:
            raise RepairRefused(
                f"cannot repair: table {name} holds {rows} rows but its migration never "
                "completed; copy it away and drop it, then run `kabar db upgrade` again"
            )
    order = ("view", "trigger", "index")
    for kind in order:
        for name, object_kind in leftovers.objects.items():
            if object_kind == kind:
                connection.exec_driver_sql(f'DROP {kind.upper()} IF EXISTS "{name}"')
                notes.append(f"removed {kind} {name}")
    for name in virtual:
        connection.exec_driver_sql(f'DROP TABLE IF EXISTS "{name}"')
        notes.append(f"removed table {name}")
    for name, kind in leftovers.objects.items():
        if kind == "table" and name not in virtual and name not in shadows:
            connection.exec_driver_sql(f'DROP TABLE IF EXISTS "{name}"')
            notes.append(f"removed table {name}")
    for table, extra in sorted(leftovers.columns.items()):
        for column in sorted(extra):
            connection.exec_driver_sql(f'ALTER TABLE "{table}" DROP COLUMN "{column}"')
            notes.append(f"removed column {table}.{column}")
    return notes


def _is_virtual(connection: Connection, name: str) -> bool:
    sql = connection.exec_driver_sql(
        "SELECT sql FROM sqlite_master WHERE name = ?", (name,)
    ).scalar_one_or_none()
    return bool(sql) and str(sql).upper().startswith("CREATE VIRTUAL TABLE")
