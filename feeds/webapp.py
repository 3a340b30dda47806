"""The archive's pages in ``kabar serve --db``: ``/search`` and ``/article/<id>``.

Search is `archive.search.search` with the filters of ``kabar search`` (site, topic, region,
since, until); an article page shows what `archive.details.article_details` knows (fields,
revisions, copies, fetches). The archive is opened with `archive.readonly.readonly_engine`:
read-only by the database's own guarantee, never migrated. Queries run in worker threads, a
few at a time, so a slow one never stalls the files being served.

Everything shown comes from scraped pages, so it goes into the page as escaped text
(`feeds.webpage`); a stored URL becomes a link only when it is http(s), and article bodies
are shown as their plain-text paragraphs (no stored HTML, nothing loaded from elsewhere).
"""

from __future__ import annotations

import asyncio
import functools
from datetime import date
from typing import TYPE_CHECKING, Any, Final, TypeVar

from aiohttp import web
from lxml import etree
from sqlalchemy import inspect, select
from sqlalchemy.orm import Session

from archive import models
from archive.db import ArchiveError
from archive.details import article_details
from archive.readonly import readonly_engine
from archive.search import SearchError, SearchHit, search
from feeds.archivepages import (
    RESULT_LIMITS,
    ArticlePage,
    Choices,
    SearchForm,
    archive_page,
    render_article,
    render_search,
)
from feeds.text import clean_line
from feeds.webpage import text as text_element
from kabar.core.times import site_zone

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from sqlalchemy.engine import Engine

_T = TypeVar("_T")


class ArchiveReader:
    """The archive opened read-only; database work runs in threads, ``slots`` at a time."""

    def __init__(self, db_url: str, *, slots: int) -> None:
        try:
            self.engine: Engine = readonly_engine(db_url)
        except ArchiveError as exc:
            raise ArchiveError(f"{exc} (create the archive with kabar crawl --db URL)") from None
        self._slots = asyncio.Semaphore(slots)
        try:
            with self.engine.connect() as connection:
                tables = set(inspect(connection).get_table_names())
        except Exception as exc:  # any driver's "cannot open": one line for the user
            self.engine.dispose()
            reason = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
            raise ArchiveError(f"cannot open the archive {db_url}: {reason}") from None
        if not {"articles", "sites", "terms"} <= tables:
            self.engine.dispose()
            raise ArchiveError(
                f"{db_url} holds no kabar archive: create one with kabar crawl or kabar db upgrade"
            )

    async def run(self, work: Callable[[Session], _T]) -> _T:
        async with self._slots:
            return await asyncio.get_running_loop().run_in_executor(
                None, functools.partial(self._in_session, work)
            )

    def _in_session(self, work: Callable[[Session], _T]) -> _T:
        with Session(self.engine) as session:
            return work(session)

    def close(self) -> None:
        self.engine.dispose()


ARCHIVE_KEY: Final = web.AppKey("archive", ArchiveReader)


def add_archive_routes(app: web.Application, db_url: str, *, slots: int) -> None:
    """``/search`` and ``/article/<id>`` over the archive at ``db_url`` (opened now: a bad
    URL fails here, before the server starts)."""
    reader = ArchiveReader(db_url, slots=slots)
    app[ARCHIVE_KEY] = reader

    async def close(app: web.Application) -> None:
        reader.close()

    app.on_cleanup.append(close)
    app.router.add_get("/search", search_page)
    app.router.add_get(r"/article/{id:\d{1,18}}", article_page)


# --- search -------------------------------------------------------------------------------


def choices(session: Session) -> Choices:
    sites = session.scalars(select(models.Site.name).order_by(models.Site.name)).all()
    topics = session.scalars(
        select(models.Term.name).where(models.Term.kind == "topic").order_by(models.Term.name)
    ).all()
    regions = set(
        session.scalars(select(models.Term.name).where(models.Term.kind == "region")).all()
    )
    regions.update(
        r for r in session.scalars(select(models.Site.region).distinct()).all() if r is not None
    )
    return Choices(tuple(sites), tuple(topics), tuple(sorted(regions)))


def read_form(params: Any, known: Choices) -> SearchForm:
    problems: list[str] = []

    def one(name: str, allowed: Sequence[str], label: str) -> str:
        value = clean_line(params.get(name, ""))
        if value and value.casefold() not in {a.casefold() for a in allowed}:
            problems.append(f"{label} tidak dikenal: {value!r}. Pilihan: {', '.join(allowed)}.")
        return value

    def day(name: str, label: str) -> date | None:
        value = params.get(name, "").strip()
        if not value:
            return None
        try:
            return date.fromisoformat(value)
        except ValueError:
            problems.append(f"{label} harus berupa tanggal TTTT-BB-HH, bukan {value!r}.")
            return None

    try:
        limit = int(params.get("limit", RESULT_LIMITS[0]))
    except ValueError:
        limit = RESULT_LIMITS[0]
    return SearchForm(
        query=params.get("q", "").strip()[:1000],
        site=one("site", known.sites, "Situs"),
        topic=one("topic", known.topics, "Topik"),
        region=one("region", known.regions, "Wilayah"),
        since=day("since", "Tanggal mulai"),
        until=day("until", "Tanggal akhir"),
        limit=limit if limit in RESULT_LIMITS else RESULT_LIMITS[0],
        problems=tuple(problems),
    )


async def search_page(request: web.Request) -> web.Response:
    reader = request.app[ARCHIVE_KEY]
    known = await reader.run(choices)
    form = read_form(request.query, known)
    hits: list[SearchHit] | None = None
    problems = list(form.problems)
    if form.query and not problems:
        try:
            hits = await reader.run(
                lambda session: search(
                    session,
                    form.query,
                    sites=[form.site] if form.site else (),
                    topics=[form.topic] if form.topic else (),
                    regions=[form.region] if form.region else (),
                    since=form.since,
                    until=form.until,
                    limit=form.limit,
                )
            )
        except SearchError as exc:
            problems.append(f"Pencarian tidak dapat dijalankan: {exc}")
    status = 400 if problems else 200
    return _html(render_search(form, known, hits, problems), status=status)


# --- article ------------------------------------------------------------------------------


def load_article(session: Session, article_id: int) -> ArticlePage | None:
    details = article_details(session, str(article_id))
    if details is None:
        return None
    return ArticlePage(details, site_zone(details.timezone))


async def article_page(request: web.Request) -> web.Response:
    article_id = int(request.match_info["id"])
    loaded = await request.app[ARCHIVE_KEY].run(lambda s: load_article(s, article_id))
    if loaded is None:
        page = archive_page("Berita tidak ditemukan")
        main = etree.SubElement(page.body, "main", id="isi")
        text_element(main, "h1", "Berita tidak ditemukan")
        text_element(main, "p", f"Arsip tidak memuat berita dengan ID {article_id}.")
        return _html(page.serialize(), status=404)
    return _html(render_article(loaded))


# --- shared -------------------------------------------------------------------------------


def _html(body: bytes, *, status: int = 200) -> web.Response:
    return web.Response(
        body=body,
        status=status,
        content_type="text/html",
        charset="utf-8",
        headers={"Cache-Control": "no-cache"},
    )
