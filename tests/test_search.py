"""Full-text search on a real SQLite file and a real PostgreSQL database."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import func, inspect, select, text
from sqlalchemy.orm import Session

from archive import models
from archive.db import downgrade, make_engine, make_sessionmaker, session_scope, upgrade
from archive.repository import SiteInfo, ensure_site, upsert_article
from archive.search import SearchError, SearchHit, fts5_expression, parse_query, search
from kabar.core.article import Article

SITES = (
    SiteInfo(name="sumsel", url="https://sumsel.id/", region="Sumatera Selatan"),
    SiteInfo(name="jambi", url="https://jambi.id/", region="Jambi"),
)
ARTICLES = (
    # (site, slug, title, body, topics, published day in January 2024)
    ("sumsel", "rakor", "Rakor dana desa di Banyuasin",
     "Pemerintah kabupaten membahas penyaluran dana desa bersama para camat.",
     ["Pemerintahan"], 3),
    ("sumsel", "banjir", "Banjir merendam Palembang",
     "Hujan deras membuat banjir. Dana bantuan untuk desa terdampak disalurkan.",
     ["Bencana"], 10),
    ("jambi", "kopi", "Festival kopi Kerinci",
     "Kopi robusta dan arabika dari desa-desa Kerinci dipamerkan. Dana desa ikut mendukung.",
     ["Ekonomi"], 20),
    ("jambi", "sekolah", "Sekolah baru diresmikan",
     "Gubernur meresmikan gedung sekolah. Tidak ada kaitan dengan dana.",
     ["Pendidikan"], 25),
)  # fmt: skip


def make_article(
    site: str, slug: str, title: str, body: str, topics: list[str], day: int
) -> Article:
    url = f"https://{site}.id/2024/01/{day:02d}/{slug}/"
    return Article(
        url=url,
        canonical_url=url,
        site=site,
        title=title,
        body=body,
        lead=body.split(". ")[0],
        topics=topics,
        published_at=datetime(2024, 1, day, 3, 0, tzinfo=UTC),
    )


@pytest.fixture
def archive(db_url: str) -> Iterator[Session]:
    engine = make_engine(db_url)
    upgrade(engine)
    factory = make_sessionmaker(engine)
    with session_scope(factory) as session:
        site_ids = {info.name: ensure_site(session, info) for info in SITES}
        for site, *fields in ARTICLES:
            upsert_article(session, site_ids[site], make_article(site, *fields), body_hash=None)  # type: ignore[arg-type]
    with session_scope(factory) as session:
        yield session
    engine.dispose()


def titles(hits: list[SearchHit]) -> list[str | None]:
    return [hit.title for hit in hits]


def test_ranking_puts_title_matches_first(archive: Session) -> None:
    hits = search(archive, "dana desa")
    assert titles(hits)[0] == "Rakor dana desa di Banyuasin"
    assert set(titles(hits)) == {
        "Rakor dana desa di Banyuasin",
        "Banjir merendam Palembang",
        "Festival kopi Kerinci",
    }
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)
    assert "[dana]" in hits[0].snippet.lower() or "[dana desa]" in hits[0].snippet.lower()
    assert hits[0].published_at is not None and hits[0].published_at.utcoffset() is not None


def test_phrases_prefixes_and_exclusions(archive: Session) -> None:
    # "dana desa" as a phrase: not the flood story, where the words are apart.
    assert set(titles(search(archive, '"dana desa"'))) == {
        "Rakor dana desa di Banyuasin",
        "Festival kopi Kerinci",
    }
    assert titles(search(archive, "dana -banjir -kopi -sekolah")) == [
        "Rakor dana desa di Banyuasin"
    ]
    assert titles(search(archive, "meresmi*")) == ["Sekolah baru diresmikan"]
    # Case and (on SQLite) diacritics do not matter.
    assert titles(search(archive, "KERINCI")) == ["Festival kopi Kerinci"]


def test_filters_combine(archive: Session) -> None:
    assert set(titles(search(archive, "dana", sites=["jambi"]))) == {
        "Festival kopi Kerinci",
        "Sekolah baru diresmikan",
    }
    assert titles(search(archive, "dana", topics=["pemerintahan"])) == [
        "Rakor dana desa di Banyuasin"
    ]
    assert set(titles(search(archive, "dana", regions=["Sumatera Selatan"]))) == {
        "Rakor dana desa di Banyuasin",
        "Banjir merendam Palembang",
    }
    # A bare date is a whole WIB day: the 10th (10:00 WIB) is inside --until 2024-01-10.
    window = search(archive, "dana", since=date(2024, 1, 4), until=date(2024, 1, 20))
    assert set(titles(window)) == {"Banjir merendam Palembang", "Festival kopi Kerinci"}
    combined = search(
        archive, "dana", sites=["jambi"], topics=["Ekonomi"], since=date(2024, 1, 1), limit=1
    )
    assert titles(combined) == ["Festival kopi Kerinci"]
    assert search(archive, "dana", sites=["nosuchsite"]) == []
    assert search(archive, "dana", topics=["nosuchtopic"], regions=["nowhere"]) == []


def test_rank_window_ranks_the_newest_matches(archive: Session) -> None:
    # Four articles hold "dana"; a window of two ranks only the two stored last.
    assert len(search(archive, "dana", rank_window=None)) == 4
    assert set(titles(search(archive, "dana", rank_window=2, limit=2))) == {
        "Festival kopi Kerinci",
        "Sekolah baru diresmikan",
    }
    # Filters apply before the window: the window holds two of sumsel's matches.
    assert set(titles(search(archive, "dana", rank_window=2, limit=2, sites=["sumsel"]))) == {
        "Rakor dana desa di Banyuasin",
        "Banjir merendam Palembang",
    }
    with pytest.raises(SearchError, match="rank_window"):
        search(archive, "dana", rank_window=1, limit=2)


def test_rank_window_with_filters(archive: Session) -> None:
    # "dana" in stored order: Rakor, Banjir (sumsel), Festival, Sekolah (jambi). On SQLite
    # a window of three holds Banjir, Festival, Sekolah: the filter keeps Banjir, and
    # Rakor (the better match, "dana desa" in its title) is outside the window. On
    # PostgreSQL the window holds the newest matches that pass the filters.
    windowed = search(archive, "dana", rank_window=3, limit=1, sites=["sumsel"])
    if archive.get_bind().dialect.name == "sqlite":
        assert titles(windowed) == ["Banjir merendam Palembang"]
    else:
        assert titles(windowed) == ["Rakor dana desa di Banyuasin"]
    assert titles(search(archive, "dana", rank_window=None, limit=1, sites=["sumsel"])) == [
        "Rakor dana desa di Banyuasin"
    ]
    # Too few in the window for the limit: every match that passes the filters is ranked.
    hits = search(archive, "dana", rank_window=3, limit=2, sites=["sumsel"])
    assert titles(hits) == ["Rakor dana desa di Banyuasin", "Banjir merendam Palembang"]
    assert hits[0].score >= hits[1].score
    # A window that holds every match and none passes: nothing, without ranking all.
    assert search(archive, "kopi", rank_window=20, sites=["sumsel"]) == []
    assert titles(search(archive, '"dana desa"', rank_window=20, topics=["Ekonomi"])) == [
        "Festival kopi Kerinci"
    ]
    # The same with a phrase (ranked in one walk of the index): the newest match is
    # jambi's, so a window of one is emptied by the filter and every match is ranked.
    assert titles(search(archive, '"dana desa"', rank_window=1, limit=1, sites=["sumsel"])) == [
        "Rakor dana desa di Banyuasin"
    ]


HOSTILE = [
    "'; DROP TABLE articles; --",
    '" OR 1=1 --',
    'dana" OR "x',
    "dana AND NOT desa OR NEAR(a b)",
    "title:dana",
    "^dana",
    "dana\x00desa",
    "\x00",
    "*",
    "-",
    '""',
    "((((",
    "dana" + " x" * 40,
    "a" * 10_000,
    "ümläut désa ‘quoted’ «dana»",
    "%' OR '1'='1",
    "{title body}: dana",
]


def test_hostile_queries_return_results_or_a_clear_error(archive: Session) -> None:
    before = archive.scalar(select(func.count()).select_from(models.Article))
    outcomes: dict[str, int | str] = {}
    for query in HOSTILE:
        try:
            outcomes[query] = len(search(archive, query))
        except SearchError as exc:
            assert str(exc) and "\n" not in str(exc), query
            outcomes[query] = str(exc)
        archive.rollback()
    assert archive.scalar(select(func.count()).select_from(models.Article)) == before
    assert "articles" in inspect(archive.get_bind()).get_table_names()
    # Operators and quotes are words: "dana" still finds its articles.
    assert outcomes['dana" OR "x'] == 0  # "x" is required and absent
    assert outcomes["title:dana"] == 0  # the phrase "title dana"
    assert outcomes["dana\x00desa"] == 3  # NUL separates: the words dana and desa
    assert "too long" in str(outcomes["a" * 10_000])
    assert "empty" in str(outcomes["*"])


def test_query_parsing_quotes_every_term() -> None:
    parts = parse_query('rakor "dana desa" covid-19 pemerinta* -banjir')
    assert fts5_expression(parts) == (
        '("rakor" AND "dana desa" AND "covid 19" AND "pemerinta" *) NOT "banjir"'
    )
    assert fts5_expression(parse_query('x" OR rowid=1 --')) == '("x" AND "OR" AND "rowid 1")'
    for bad, reason in [("", "empty"), ("-a -b", "not excluded"), ("a" * 1001, "too long")]:
        with pytest.raises(SearchError, match=reason):
            parse_query(bad)
    with pytest.raises(SearchError, match="limit"):
        search(None, "x", limit=0)  # type: ignore[arg-type]


def test_index_follows_inserts_updates_and_deletes(archive: Session) -> None:
    site_id = ensure_site(archive, SITES[0])
    fresh = make_article("sumsel", "baru", "Jembatan ambruk", "Jembatan gantung putus.", [], 5)
    article_id, _ = upsert_article(archive, site_id, fresh, body_hash=None)
    archive.commit()
    assert titles(search(archive, "jembatan")) == ["Jembatan ambruk"]

    # Through the repository (the store pipeline's path) and through plain SQL.
    fresh.title = "Jembatan gantung diperbaiki"
    fresh.body = fresh.lead = "Perbaikan selesai dalam sepekan."
    upsert_article(archive, site_id, fresh, body_hash=None)
    archive.commit()
    assert titles(search(archive, "diperbaiki")) == ["Jembatan gantung diperbaiki"]
    assert search(archive, "putus") == []
    archive.execute(
        text("UPDATE articles SET body = 'Tiang listrik roboh.', lead = NULL WHERE id = :id"),
        {"id": article_id},
    )
    archive.commit()
    assert search(archive, "perbaikan") == []
    assert titles(search(archive, "tiang listrik")) == ["Jembatan gantung diperbaiki"]

    archive.execute(text("DELETE FROM articles WHERE id = :id"), {"id": article_id})
    archive.commit()
    assert search(archive, "jembatan") == []
    assert search(archive, "tiang") == []


def test_migration_indexes_existing_rows_and_downgrades(db_url: str) -> None:
    engine = make_engine(db_url)
    upgrade(engine, "0001")
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO sites (id, name, url, timezone, created_at) "
                "VALUES (1, 'lama', 'https://lama.id/', 'Asia/Jakarta', :now)"
            ),
            {"now": datetime(2020, 1, 1)},
        )
        connection.execute(
            text(
                "INSERT INTO articles (id, site_id, url, canonical_url, title, body, authors, "
                "first_seen_at, updated_at) VALUES (1, 1, 'https://lama.id/a/', "
                "'https://lama.id/a/', 'Berita lama', 'Isi tentang pelabuhan.', '[]', :now, :now)"
            ),
            {"now": datetime(2020, 1, 1)},
        )
    upgrade(engine)
    with session_scope(make_sessionmaker(engine)) as session:
        assert titles(search(session, "pelabuhan")) == ["Berita lama"]
        assert session.execute(text("SELECT site, title FROM article_view")).all() == [
            ("lama", "Berita lama")
        ]
    names = set(inspect(engine).get_table_names())
    assert {"fetches", "fetch_blobs"} <= names
    downgrade(engine, "0003_stories")
    inspector = inspect(engine)
    assert not {"fetches", "fetch_blobs", "articles_fts"} & set(inspector.get_table_names())
    assert inspector.get_view_names() == []
    assert "search_vector" not in {c["name"] for c in inspector.get_columns("articles")}
    upgrade(engine)  # and up again
    with session_scope(make_sessionmaker(engine)) as session:
        assert titles(search(session, "pelabuhan")) == ["Berita lama"]
    engine.dispose()
