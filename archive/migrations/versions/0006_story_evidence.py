"""Story evidence: per-site sentence counts (boilerplate) and an article's names and dates.

Revision ID: 0006_story_evidence
Revises: 0005_operations
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006_story_evidence"
down_revision = "0005_operations"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "site_sentences",
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.Column("sentence_key", sa.BigInteger(), nullable=False),
        sa.Column("articles", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["site_id"],
            ["sites.id"],
            name=op.f("fk_site_sentences_site_id_sites"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("site_id", "sentence_key", name=op.f("pk_site_sentences")),
        sqlite_with_rowid=False,
    )
    op.create_table(
        "article_facts",
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("names", sa.LargeBinary(), nullable=False),
        sa.Column("dates", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["article_id"],
            ["articles.id"],
            name=op.f("fk_article_facts_article_id_articles"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("article_id", name=op.f("pk_article_facts")),
    )


def downgrade() -> None:
    op.drop_table("article_facts")
    op.drop_table("site_sentences")
