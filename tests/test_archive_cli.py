"""The archivist's commands: kabar search, show, sql and export --format warc."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from archive.db import make_engine, make_sessionmaker, session_scope, upgrade
from archive.evidence import record_fetch
from archive.repository import SiteInfo, ensure_site, upsert_article
from kabar.cli import main
from kabar.core.article import Article

URL = "https://contoh.id/2024/01/03/rakor/"


def fill(db_url: str, *, copies: int = 1) -> None:
    """The archive of one site with ``copies`` articles (each fetched once): the first
    is "Rakor dana desa" at ``URL``, the others are numbered variations of it."""
    engine = make_engine(db_url)
    upgrade(engine)
    with session_scope(make_sessionmaker(engine)) as session:
        site_id = ensure_site(
            session, SiteInfo(name="contoh", url="https://contoh.id/", region="Sumatera Selatan")
        )
        for number in range(copies):
            url = URL if number == 0 else f"{URL}{number}/"
            upsert_article(
                session,
                site_id,
                Article(
                    url=url,
                    canonical_url=url,
                    site="contoh",
                    title="Rakor dana desa" + (f" {number}" if number else ""),
                    body=f"Camat membahas dana desa {number}.\n" * 40,
                    topics=["Pemerintahan"],
                    tags=["Banyuasin", "Dana Desa"],
                    published_at=datetime(2024, 1, 3, 2, 0, tzinfo=UTC),
                ),
                body_hash=None,
            )
            record_fetch(
                session,
                url=url,
                status=200,
                headers=[("Content-Type", "text/html")],
                body=b"<html>rakor</html>" + str(number).encode() * 200,
                fetched_at=datetime(2024, 1, 3, 5, 0, tzinfo=UTC),
            )
    engine.dispose()


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    assert "Traceback" not in result.output
    return result.exit_code, result.output


def test_search_formats(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'kabar.db'}"
    fill(db)
    code, out = run("search", "dana desa", "--db", db)
    assert code == 0
    assert out.splitlines()[0].split() == ["id", "score", "published", "site", "title", "url"]
    assert "2024-01-03" in out and URL in out
    code, out = run(
        "search", '"dana desa"', "--db", db, "--format", "jsonl", "--topic", "pemerintahan"
    )
    [hit] = [json.loads(line) for line in out.splitlines()]
    assert hit["published_at"] == "2024-01-03T09:00:00+07:00" and "[dana desa]" in hit["snippet"]
    code, out = run("search", "dana", "--db", db, "--format", "csv", "--since", "2024-01-04")
    assert list(csv.reader(io.StringIO(out))) == [
        ["id", "score", "published_at", "site", "title", "url", "snippet"]
    ]
    code, out = run("search", '"', "--db", db)
    assert code == 1 and out.strip() == "Error: empty query: give at least one word"


def test_show_by_id_and_url(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'kabar.db'}"
    fill(db)
    code, out = run("show", "1", "--db", db)
    assert code == 0
    assert "Rakor dana desa" in out and "Banyuasin; Dana Desa" in out
    assert "--full" in out  # the long body is cut
    assert "fetches (1)" in out and "2024-01-03" in out
    assert "revisions (0)" in out and "copies (0)" in out
    code, out = run("show", URL, "--db", db, "--json")
    record = json.loads(out)
    assert record["article"]["site"] == "contoh" and len(record["fetches"]) == 1
    code, out = run("show", "https://nowhere.id/", "--db", db)
    assert code == 1 and "no article with id or URL" in out


def test_sql_reads_and_refuses_writes(db_url: str) -> None:
    fill(db_url)
    code, out = run("sql", "SELECT site, title, topics FROM article_view", "--db", db_url)
    assert code == 0 and "Rakor dana desa" in out and "Pemerintahan" in out
    code, out = run(
        "sql",
        "SELECT count(*) AS n, '100%' AS p FROM articles",
        "--db",
        db_url,
        "--format",
        "jsonl",
    )
    assert json.loads(out) == {"n": 1, "p": "100%"}
    for statement in (
        "DELETE FROM articles",
        "DROP TABLE articles",
        "UPDATE articles SET title = 'x'",
        "CREATE TABLE x (a int)",
        "SELECT 1; DELETE FROM articles",
        "COMMIT; SET default_transaction_read_only = off; DELETE FROM articles",
    ):
        code, out = run("sql", statement, "--db", db_url)
        assert code == 1, statement
        assert out.startswith("Error: ") and len(out.strip().splitlines()) == 1, out
    code, out = run("sql", "SELECT count(*) AS n FROM articles", "--db", db_url, "--format", "csv")
    assert out.splitlines() == ["n", "1"]
    code, out = run("sql", "SELEKT nonsense", "--db", db_url)
    assert code == 1 and out.startswith("Error: query failed")


def test_sql_refusal_names_read_only(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'kabar.db'}"
    fill(db)
    code, out = run("sql", "DELETE FROM articles", "--db", db)
    assert "read-only" in out
    code, out = run("sql", "SELECT 1", "--db", f"sqlite:///{tmp_path / 'none.db'}")
    assert code == 1 and "no kabar archive at" in out
    assert not (tmp_path / "none.db").exists()


@pytest.mark.parametrize("to_file", [True, False])
def test_export_warc(tmp_path: Path, to_file: bool) -> None:
    from warcio.archiveiterator import ArchiveIterator

    db = f"sqlite:///{tmp_path / 'kabar.db'}"
    fill(db)
    path = tmp_path / "out.warc.gz"
    if to_file:
        result = CliRunner().invoke(
            main, ["export", "--format", "warc", "-o", str(path), "--db", db]
        )
        assert result.exit_code == 0
        data = path.read_bytes()
    else:
        result = CliRunner().invoke(main, ["export", "--format", "warc", "--db", db])
        assert result.exit_code == 0
        data = result.stdout_bytes
    types = [r.rec_type for r in ArchiveIterator(io.BytesIO(data))]
    assert types == ["warcinfo", "response", "request"]
