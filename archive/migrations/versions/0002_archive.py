"""archive for archivists: full-text search, fetch evidence, convenience views

Revision ID: 0002_archive
Revises: 0003_stories
Create Date: 2026-12-01

Written by hand because most of it is dialect-specific DDL that Alembic cannot
autogenerate: on SQLite an FTS5 external-content table kept in sync by triggers;
on PostgreSQL a ``tsvector`` column on ``articles`` kept in sync by a trigger and a
GIN index. Triggers (not application code) keep the index right, so any writer
(the store pipeline, a script, ``sqlite3``/``psql`` by hand) keeps it consistent.
Existing rows are indexed here.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002_archive"
down_revision = "0003_stories"
branch_labels = None
# 0003_stories rebuilds ``articles`` in SQLite batch mode (copy, drop, rename), which
# fails while a view names the table and would drop the FTS triggers: it must run
# first. Any later migration that rebuilds ``articles`` on SQLite must drop the views
# and triggers below before, and re-create them after (see docs/schema.md).
depends_on = None

# The FTS5 columns, in order: bm25() weights in archive.search follow this order.
SQLITE_FTS = """
CREATE VIRTUAL TABLE articles_fts USING fts5(
    title, lead, body,
    content='articles', content_rowid='id',
    tokenize='unicode61 remove_diacritics 2'
)
"""
SQLITE_TRIGGERS = (
    """
    CREATE TRIGGER articles_fts_after_insert AFTER INSERT ON articles BEGIN
        INSERT INTO articles_fts (rowid, title, lead, body)
        VALUES (new.id, new.title, new.lead, new.body);
    END
    """,
    # An external-content FTS5 table is told what to forget with the OLD values.
    """
    CREATE TRIGGER articles_fts_after_delete AFTER DELETE ON articles BEGIN
        INSERT INTO articles_fts (articles_fts, rowid, title, lead, body)
        VALUES ('delete', old.id, old.title, old.lead, old.body);
    END
    """,
    """
    CREATE TRIGGER articles_fts_after_update AFTER UPDATE OF title, lead, body ON articles
    BEGIN
        INSERT INTO articles_fts (articles_fts, rowid, title, lead, body)
        VALUES ('delete', old.id, old.title, old.lead, old.body);
        INSERT INTO articles_fts (rowid, title, lead, body)
        VALUES (new.id, new.title, new.lead, new.body);
    END
    """,
)

# 'simple': PostgreSQL ships no Indonesian configuration, and an English or other
# stemmer would mangle Indonesian words; 'simple' lower-cases and keeps every word.
PG_DOCUMENT = """
    setweight(to_tsvector('simple', coalesce({row}title, '')), 'A')
    || setweight(to_tsvector('simple', coalesce({row}lead, '')), 'B')
    || setweight(to_tsvector('simple', coalesce({row}body, '')), 'C')
"""
PG_FUNCTION = f"""
CREATE FUNCTION articles_search_vector_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.search_vector := {PG_DOCUMENT.format(row="NEW.")};
    RETURN NEW;
END
$$
"""
PG_TRIGGER = """
CREATE TRIGGER articles_search_vector_update
BEFORE INSERT OR UPDATE OF title, lead, body ON articles
FOR EACH ROW EXECUTE FUNCTION articles_search_vector_update()
"""


def _terms_text(dialect: str, kind: str) -> str:
    """A correlated subquery: the article's terms of ``kind`` as ``"a; b"`` in page order."""
    if dialect == "postgresql":
        return (
            "(SELECT string_agg(t.name, '; ' ORDER BY at.position) "
            "FROM article_terms at JOIN terms t ON t.id = at.term_id "
            f"WHERE at.article_id = a.id AND t.kind = '{kind}')"
        )
    # SQLite before 3.44 has no ORDER BY inside group_concat(); an ordered
    # subquery is what it aggregates in order.
    return (
        "(SELECT group_concat(name, '; ') FROM (SELECT t.name FROM article_terms at "
        "JOIN terms t ON t.id = at.term_id "
        f"WHERE at.article_id = a.id AND t.kind = '{kind}' ORDER BY at.position))"
    )


