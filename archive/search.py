"""Full-text search over the archive: SQLite FTS5 or PostgreSQL ``tsvector``, one API.

The user's query is never SQL and never raw FTS syntax: :func:`parse_query` reads it
as words, ``"quoted phrases"``, ``prefix*`` and ``-excluded`` words, keeping only
word characters, and :func:`fts5_expression` / the PostgreSQL builder rebuild an
expression in which every term is quoted (FTS5) or passed to ``plainto_tsquery``/
``phraseto_tsquery`` as a bound parameter (PostgreSQL). So quotes, FTS operators,
``'; DROP TABLE`` or NUL bytes in a query are words to look for, or nothing, and a
malformed query is a :class:`SearchError` with a reason, never a database error.

The index itself is kept by triggers (migration ``0002_archive``), not here.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import bindparam, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from archive.db import ArchiveError
from archive.models import UTCDateTime
from kabar.core.times import DEFAULT_ZONE, local_time, site_zone

MAX_QUERY_CHARS = 1000
MAX_QUERY_PARTS = 32
MAX_LIMIT = 1000
RANK_WINDOW = 20_000
"""Matches ranked at most, newest first (see :func:`search`)."""
DATE_ZONE = site_zone(DEFAULT_ZONE)
"""Where a bare date in ``since``/``until`` starts: kabar's sites are mostly WIB."""

# bm25() weights for the FTS5 columns (title, lead, body): a word in the title says
# more about what an article is about than the same word deep in its body.
FTS5_WEIGHTS = "10.0, 4.0, 1.0"
SNIPPET_WORDS = 16

_TOKEN = re.compile(r'(-?)"([^"]*)"?|(\S+)')
_WORD_SEPARATORS = re.compile(r"[\W_]+")


class SearchError(ArchiveError, ValueError):
    """The query cannot be searched (empty, too long, only exclusions); one line."""


@dataclass(frozen=True)
class QueryPart:
    """One term or phrase of a query: ``words`` must appear in this order."""

    words: tuple[str, ...]
    prefix: bool = False
    """The last word matches any word it begins (``pemerinta*``)."""
    excluded: bool = False


@dataclass(frozen=True)
class SearchHit:
    id: int
    site: str
    title: str | None
    url: str
    published_at: datetime | None
    """In the site's zone, like exports."""
    score: float
    """Higher is better; comparable within one search only."""
    snippet: str
    """The best matching passage, matches in ``[brackets]``."""


def _words(text_: str) -> tuple[str, ...]:
    # The same separators FTS5's unicode61 tokenizer splits on (anything not a letter
    # or digit), so "covid-19" becomes the phrase "covid 19" here as in the index.
    return tuple(word for word in _WORD_SEPARATORS.split(text_) if word)


def parse_query(query: str) -> list[QueryPart]:
    """Words, ``"phrases"``, ``prefix*`` and ``-excluded`` terms of a user's query."""
    if len(query) > MAX_QUERY_CHARS:
        raise SearchError(f"query too long: {len(query)} characters (at most {MAX_QUERY_CHARS})")
    cleaned = "".join(
        " " if unicodedata.category(char).startswith("C") else char
        for char in unicodedata.normalize("NFC", query)
    )
    parts: list[QueryPart] = []
    for match in _TOKEN.finditer(cleaned):
        negation, phrase, bare = match.groups()
        if phrase is not None:
            words, prefix, excluded = _words(phrase), False, bool(negation)
        else:
            excluded = bare.startswith("-") and len(bare) > 1
            prefix = bare.endswith("*")
            words = _words(bare)
        if words:
            parts.append(QueryPart(words, prefix=prefix, excluded=excluded))
    if len(parts) > MAX_QUERY_PARTS:
        raise SearchError(f"too many terms: {len(parts)} (at most {MAX_QUERY_PARTS})")
    if not parts:
        raise SearchError("empty query: give at least one word")
    if all(part.excluded for part in parts):
        raise SearchError("a query needs at least one word that is not excluded with '-'")
    return parts


def fts5_expression(parts: Sequence[QueryPart]) -> str:
    """An FTS5 MATCH expression in which every term is a quoted string.

    Words hold only letters and digits (see :func:`parse_query`), so the quotes
    cannot be closed early and no FTS5 operator can be smuggled in.
    """

    def quoted(part: QueryPart) -> str:
        return '"' + " ".join(part.words) + '"' + (" *" if part.prefix else "")

    positive = " AND ".join(quoted(part) for part in parts if not part.excluded)
    excluded = "".join(f" NOT {quoted(part)}" for part in parts if part.excluded)
    return f"({positive}){excluded}"


