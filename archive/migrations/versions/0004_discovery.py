"""Discovery state per site and HTTP validators for conditional requests.

Revision ID: 0004_discovery
Revises: 0002_archive
Create Date: 2026-11-28
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004_discovery"
down_revision = "0002_archive"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "site_discovery",
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.Column("strategy", sa.String(length=16), nullable=True),
        sa.Column("api_root", sa.Text(), nullable=True),
        sa.Column("feeds", sa.JSON(), nullable=False),
        sa.Column("sitemaps", sa.JSON(), nullable=False),
        sa.Column("last_success_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["site_id"],
            ["sites.id"],
            name=op.f("fk_site_discovery_site_id_sites"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("site_id", name=op.f("pk_site_discovery")),
    )
    op.create_table(
        "http_validators",
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("etag", sa.Text(), nullable=True),
        sa.Column("last_modified", sa.Text(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("url", name=op.f("pk_http_validators")),
    )


def downgrade() -> None:
    op.drop_table("http_validators")
    op.drop_table("site_discovery")