def _views(dialect: str) -> dict[str, str]:
    if dialect == "postgresql":
        authors = "(SELECT string_agg(value, '; ') FROM json_array_elements_text(a.authors))"
        published_date = "(a.published_at AT TIME ZONE 'UTC')::date"
        fetched_date = "(f.fetched_at AT TIME ZONE 'UTC')::date"
    else:
        authors = "(SELECT group_concat(value, '; ') FROM json_each(a.authors))"
        published_date = "date(a.published_at)"
        fetched_date = "date(f.fetched_at)"
    return {
        "article_view": f"""
            SELECT a.id, s.name AS site, s.region AS site_region, a.title,
                   a.canonical_url, a.url, a.published_at, {published_date} AS published_date,
                   a.modified_at, {authors} AS authors, a.lead, a.body, a.location,
                   a.language, {_terms_text(dialect, "tag")} AS tags,
                   {_terms_text(dialect, "category")} AS categories,
                   {_terms_text(dialect, "topic")} AS topics,
                   {_terms_text(dialect, "region")} AS regions,
                   a.story_id, a.duplicate_of, a.image_url, a.fetched_at,
                   a.first_seen_at, a.updated_at
            FROM articles a JOIN sites s ON s.id = a.site_id
        """,
        "article_term_view": f"""
            SELECT at.article_id, s.name AS site, s.region AS site_region, t.kind,
                   t.name AS term, at.position, a.published_at,
                   {published_date} AS published_date, a.title
            FROM article_terms at
            JOIN terms t ON t.id = at.term_id
            JOIN articles a ON a.id = at.article_id
            JOIN sites s ON s.id = a.site_id
        """,
        # Fetches are linked to articles by id when known at fetch time, else by URL.
        "fetch_view": f"""
            SELECT f.id, f.url, f.status, f.fetched_at, {fetched_date} AS fetched_date,
                   f.blob_sha256, b.size AS body_size,
                   coalesce(f.article_id, (SELECT a.id FROM articles a
                       WHERE a.canonical_url = f.url OR a.url = f.url
                       ORDER BY a.id LIMIT 1)) AS article_id
            FROM fetches f LEFT JOIN fetch_blobs b ON b.sha256 = f.blob_sha256
        """,
    }


def upgrade() -> None:
    dialect = op.get_bind().dialect.name

    op.create_table(
        "fetch_blobs",
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("compression", sa.String(length=16), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("sha256", name=op.f("pk_fetch_blobs")),
    )
    op.create_table(
        "fetches",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("request_url", sa.Text(), nullable=False),
        sa.Column("method", sa.String(length=16), nullable=False),
        sa.Column("request_headers", sa.JSON(), nullable=False),
        sa.Column("status", sa.Integer(), nullable=False),
        sa.Column("protocol", sa.String(length=16), nullable=True),
        sa.Column("headers", sa.JSON(), nullable=False),
        sa.Column("blob_sha256", sa.String(length=64), nullable=False),
        sa.Column("fetched_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("article_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["blob_sha256"],
            ["fetch_blobs.sha256"],
            name=op.f("fk_fetches_blob_sha256_fetch_blobs"),
        ),
        sa.ForeignKeyConstraint(
            ["article_id"],
            ["articles.id"],
            name=op.f("fk_fetches_article_id_articles"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_fetches")),
    )
    op.create_index(op.f("ix_fetches_url"), "fetches", ["url"])
    op.create_index(op.f("ix_fetches_fetched_at"), "fetches", ["fetched_at"])
    op.create_index(op.f("ix_fetches_article_id"), "fetches", ["article_id"])
    op.create_index(op.f("ix_fetches_blob_sha256"), "fetches", ["blob_sha256"])
    # Fetches are joined to articles by URL as well as by id (see fetch_view).
    op.create_index(op.f("ix_articles_url"), "articles", ["url"])

    if dialect == "sqlite":
        op.execute(SQLITE_FTS)
        for trigger in SQLITE_TRIGGERS:
            op.execute(trigger)
        op.execute("INSERT INTO articles_fts (articles_fts) VALUES ('rebuild')")
        # What a filtered search reads per match (archive.search joins through it with
        # INDEXED BY): a small index instead of the article's large row.
        op.create_index("ix_articles_search_filters", "articles", ["id", "site_id", "published_at"])
    elif dialect == "postgresql":
        op.add_column("articles", sa.Column("search_vector", sa.dialects.postgresql.TSVECTOR()))
        op.execute(PG_FUNCTION)
        op.execute(PG_TRIGGER)
        op.execute(f"UPDATE articles SET search_vector = {PG_DOCUMENT.format(row='')}")
        op.create_index(
            "ix_articles_search_vector",
            "articles",
            ["search_vector"],
            postgresql_using="gin",
        )
    else:  # pragma: no cover - kabar supports these two
        raise NotImplementedError(f"full-text search is not built for {dialect}")

    for name, select in _views(dialect).items():
        op.execute(f"CREATE VIEW {name} AS {select}")


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    for name in reversed(list(_views(dialect))):
        op.execute(f"DROP VIEW IF EXISTS {name}")
    if dialect == "sqlite":
        for trigger in ("insert", "delete", "update"):
            op.execute(f"DROP TRIGGER IF EXISTS articles_fts_after_{trigger}")
        op.execute("DROP TABLE IF EXISTS articles_fts")
        op.drop_index("ix_articles_search_filters", table_name="articles")
    elif dialect == "postgresql":
        op.drop_index("ix_articles_search_vector", table_name="articles")
        op.execute("DROP TRIGGER IF EXISTS articles_search_vector_update ON articles")
        op.execute("DROP FUNCTION IF EXISTS articles_search_vector_update()")
        op.drop_column("articles", "search_vector")
    op.drop_index(op.f("ix_articles_url"), table_name="articles")
    op.drop_index(op.f("ix_fetches_blob_sha256"), table_name="fetches")
    op.drop_index(op.f("ix_fetches_article_id"), table_name="fetches")
    op.drop_index(op.f("ix_fetches_fetched_at"), table_name="fetches")
    op.drop_index(op.f("ix_fetches_url"), table_name="fetches")
    op.drop_table("fetches")
    op.drop_table("fetch_blobs")
