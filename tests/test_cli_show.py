"""``kabar show``: an article found by any form of its URL, close matches when none
is stored, and its revisions with what changed (issues 16 and 14)."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from click.testing import CliRunner

from archive.db import make_engine, make_sessionmaker, session_scope, upgrade
from archive.repository import SiteInfo, ensure_site, upsert_article
from kabar.cli import main
from kabar.core.article import Article

URL = "https://contoh.id/2024/01/03/rakor-dana-desa/"
FIRST_BODY = "Camat membuka rakor.\nDana desa dibahas."
# The second version drops a paragraph and adds two; the third changes only the title.
SECOND_BODY = "Camat membuka rakor.\nKepala desa hadir.\nAnggaran naik."


def article(url: str, title: str, body: str, fetched_at: datetime) -> Article:
    return Article(
        url=url,
        canonical_url=url,
        site="contoh",
        title=title,
        body=body,
        published_at=datetime(2024, 1, 3, 2, 0, tzinfo=UTC),
        fetched_at=fetched_at,
    )


@pytest.fixture
def db(db_url: str) -> str:
    """An archive with the article at ``URL`` in three versions and a few neighbours
    (on SQLite and on PostgreSQL)."""
    url = db_url
    engine = make_engine(url)
    upgrade(engine)
    with session_scope(make_sessionmaker(engine)) as session:
        site = ensure_site(session, SiteInfo(name="contoh", url="https://contoh.id/"))
        for title, body, hour in (
            ("Rakor dana desa", FIRST_BODY, 3),
            ("Rakor dana desa", SECOND_BODY, 4),
            ("Rakor dana desa 2024", SECOND_BODY, 5),
        ):
            fetched = datetime(2024, 1, 3, hour, 0, tzinfo=UTC)
            upsert_article(session, site, article(URL, title, body, fetched), body_hash=None)
        for slug in ("rakor-camat", "rapat-bupati", "pasar-baru"):
            other = f"https://contoh.id/2024/01/03/{slug}/"
            fetched = datetime(2024, 1, 3, 3, 0, tzinfo=UTC)
            upsert_article(session, site, article(other, slug, "Isi.", fetched), body_hash=None)
    engine.dispose()
    return url


def show(db: str, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["show", *args, "--db", db])
    assert "Traceback" not in result.output
    return result.exit_code, result.output


@pytest.mark.parametrize(
    "given",
    [
        "http://contoh.id/2024/01/03/rakor-dana-desa/",
        "https://www.contoh.id/2024/01/03/rakor-dana-desa/",
        "https://contoh.id/2024/01/03/rakor-dana-desa",
        "https://contoh.id/2024/01/03/rakor-dana-desa/?utm_source=wa&fbclid=x#komentar",
        "https://CONTOH.id/2024/01/03/rakor%2Ddana%2Ddesa/",
        "contoh.id/2024/01/03/rakor-dana-desa",
    ],
)
def test_show_finds_the_article_by_any_form_of_its_url(db: str, given: str) -> None:
    code, out = show(db, given, "--format", "json")
    assert code == 0, out
    assert json.loads(out)["article"]["canonical_url"] == URL


def test_an_unknown_url_lists_close_matches(db: str) -> None:
    code, out = show(db, "https://contoh.id/2024/01/03/rakor-dana/")
    assert code == 1
    [line] = out.splitlines()
    assert line.startswith("Error: no article with id or URL") and "close: " in line
    close = line.split("close: ", 1)[1].split(", ")
    assert URL in close and len(close) == 4  # the day's four articles, by path prefix
    code, out = show(db, "https://lain.id/2024/")
    assert code == 1 and "close" not in out  # another host: nothing is close


def test_revisions_say_when_and_what_changed(db: str) -> None:
    code, out = show(db, URL)
    assert code == 0
    section = out.split("revisions (2)\n", 1)[1].split("\n\n", 1)[0].splitlines()
    assert section == [
        "2024-01-03 11:00 +07:00  body +2/-1 paragraphs (+32/-18 chars)",
        "2024-01-03 12:00 +07:00  title 'Rakor dana desa' → 'Rakor dana desa 2024'",
    ]
    code, out = show(db, URL, "--format", "json")
    revisions = json.loads(out)["revisions"]
    assert [r["recorded_at"] for r in revisions] == [
        "2024-01-03T11:00:00+07:00",
        "2024-01-03T12:00:00+07:00",
    ]
    assert revisions[0]["changes"] == {
        "body": {
            "paragraphs_added": 2,
            "paragraphs_removed": 1,
            "chars_added": 32,
            "chars_removed": 18,
        }
    }
    assert revisions[1]["changes"] == {
        "title": {"from": "Rakor dana desa", "to": "Rakor dana desa 2024"}
    }


def test_the_web_article_page_says_what_each_revision_changed(db: str) -> None:
    from archive.db import make_sessionmaker, session_scope
    from feeds.archivepages import render_article
    from feeds.webapp import load_article

    engine = make_engine(db)
    with session_scope(make_sessionmaker(engine)) as session:
        loaded = load_article(session, 1)
        assert loaded is not None
        page = render_article(loaded).decode("utf-8")
    engine.dispose()
    assert "isi +2/-1 paragraf (+32/-18 karakter)" in page
    assert "3 Januari 2024, 11.00 WIB" in page  # the first change, seen at 04:00 UTC
