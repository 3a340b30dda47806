"""The revisit schedule's archive query (``archive.discovery.due_revisits``) on SQLite and
PostgreSQL: a stored article is due when one of its schedule points (ages after
publication) fell since the last run and since it was fetched; older articles never."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from archive.db import make_engine, make_sessionmaker, session_scope, upgrade
from archive.discovery import due_revisits
from archive.repository import SiteInfo, ensure_site, upsert_article
from kabar.core.article import Article

SITE = SiteInfo(name="contoh", url="https://contoh.id/")
NOW = datetime(2026, 12, 5, 12, 0, tzinfo=UTC)
LAST_RUN = NOW - timedelta(minutes=30)
AGES = [timedelta(hours=1), timedelta(hours=6), timedelta(days=1), timedelta(days=3)]


def _article(slug: str, published_ago: timedelta, fetched_ago: timedelta) -> Article:
    url = f"https://contoh.id/{slug}/"
    return Article(
        url=url,
        canonical_url=url,
        site="contoh",
        title=slug,
        body="Satu.\nDua.",
        published_at=NOW - published_ago,
        fetched_at=NOW - fetched_ago,
    )


def test_due_revisits(db_url: str) -> None:
    engine = make_engine(db_url)
    upgrade(engine)
    factory = make_sessionmaker(engine)
    with session_scope(factory) as session:
        site_id = ensure_site(session, SITE)
        for article in (
            # Its 1 h point (10 minutes ago) fell after the last run: due.
            _article("satu-jam", timedelta(minutes=70), timedelta(minutes=65)),
            # Its 6 h point fell too (5 minutes ago): due.
            _article("enam-jam", timedelta(hours=6, minutes=5), timedelta(hours=5)),
            # Between points (2 h old; the 1 h point was before the last run): not due.
            _article("dua-jam", timedelta(hours=2), timedelta(hours=2)),
            # Its 1 h point fell, but it was first fetched after it: not due.
            _article("baru-diambil", timedelta(minutes=70), timedelta(minutes=5)),
            # Its last point (3 days) fell a minute ago: due, once more.
            _article("tiga-hari", timedelta(days=3, minutes=1), timedelta(days=2)),
            # Older than the schedule's last point: never again.
            _article("lama", timedelta(days=10), timedelta(days=9)),
        ):
            upsert_article(session, site_id, article, body_hash=None)
    with session_scope(factory) as session:
        due = due_revisits(session, "contoh", now=NOW, last_run=LAST_RUN, ages=AGES, limit=10)
        assert due == [
            "https://contoh.id/satu-jam/",
            "https://contoh.id/enam-jam/",
            "https://contoh.id/tiga-hari/",
        ]
        limited = due_revisits(session, "contoh", now=NOW, last_run=LAST_RUN, ages=AGES, limit=1)
        assert limited == ["https://contoh.id/satu-jam/"]
        assert due_revisits(session, "contoh", now=NOW, last_run=LAST_RUN, ages=[], limit=9) == []
    engine.dispose()