def _tsquery(parts: Sequence[QueryPart]) -> tuple[str, dict[str, str]]:
    """A PostgreSQL tsquery expression over bound parameters (``:q0``, ``:q1`` …)."""
    params: dict[str, str] = {}

    def param(value: str) -> str:
        name = f"q{len(params)}"
        params[name] = value
        return f":{name}"

    def one(part: QueryPart) -> str:
        if part.prefix:
            # Words are letters and digits only, so "word:*" is a valid lexeme.
            last = f"to_tsquery('simple', {param(part.words[-1] + ':*')})"
            if len(part.words) == 1:
                return last
            head = f"phraseto_tsquery('simple', {param(' '.join(part.words[:-1]))})"
            return f"tsquery_phrase({head}, {last})"
        if len(part.words) == 1:
            return f"plainto_tsquery('simple', {param(part.words[0])})"
        return f"phraseto_tsquery('simple', {param(' '.join(part.words))})"

    terms = [one(part) if not part.excluded else f"!!({one(part)})" for part in parts]
    return "(" + " && ".join(terms) + ")", params


def _day_start(value: date | datetime) -> datetime:
    if isinstance(value, datetime):
        if value.tzinfo is None:
            return value.replace(tzinfo=DATE_ZONE)
        return value
    return datetime.combine(value, time(), tzinfo=DATE_ZONE)


class _NoMatch(Exception):
    """A filter names nothing that exists (an unknown site or topic): no results."""


def _ids(session: Session, sql: str, names: Sequence[str]) -> list[int]:
    statement = text(sql).bindparams(bindparam("names", expanding=True))
    return [int(i) for i in session.scalars(statement, {"names": [n.lower() for n in names]})]


def _filters(
    session: Session,
    *,
    sites: Sequence[str],
    topics: Sequence[str],
    regions: Sequence[str],
    since: date | datetime | None,
    until: date | datetime | None,
) -> tuple[list[str], dict[str, Any], list[Any]]:
    """SQL conditions on ``a`` (articles), their parameters and typed bind params.

    Names are resolved to ids first, so each matching row is checked with index
    look-ups on integers (``articles.site_id``, ``article_terms``' primary key)."""
    where: list[str] = []
    params: dict[str, Any] = {}
    binds: list[Any] = []

    def ids_condition(name: str, condition: str, ids: list[int]) -> None:
        if not ids:
            raise _NoMatch(name)
        where.append(condition)
        params[name] = ids
        binds.append(bindparam(name, expanding=True))

    if sites:
        site_ids = _ids(session, "SELECT id FROM sites WHERE lower(name) IN :names", sites)
        ids_condition("site_ids", "a.site_id IN :site_ids", site_ids)
    if topics:
        topic_ids = _ids(
            session, "SELECT id FROM terms WHERE kind = 'topic' AND lower(name) IN :names", topics
        )
        ids_condition(
            "topic_ids",
            "EXISTS (SELECT 1 FROM article_terms at WHERE at.article_id = a.id "
            "AND at.term_id IN :topic_ids)",
            topic_ids,
        )
    if regions:
        # A region is the site's (sites.region) or one the article names (region terms).
        region_sites = _ids(session, "SELECT id FROM sites WHERE lower(region) IN :names", regions)
        region_terms = _ids(
            session, "SELECT id FROM terms WHERE kind = 'region' AND lower(name) IN :names", regions
        )
        if not region_sites and not region_terms:
            raise _NoMatch("regions")
        params["region_sites"] = region_sites or [-1]
        params["region_terms"] = region_terms or [-1]
        binds += [
            bindparam("region_sites", expanding=True),
            bindparam("region_terms", expanding=True),
        ]
        where.append(
            "(a.site_id IN :region_sites OR EXISTS (SELECT 1 FROM article_terms at "
            "WHERE at.article_id = a.id AND at.term_id IN :region_terms))"
        )
    if since is not None:
        where.append("a.published_at >= :since")
        params["since"] = _day_start(since)
        binds.append(bindparam("since", type_=UTCDateTime()))
    if until is not None:
        if isinstance(until, datetime):
            where.append("a.published_at <= :until")
            params["until"] = _day_start(until)
        else:  # a bare date includes that whole day
            where.append("a.published_at < :until")
            params["until"] = _day_start(until) + timedelta(days=1)
        binds.append(bindparam("until", type_=UTCDateTime()))
    return where, params, binds


