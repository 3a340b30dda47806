"""stories: URL identity key, near-duplicate index, story links, revisions

Revision ID: 0003_stories
Revises: 0001
Create Date: 2026-11-28

Adds ``articles.url_key`` (unique), ``articles.story_id`` and ``articles.duplicate_of``,
and the tables ``revisions``, ``article_signatures`` and ``article_bands``.
Existing articles get their URL key and become one-copy stories; they enter the
near-duplicate index when next crawled with a changed body, or by re-crawling.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import sqlalchemy as sa
from alembic import op

revision = "0003_stories"
down_revision = "0001"
branch_labels = None
depends_on = None


def _url_key(url: str) -> str:
    # Frozen copy of archive.stories.url_key as of this revision: migrations must
    # not change meaning when the application code does.
    parts = urlsplit(url)
    host = parts.netloc.lower().removeprefix("www.")
    return f"{host}{parts.path or '/'}" + (f"?{parts.query}" if parts.query else "")


def upgrade() -> None:
    with op.batch_alter_table("articles", schema=None) as batch_op:
        batch_op.add_column(sa.Column("url_key", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("story_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("duplicate_of", sa.Integer(), nullable=True))

    connection = op.get_bind()
    articles = sa.table(
        "articles",
        sa.column("id", sa.Integer()),
        sa.column("canonical_url", sa.Text()),
        sa.column("url_key", sa.Text()),
        sa.column("story_id", sa.Integer()),
    )
    taken: set[str] = set()
    rows = connection.execute(
        sa.select(articles.c.id, articles.c.canonical_url).order_by(articles.c.id)
    ).all()
    for article_id, url in rows:
        key = _url_key(url)
        if key in taken:
            # http and https copies stored before this revision stay two rows; the
            # later one keeps its full URL as key (never equal to a scheme-less key).
            key = url
        taken.add(key)
        connection.execute(
            sa.update(articles)
            .where(articles.c.id == article_id)
            .values(url_key=key, story_id=article_id)
        )

    with op.batch_alter_table("articles", schema=None) as batch_op:
        batch_op.alter_column("url_key", existing_type=sa.Text(), nullable=False)
        batch_op.create_unique_constraint(op.f("uq_articles_url_key"), ["url_key"])
        batch_op.create_foreign_key(
            op.f("fk_articles_duplicate_of_articles"),
            "articles",
            ["duplicate_of"],
            ["id"],
            ondelete="SET NULL",
        )
        batch_op.create_index(batch_op.f("ix_articles_story_id"), ["story_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_articles_duplicate_of"), ["duplicate_of"], unique=False
        )

    op.create_table(
        "revisions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("changed_fields", sa.JSON(), nullable=False),
        sa.Column("title", sa.Text(), nullable=True),
        sa.Column("body", sa.Text(), nullable=True),
        sa.Column("body_html", sa.Text(), nullable=True),
        sa.Column("modified_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("fetched_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["article_id"],
            ["articles.id"],
            name=op.f("fk_revisions_article_id_articles"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_revisions")),
    )
    with op.batch_alter_table("revisions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_revisions_article_id"), ["article_id"], unique=False)

    op.create_table(
        "article_signatures",
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("minhash", sa.LargeBinary(), nullable=False),
        sa.Column("shingle_count", sa.Integer(), nullable=False),
        sa.Column("numbers", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["article_id"],
            ["articles.id"],
            name=op.f("fk_article_signatures_article_id_articles"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("article_id", name=op.f("pk_article_signatures")),
    )
    op.create_table(
        "article_bands",
        sa.Column("band_key", sa.BigInteger(), nullable=False),
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["article_id"],
            ["articles.id"],
            name=op.f("fk_article_bands_article_id_articles"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("band_key", "article_id", name=op.f("pk_article_bands")),
        sqlite_with_rowid=False,
    )
    with op.batch_alter_table("article_bands", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_article_bands_article_id"), ["article_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("article_bands", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_article_bands_article_id"))
    op.drop_table("article_bands")
    op.drop_table("article_signatures")
    with op.batch_alter_table("revisions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_revisions_article_id"))
    op.drop_table("revisions")
    with op.batch_alter_table("articles", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_articles_duplicate_of"))
        batch_op.drop_index(batch_op.f("ix_articles_story_id"))
        batch_op.drop_constraint(op.f("fk_articles_duplicate_of_articles"), type_="foreignkey")
        batch_op.drop_constraint(op.f("uq_articles_url_key"), type_="unique")
        batch_op.drop_column("duplicate_of")
        batch_op.drop_column("story_id")
        batch_op.drop_column("url_key")
