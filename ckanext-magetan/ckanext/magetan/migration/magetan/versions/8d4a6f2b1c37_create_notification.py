"""Notifications of the workflow: in the portal, and by e-mail.

Revision ID: 8d4a6f2b1c37
Revises: 5b2e8c1d4f60
Create Date: 2026-12-02
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "8d4a6f2b1c37"
down_revision = "5b2e8c1d4f60"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "magetan_notification",
        sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=True),
        sa.Column("user_id", sa.UnicodeText,
                  sa.ForeignKey("user.id", ondelete="CASCADE"),
                  nullable=False),
        # the dataset may be purged (a merged revision): no foreign key
        sa.Column("package_id", sa.UnicodeText, nullable=False),
        sa.Column("event_id", sa.BigInteger, nullable=False),
        sa.Column("kind", sa.UnicodeText, nullable=False),
        sa.Column("created", sa.DateTime(timezone=True), nullable=False),
        sa.Column("read_at", sa.DateTime(timezone=True)),
        sa.Column("emailed_at", sa.DateTime(timezone=True)),
        sa.Column("email_error", sa.UnicodeText),
    )
    op.create_index("magetan_notification_user_idx", "magetan_notification",
                    ["user_id", "id"])


def downgrade() -> None:
    op.drop_table("magetan_notification")
