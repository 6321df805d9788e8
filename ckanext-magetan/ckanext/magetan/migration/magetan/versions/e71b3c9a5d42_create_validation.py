"""Validation results: one row per tabular resource, with its status
(pending, success, failure, error), the frictionless report and what it was
computed from.

Revision ID: e71b3c9a5d42
Revises: c4e9a7d2b813
Create Date: 2026-12-03
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "e71b3c9a5d42"
down_revision = "c4e9a7d2b813"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "magetan_validation",
        sa.Column("resource_id", sa.UnicodeText, primary_key=True),
        sa.Column("package_id", sa.UnicodeText, nullable=False),
        sa.Column("status", sa.UnicodeText, nullable=False),
        sa.Column("fingerprint", sa.UnicodeText, nullable=False),
        sa.Column("created", sa.DateTime(timezone=True), nullable=False),
        sa.Column("started", sa.DateTime(timezone=True)),
        sa.Column("finished", sa.DateTime(timezone=True)),
        sa.Column("report", JSONB),
        sa.Column("error", JSONB),
        sa.Column("warnings", JSONB, nullable=False, server_default="[]"),
        sa.Column("inferred_dialect", JSONB),
        sa.Column("job_id", sa.UnicodeText),
        sa.CheckConstraint(
            "status IN ('pending', 'success', 'failure', 'error')",
            name="magetan_validation_status"),
    )
    op.create_index("magetan_validation_package", "magetan_validation",
                    ["package_id"])


def downgrade() -> None:
    op.drop_table("magetan_validation")
