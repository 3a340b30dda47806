"""The archive on a real SQLite file and a real PostgreSQL database."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import inspect

from archive.db import (
    ArchiveError,
    current_revision,
    downgrade,
    make_engine,
    make_sessionmaker,
    session_scope,
    upgrade,
)
from archive.export import EXPORT_FIELDS, STORED_FIELDS, export_csv, export_jsonl
from archive.repository import Outcome, SiteInfo, count_articles, ensure_site, upsert_article
from kabar.core.article import ARTICLE_FIELDS, Article

WIB = timezone(timedelta(hours=7))
SITE = SiteInfo(name="contoh", url="https://contoh.id/", region="Sumatera Selatan")


def sample(**fields: object) -> Article:
    values: dict[str, object] = {
        "url": "https://contoh.id/2023/07/17/rakor/",
        "canonical_url": "https://contoh.id/2023/07/17/rakor/",
        "site": "contoh",
        "title": "Rakor Kecamatan",
        "authors": ["Deni"],
        "published_at": datetime(2023, 7, 17, 9, 30, tzinfo=WIB),
        "body": "Satu.\nDua.",
        "tags": ["Banyuasin"],
        "categories": ["Pemerintahan"],
        "topics": ["Pemerintahan"],
        "location": "Tanjung Lago",
        "fetched_at": datetime(2023, 7, 20, 5, 0, tzinfo=UTC),
    }
    values.update(fields)
    return Article(**values)  # type: ignore[arg-type]


def test_migrations_up_down_up(db_url: str) -> None:
    engine = make_engine(db_url)
    upgrade(engine)
    assert current_revision(engine) is not None
    tables = set(inspect(engine).get_table_names())
    assert {"sites", "articles", "terms", "article_terms", "crawl_runs"} <= tables
    downgrade(engine, "base")
    assert "articles" not in inspect(engine).get_table_names()
    upgrade(engine)
    upgrade(engine)  # idempotent
    engine.dispose()


def test_upsert_is_keyed_by_canonical_url(db_url: str) -> None:
    engine = make_engine(db_url)
    upgrade(engine)
    factory = make_sessionmaker(engine)
    with session_scope(factory) as session:
        site_id = ensure_site(session, SITE)
        first_id, outcome = upsert_article(session, site_id, sample(), body_hash="h1")
        assert outcome is Outcome.NEW
    with session_scope(factory) as session:
        # Same content, new fetch time: nothing to write.
        again_id, outcome = upsert_article(
            session, site_id, sample(fetched_at=datetime.now(UTC)), body_hash="h1"
        )
        assert (again_id, outcome) == (first_id, Outcome.UNCHANGED)
        # Same instant in another zone is the same date.
        same = sample(published_at=datetime(2023, 7, 17, 2, 30, tzinfo=UTC))
        assert upsert_article(session, site_id, same, body_hash="h1")[1] is Outcome.UNCHANGED
    with session_scope(factory) as session:
        _, outcome = upsert_article(
            session, site_id, sample(title="Rakor (diperbarui)", tags=["A", "B"]), body_hash="h2"
        )
        assert outcome is Outcome.UPDATED
        assert count_articles(session) == 1
    with session_scope(factory) as session:
        out = io.StringIO()
        assert export_jsonl(session, out) == 1
    record = json.loads(out.getvalue())
    assert list(record) == list(EXPORT_FIELDS) == ["id", *ARTICLE_FIELDS, *STORED_FIELDS]
    assert (record["story_id"], record["duplicate_of"]) == (record["id"], None)
    assert record["title"] == "Rakor (diperbarui)"
    assert record["tags"] == ["A", "B"]
    assert record["published_at"] == "2023-07-17T09:30:00+07:00"  # in the site's zone
    engine.dispose()


def test_csv_export_and_ensure_site_refresh(db_url: str) -> None:
    engine = make_engine(db_url)
    upgrade(engine)
    factory = make_sessionmaker(engine)
    with session_scope(factory) as session:
        site_id = ensure_site(session, SITE)
        assert ensure_site(session, SiteInfo(name="contoh", url="https://contoh.id/baru/")) == (
            site_id
        )
        upsert_article(session, site_id, sample(), body_hash=None)
        upsert_article(
            session,
            site_id,
            sample(canonical_url="https://contoh.id/b/", url="https://contoh.id/b/"),
            body_hash=None,
        )
    with session_scope(factory) as session:
        out = io.StringIO()
        assert export_csv(session, out) == 2
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert len(rows) == 2
    assert list(rows[0]) == list(EXPORT_FIELDS)
    assert rows[0]["body"] == "Satu.\nDua."
    assert rows[0]["categories"] == "Pemerintahan"
    engine.dispose()


def test_naive_datetimes_are_refused(tmp_path: object) -> None:
    engine = make_engine("sqlite://")
    upgrade(engine)
    with (
        pytest.raises(Exception, match="naive datetime"),
        session_scope(make_sessionmaker(engine)) as session,
    ):
        site_id = ensure_site(session, SITE)
        upsert_article(session, site_id, sample(published_at=datetime(2023, 7, 17)), body_hash=None)


def test_bad_url_is_a_clear_error() -> None:
    with pytest.raises(ArchiveError, match="not a database URL"):
        make_engine("nonsense")
    with pytest.raises(ArchiveError, match="cannot use database"):
        make_engine("nosuchdb://x/y")
