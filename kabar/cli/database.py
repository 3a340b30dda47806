"""``kabar db``: the archive's schema, the one deliberate place (with a crawl's
preflight) where it changes."""

from __future__ import annotations

import click

from kabar.cli.common import db_option, info, say, user_errors


@click.group()
def db() -> None:
    """Manage the archive's schema.

    Example: kabar db upgrade
    """


@db.command("upgrade")
@db_option
def db_upgrade(db_url: str | None) -> None:
    """Create the archive, or apply pending migrations to it (a crawl does this too).

    All or nothing: on SQLite the whole upgrade is one transaction under a lock
    file beside the database, so a killed upgrade changes nothing and concurrent
    ones wait for each other. An archive an older kabar left half-migrated is
    repaired first, each removed leftover named.

    Example: kabar db upgrade --db postgresql+psycopg://localhost/kabar
    """
    with user_errors():
        from archive.db import make_engine, upgrade

        engine = make_engine(db_url)
        try:
            report = upgrade(engine, repair=True)
        finally:
            engine.dispose()
    if report.repaired:
        info(f"repaired an interrupted upgrade by an older kabar: {'; '.join(report.repaired)}")
    if report.before == report.after:
        say(f"database at revision {report.after} (up to date)")
    else:
        say(f"database at revision {report.after} (was {report.before or 'empty'})")


COMMANDS = [db]