def search(
    session: Session,
    query: str,
    *,
    sites: Sequence[str] = (),
    topics: Sequence[str] = (),
    regions: Sequence[str] = (),
    since: date | datetime | None = None,
    until: date | datetime | None = None,
    limit: int = 20,
    rank_window: int | None = RANK_WINDOW,
) -> list[SearchHit]:
    """The ``limit`` best articles for ``query``, best first, among those matching
    every filter given (sites by name, topics and regions by name ignoring case,
    ``since``/``until`` on the publication time; a bare date is a day in WIB).

    When more than ``rank_window`` articles match the words, the best among the
    ``rank_window`` most recently stored of them are returned (filters applied within
    that window; all matches are ranked if too few pass the filters): ranking costs
    time per match, and a word found in half the archive would otherwise take
    seconds. ``None`` ranks every match.
    """
    if not 1 <= limit <= MAX_LIMIT:
        raise SearchError(f"limit must be between 1 and {MAX_LIMIT}, not {limit}")
    if rank_window is not None and rank_window < limit:
        raise SearchError(f"rank_window must be at least limit ({limit})")
    parts = parse_query(query)
    dialect = session.get_bind().dialect.name
    try:
        where, params, binds = _filters(
            session, sites=sites, topics=topics, regions=regions, since=since, until=until
        )
    except _NoMatch:
        return []
    params["limit"] = limit
    try:
        if dialect == "sqlite":
            ranked, snippets = _search_sqlite(session, parts, where, params, binds, rank_window)
        elif dialect == "postgresql":
            ranked, snippets = _search_postgresql(session, parts, where, params, binds, rank_window)
        else:  # pragma: no cover - kabar supports these two
            raise SearchError(f"search is not available on {dialect}")
    except DBAPIError as exc:
        reason = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
        raise SearchError(f"search failed: {reason}") from None
    return _hits(session, ranked, snippets)


def _search_sqlite(
    session: Session,
    parts: Sequence[QueryPart],
    where: list[str],
    params: dict[str, Any],
    binds: list[Any],
    rank_window: int | None,
) -> tuple[list[tuple[int, float]], dict[int, str]]:
    params = {**params, "match": fts5_expression(parts)}
    matches = (
        f"SELECT articles_fts.rowid AS id, bm25(articles_fts, {FTS5_WEIGHTS}) AS rank "
        "FROM articles_fts"
    )
    # Filters read a small covering index (migration 0002) instead of the articles'
    # large rows (the planner, left alone, picks the table: three times slower).
    articles = "articles a INDEXED BY ix_articles_search_filters"
    conditions = "".join(f" AND {condition}" for condition in where)

    def query(sql: str) -> list[Any]:
        return list(session.execute(text(sql).bindparams(*binds), params))

    def rank_all(window: str = "") -> list[Any]:
        join = f" JOIN {articles} ON a.id = articles_fts.rowid" if where else ""
        return query(
            f"{matches}{join} WHERE articles_fts MATCH :match{conditions}{window} "
            "ORDER BY rank LIMIT :limit"
        )

    if rank_window is None:
        rows = rank_all()
    else:
        # One walk of the index, newest first, that stops after rank_window matches:
        # bm25() (which reads each match) runs for those only, and the outer query
        # sorts them.
        params["window"] = rank_window
        window = (
            f"{matches} WHERE articles_fts MATCH :match "
            "ORDER BY articles_fts.rowid DESC LIMIT :window"
        )
        if not where:
            rows = query(f"SELECT id, rank FROM ({window}) ORDER BY rank LIMIT :limit")
        elif all(len(part.words) == 1 for part in parts):
            # Words only: walking their matches without ranking them is cheap, so
            # find where the window starts first, then rank only the matches in it
            # that pass the filters. (Not for phrases: a phrase of common words is
            # slow to walk, and the walk would be done twice.)
            floor = session.scalar(
                text(
                    "SELECT rowid FROM articles_fts WHERE articles_fts MATCH :match "
                    "ORDER BY rowid DESC LIMIT 1 OFFSET :window"
                ),
                {"match": params["match"], "window": rank_window},
            )
            if floor is None:
                rows = rank_all()
            else:
                params["floor"] = int(floor)
                rows = rank_all(" AND articles_fts.rowid > :floor")
                if len(rows) < params["limit"]:
                    rows = rank_all()  # filters too narrow for the window
        else:
            # Phrases: one walk, bm25() for the whole window, filters applied within
            # it. Each row also says how many matches the window holds and whether it
            # passes the filters, so that a window the filters emptied can be told
            # from one that held every match. (A LEFT JOIN from the window: an inner
            # join or a second reference to the window makes SQLite 3.40 scan the
            # whole index to build a Bloom filter, a second per query.)
            rows = query(
                "SELECT m.id, m.rank, m.size, a.id IS NOT NULL AS kept FROM "
                f"(SELECT id, rank, count(*) OVER () AS size FROM ({window})) m "
                f"LEFT JOIN {articles} ON a.id = m.id{conditions} "
                "ORDER BY kept DESC, m.rank LIMIT :limit"
            )
            window_size = int(rows[0].size) if rows else 0
            rows = [row for row in rows if row.kept]
            if len(rows) < params["limit"] and window_size >= rank_window:
                # Filters too narrow for the window (e.g. an old date range): rank
                # every match that passes them.
                rows = rank_all()
    # bm25() is lower-is-better; scores are reported higher-is-better.
    ranked = [(int(row[0]), -float(row[1])) for row in rows]
    if not ranked:
        return [], {}
    snippet_sql = (
        "SELECT rowid, snippet(articles_fts, -1, '[', ']', '…', "
        f"{SNIPPET_WORDS}) FROM articles_fts "
        "WHERE articles_fts MATCH :match AND rowid IN :ids"
    )
    return ranked, _snippets(session, snippet_sql, {"match": params["match"]}, ranked)


