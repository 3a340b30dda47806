"""Site locks, the adaptive crawl schedule, and URLs known to give no article.

Revision ID: 0005_operations
Revises: 0004_discovery
Create Date: 2026-11-28
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005_operations"
down_revision = "0004_discovery"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "site_locks",
        sa.Column("site_name", sa.String(length=64), nullable=False),
        sa.Column("holder", sa.String(length=255), nullable=False),
        sa.Column("acquired_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("site_name", name=op.f("pk_site_locks")),
    )
    op.create_table(
        "site_schedule",
        sa.Column("site_name", sa.String(length=64), nullable=False),
        sa.Column("next_crawl_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("interval_s", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("site_name", name=op.f("pk_site_schedule")),
    )

    op.create_table(
        "dead_urls",
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("site_name", sa.String(length=64), nullable=False),
        sa.Column("reason", sa.String(length=64), nullable=False),
        sa.Column("checked_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("url", name=op.f("pk_dead_urls")),
    )
    with op.batch_alter_table("dead_urls") as batch:
        batch.create_index(batch.f("ix_dead_urls_site_name"), ["site_name"], unique=False)


def downgrade() -> None:
    op.drop_table("dead_urls")
    op.drop_table("site_schedule")
    op.drop_table("site_locks")
