"""One time policy (issue 16.5): times in the site's zone with their offset, everywhere
a person or a tool reads them, and ``published_date`` the site's local day."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

from click.testing import CliRunner
from sqlalchemy import text

from archive.db import downgrade, make_engine, make_sessionmaker, session_scope, upgrade
from archive.evidence import record_fetch
from archive.repository import SiteInfo, ensure_site, upsert_article
from kabar.cli import main
from kabar.core.article import Article
from kabar.core.times import human_time, local_time, offset_changes

# 18:30 UTC on 2 January is already 3 January in WIB (UTC+7): the UTC day is wrong.
LATE_EVENING = datetime(2024, 1, 2, 18, 30, tzinfo=UTC)
SUMMER_NIGHT = datetime(2024, 7, 4, 22, 30, tzinfo=UTC)  # 5 July, 00:30 in Berlin (+02:00)


def fill(db_url: str) -> None:
    engine = make_engine(db_url)
    upgrade(engine)
    with session_scope(make_sessionmaker(engine)) as session:
        wib = ensure_site(session, SiteInfo(name="contoh", url="https://contoh.id/"))
        berlin = ensure_site(
            session, SiteInfo(name="berlin", url="https://berlin.de/", timezone="Europe/Berlin")
        )
        for site_id, site, url, published in (
            (wib, "contoh", "https://contoh.id/a/", LATE_EVENING),
            (berlin, "berlin", "https://berlin.de/a/", SUMMER_NIGHT),
        ):
            upsert_article(
                session,
                site_id,
                Article(
                    url=url,
                    canonical_url=url,
                    site=site,
                    title="Judul",
                    body="Isi.",
                    topics=["Pemerintahan"],
                    published_at=published,
                    fetched_at=published + timedelta(hours=1),
                ),
                body_hash=None,
            )
            record_fetch(
                session,
                url=url,
                status=200,
                headers=[],
                body=b"<html></html>",
                fetched_at=published + timedelta(hours=1),
            )
        record_fetch(
            session,
            url="https://lain.id/",
            status=404,
            headers=[],
            body=b"",
            fetched_at=LATE_EVENING,
        )
    engine.dispose()


def rows(db_url: str, sql: str) -> list[tuple[object, ...]]:
    engine = make_engine(db_url)
    try:
        with engine.connect() as connection:
            return [tuple(row) for row in connection.execute(text(sql))]
    finally:
        engine.dispose()


def test_views_show_local_times_and_the_local_day(db_url: str) -> None:
    fill(db_url)
    assert [
        (site, published_at, str(day), fetched_at)
        for site, published_at, day, fetched_at in rows(
            db_url,
            "SELECT site, published_at, published_date, fetched_at FROM article_view ORDER BY id",
        )
    ] == [
        ("contoh", "2024-01-03T01:30:00+07:00", "2024-01-03", "2024-01-03T02:30:00+07:00"),
        ("berlin", "2024-07-05T00:30:00+02:00", "2024-07-05", "2024-07-05T01:30:00+02:00"),
    ]
    terms = rows(db_url, "SELECT site, published_at, published_date FROM article_term_view")
    assert sorted((s, p, str(d)) for s, p, d in terms) == [
        ("berlin", "2024-07-05T00:30:00+02:00", "2024-07-05"),
        ("contoh", "2024-01-03T01:30:00+07:00", "2024-01-03"),
    ]
    fetches = rows(db_url, "SELECT url, fetched_at, fetched_date FROM fetch_view ORDER BY id")
    assert [(u, f, str(d)) for u, f, d in fetches] == [
        ("https://contoh.id/a/", "2024-01-03T02:30:00+07:00", "2024-01-03"),
        ("https://berlin.de/a/", "2024-07-05T01:30:00+02:00", "2024-07-05"),
        # A fetch of no stored article has no site, so no zone but UTC's.
        ("https://lain.id/", "2024-01-02T18:30:00+00:00", "2024-01-02"),
    ]


def test_the_migration_goes_down_to_utc_views_and_up_again(db_url: str) -> None:
    fill(db_url)
    engine = make_engine(db_url)
    try:
        downgrade(engine, "0006_story_evidence")
        [(day,)] = rows(db_url, "SELECT published_date FROM article_view WHERE site = 'contoh'")
        assert str(day) == "2024-01-02"  # 0002's view: the UTC day
        upgrade(engine)
    finally:
        engine.dispose()
    [(day,)] = rows(db_url, "SELECT published_date FROM article_view WHERE site = 'contoh'")
    assert str(day) == "2024-01-03"


def test_a_zone_first_met_after_the_migration_gets_its_offsets(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'kabar.db'}"
    fill(db)
    assert rows(db, "SELECT count(*) FROM zone_offsets WHERE timezone = 'Asia/Jayapura'") == [(0,)]
    engine = make_engine(db)
    with session_scope(make_sessionmaker(engine)) as session:
        ensure_site(
            session, SiteInfo(name="papua", url="https://papua.id/", timezone="Asia/Jayapura")
        )
    engine.dispose()
    [(offset,)] = rows(
        db,
        "SELECT utc_offset FROM zone_offsets WHERE timezone = 'Asia/Jayapura' "
        "ORDER BY starts_at DESC LIMIT 1",
    )
    assert offset == "+09:00"


def test_sql_and_show_print_the_site_zone(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'kabar.db'}"
    fill(db)
    runner = CliRunner()
    result = runner.invoke(
        main, ["sql", "SELECT published_at FROM article_view WHERE id = 1", "--db", db]
    )
    assert result.exit_code == 0 and "2024-01-03T01:30:00+07:00" in result.output
    result = runner.invoke(main, ["show", "1", "--db", db])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert any(line.split()[0] == "published_at" and line.endswith("2024-01-03 01:30 +07:00")
               for line in lines if line.strip())  # fmt: skip
    assert "published_date  2024-01-03" in result.output
    assert "2024-01-03 02:30 +07:00" in result.output  # the fetch, in the site's zone
    assert "2024-01-02 18:30" not in result.output  # no UTC time anywhere
    result = runner.invoke(main, ["show", "2", "--db", db, "--format", "json"])
    assert '"published_at": "2024-07-05T00:30:00+02:00"' in result.output


def test_human_and_local_times() -> None:
    assert human_time(local_time(LATE_EVENING, "Asia/Makassar")) == "2024-01-03 02:30 +08:00"
    assert human_time(local_time(LATE_EVENING, "no/such/zone")) == "2024-01-02 18:30 +00:00"
    naive = LATE_EVENING.replace(tzinfo=None)  # as SQLite hands it back: UTC
    assert local_time(naive, "Asia/Jakarta") == local_time(LATE_EVENING, "Asia/Jakarta")
    berlin = offset_changes("Europe/Berlin")
    summer_2024 = datetime(2024, 3, 31, 1, 0, tzinfo=UTC)  # the clocks go forward
    assert (summer_2024, 7200) in berlin and berlin[-1][0].year == 2099


def test_an_undated_article_is_dated_in_its_site_zone_in_the_feeds(tmp_path: Path) -> None:
    from feeds.collect import collect_feeds

    db = f"sqlite:///{tmp_path / 'kabar.db'}"
    engine = make_engine(db)
    upgrade(engine)
    factory = make_sessionmaker(engine)
    with session_scope(factory) as session:
        site = ensure_site(session, SiteInfo(name="contoh", url="https://contoh.id/"))
        url = "https://contoh.id/tanpa-tanggal/"
        undated = Article(url=url, canonical_url=url, site="contoh", title="T", body="Isi.")
        upsert_article(session, site, undated, body_hash=None)
    with session_scope(factory) as session:
        [entry] = next(entries for info, entries in collect_feeds(session) if info.slug == "all")
    engine.dispose()
    assert entry.published.utcoffset() == timedelta(hours=7)  # first seen, shown in WIB


def test_sql_prints_view_times_local_and_table_times_with_their_offset(db_url: str) -> None:
    fill(db_url)
    runner = CliRunner()
    query = "SELECT v.published_at AS local, a.published_at AS stored FROM article_view v "
    query += "JOIN articles a ON a.id = v.id WHERE v.id = 1"
    result = runner.invoke(main, ["sql", query, "--db", db_url, "--format", "jsonl"])
    assert result.exit_code == 0, result.output
    record = json.loads(result.output)
    assert record["local"] == "2024-01-03T01:30:00+07:00"
    if db_url.startswith("postgresql"):  # whatever the server's own TimeZone
        assert record["stored"] == "2024-01-02T18:30:00+00:00"
    else:  # SQLite's text, UTC without an offset (docs/schema.md, "Times")
        assert record["stored"].startswith("2024-01-02 18:30:00")