def _search_postgresql(
    session: Session,
    parts: Sequence[QueryPart],
    where: list[str],
    params: dict[str, Any],
    binds: list[Any],
    rank_window: int | None,
) -> tuple[list[tuple[int, float]], dict[int, str]]:
    tsquery, query_params = _tsquery(parts)
    params = {**params, **query_params}
    conditions = "".join(f" AND {condition}" for condition in where)
    matching = f"FROM articles a WHERE a.search_vector @@ {tsquery}{conditions}"
    if rank_window is not None:
        # The GIN index yields matching ids cheaply; ts_rank reads each tsvector.
        matching = (
            f"FROM articles a WHERE a.id IN (SELECT a.id {matching} "
            "ORDER BY a.id DESC LIMIT :window)"
        )
        params["window"] = rank_window
    ranked_sql = text(
        f"SELECT a.id, ts_rank(a.search_vector, {tsquery}) AS rank {matching} "
        "ORDER BY rank DESC, a.id DESC LIMIT :limit"
    ).bindparams(*binds)
    ranked = [(int(row[0]), float(row[1])) for row in session.execute(ranked_sql, params)]
    if not ranked:
        return [], {}
    snippet_sql = (
        "SELECT a.id, ts_headline('simple', concat_ws(' ', a.title, a.lead, a.body), "
        f"{tsquery}, 'StartSel=[, StopSel=], MaxWords={SNIPPET_WORDS}, MinWords=6, "
        "MaxFragments=1, FragmentDelimiter=…') FROM articles a WHERE a.id IN :ids"
    )
    return ranked, _snippets(session, snippet_sql, query_params, ranked)


def _snippets(
    session: Session, sql: str, params: dict[str, Any], ranked: list[tuple[int, float]]
) -> dict[int, str]:
    """The hits' snippets by id. Asked for the hits only, after ranking: a snippet in the
    ranking query would be computed for every match before the sort."""
    query = text(sql).bindparams(bindparam("ids", expanding=True))
    rows = session.execute(query, {**params, "ids": [hit for hit, _ in ranked]})
    return {int(row[0]): str(row[1] or "") for row in rows}


def _hits(
    session: Session, ranked: list[tuple[int, float]], snippets: dict[int, str]
) -> list[SearchHit]:
    if not ranked:
        return []
    details_sql = (
        text(
            "SELECT a.id, s.name, s.timezone, a.title, a.canonical_url, a.published_at "
            "FROM articles a JOIN sites s ON s.id = a.site_id WHERE a.id IN :ids"
        )
        .bindparams(bindparam("ids", expanding=True))
        .columns(published_at=UTCDateTime())
    )
    details = {row.id: row for row in session.execute(details_sql, {"ids": [i for i, _ in ranked]})}
    hits = []
    for article_id, score in ranked:
        row = details[article_id]
        published = row.published_at
        hits.append(
            SearchHit(
                id=article_id,
                site=row.name,
                title=row.title,
                url=row.canonical_url,
                published_at=local_time(published, row.timezone),
                score=score,
                snippet=" ".join(snippets.get(article_id, "").split()),
            )
        )
    return hits
