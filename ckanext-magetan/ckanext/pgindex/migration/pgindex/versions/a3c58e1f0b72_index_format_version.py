"""Record the format of the search index (pgindex_meta).

Revision ID: a3c58e1f0b72
Revises: 6bfaa16206be
Create Date: 2026-12-02
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "a3c58e1f0b72"
down_revision = "6bfaa16206be"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # One row per site (ckan.site_id): what the site's index rows were last
    # fully rebuilt with. Start-up compares it with what the running code
    # and configuration would write.
    op.create_table(
        "pgindex_meta",
        sa.Column("site_id", sa.UnicodeText, primary_key=True),
        sa.Column("document_format", sa.Integer, nullable=False),
        sa.Column("facet_fields", postgresql.ARRAY(sa.UnicodeText),
                  nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False,
                  server_default=sa.func.now()),
    )


def downgrade() -> None:
    op.drop_table("pgindex_meta")
