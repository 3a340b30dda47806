"""A real feed reader, newsboat (Debian), subscribes to kabar's served feeds."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from archive.db import make_engine, make_sessionmaker, session_scope, upgrade
from archive.repository import SiteInfo, ensure_site, upsert_article
from feeds.serve import make_app
from kabar.core.article import Article
from kabar.jobs import build_feeds
from tests.conftest import serve_app

WIB = timezone(timedelta(hours=7))
TITLES = [
    "Rakor Kecamatan Tanjung Lago, Bupati Askolani Dengarkan Aspirasi Masyarakat",
    'Harga Cabai "Merah" Turun & Petani <Resah>',
    "Pemkab Banyuasin Salurkan 20 Ton Benih Padi",
]


@pytest.mark.skipif(shutil.which("newsboat") is None, reason="newsboat is not installed")
def test_newsboat_reads_rss_and_atom(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'kabar.db'}"
    engine = make_engine(db)
    upgrade(engine)
    with session_scope(make_sessionmaker(engine)) as session:
        site_id = ensure_site(session, SiteInfo(name="contoh", url="https://contoh.id/"))
        for n, title in enumerate(TITLES):
            url = f"https://contoh.id/2023/07/1{n}/berita-{n}/"
            article = Article(
                url=url,
                canonical_url=url,
                site="contoh",
                title=title,
                authors=["Deni"],
                body=f"Paragraf pertama berita {n}.\nParagraf kedua yang berbeda {n}.",
                published_at=datetime(2023, 7, 10 + n, 9, 30, tzinfo=WIB),
                fetched_at=datetime(2023, 7, 20, tzinfo=UTC),
                categories=["Pemerintahan"],
            )
            upsert_article(session, site_id, article, body_hash=None)
    engine.dispose()
    out = tmp_path / "feeds"
    with serve_app(make_app(out)) as port:
        base = f"http://127.0.0.1:{port}/"
        build_feeds(db, out, base_url=base)
        urls = tmp_path / "urls"
        urls.write_text(f"{base}all.xml\n{base}all.atom\n", encoding="utf-8")
        cache = tmp_path / "cache.db"
        config = tmp_path / "config"
        config.write_text("", encoding="utf-8")
        command = ["newsboat", "-u", str(urls), "-c", str(cache), "-C", str(config)]
        env = {"HOME": str(tmp_path), "PATH": "/usr/bin:/bin", "TERM": "dumb"}
        reload = subprocess.run(
            [*command, "-x", "reload"], capture_output=True, text=True, env=env, timeout=60
        )
        assert reload.returncode == 0, reload.stderr
        unread = subprocess.run(
            [*command, "-x", "print-unread"], capture_output=True, text=True, env=env, timeout=60
        )
    # The RSS and Atom entries of an article share its id, so the reader counts it once.
    assert unread.stdout.strip() == f"{len(TITLES)} unread articles"
    with sqlite3.connect(cache) as connection:
        feeds = dict(connection.execute("SELECT rssurl, title FROM rss_feed").fetchall())
        items = connection.execute("SELECT title, guid, pubDate FROM rss_item").fetchall()
    assert set(feeds) == {f"{base}all.xml", f"{base}all.atom"}
    assert all(feeds.values())  # both parsed, with their titles
    assert {title for title, _, _ in items} == set(TITLES)  # escaped once, decoded once
    assert {guid for _, guid, _ in items} == {
        f"https://contoh.id/2023/07/1{n}/berita-{n}/" for n in range(len(TITLES))
    }
    dates = {pub for _, _, pub in items}
    assert datetime(2023, 7, 10, 2, 30, tzinfo=UTC).timestamp() in dates
