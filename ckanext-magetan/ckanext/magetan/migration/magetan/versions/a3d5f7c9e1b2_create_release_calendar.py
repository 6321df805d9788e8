"""The release calendar: periods, entries, the log of date changes (append
only), subscriptions and their deliveries.

Revision ID: a3d5f7c9e1b2
Revises: e71b3c9a5d42
Create Date: 2026-12-04
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "a3d5f7c9e1b2"
down_revision = "e71b3c9a5d42"
branch_labels = None
depends_on = None

TZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "magetan_release_period",
        sa.Column("id", sa.UnicodeText, primary_key=True),
        sa.Column("name", sa.UnicodeText, nullable=False, unique=True),
        sa.Column("title", sa.UnicodeText, nullable=False),
        sa.Column("kind", sa.UnicodeText, nullable=False),
        sa.Column("release_at", TZ, nullable=False),
        sa.Column("deadline_at", TZ, nullable=False),
        sa.Column("description", sa.UnicodeText),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("created_by", sa.UnicodeText, nullable=False),
        sa.CheckConstraint("deadline_at <= release_at",
                           name="magetan_release_period_deadline_first"),
    )
    op.create_table(
        "magetan_release_entry",
        sa.Column("id", sa.UnicodeText, primary_key=True),
        sa.Column("title", sa.UnicodeText, nullable=False),
        sa.Column("owner_org", sa.UnicodeText,
                  sa.ForeignKey("group.id", ondelete="SET NULL")),
        sa.Column("sector", sa.UnicodeText,
                  sa.ForeignKey("group.id", ondelete="SET NULL")),
        sa.Column("period_covered", sa.UnicodeText),
        sa.Column("period_id", sa.UnicodeText,
                  sa.ForeignKey("magetan_release_period.id",
                                ondelete="SET NULL")),
        sa.Column("planned_at", TZ),
        sa.Column("planned_month", sa.Date),
        sa.Column("status", sa.UnicodeText, nullable=False),
        sa.Column("notice", sa.UnicodeText),
        sa.Column("contact", sa.UnicodeText),
        sa.Column("package_id", sa.UnicodeText,
                  sa.ForeignKey("package.id", ondelete="SET NULL")),
        sa.Column("version_id", sa.UnicodeText),
        sa.Column("released_at", TZ),
        sa.Column("extension_until", TZ),
        sa.Column("extension_reason", sa.UnicodeText),
        sa.Column("sequence", sa.Integer, nullable=False,
                  server_default="0"),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("created_by", sa.UnicodeText, nullable=False),
        sa.Column("modified_at", TZ, nullable=False),
        sa.CheckConstraint(
            "status IN ('provisional', 'confirmed', 'postponed', "
            "'cancelled', 'published')",
            name="magetan_release_entry_status"),
    )
    op.create_index("magetan_release_entry_when_idx",
                    "magetan_release_entry", ["planned_at"])
    op.create_index("magetan_release_entry_package_idx",
                    "magetan_release_entry", ["package_id"])
    op.create_table(
        "magetan_release_change",
        sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=True),
        sa.Column("entry_id", sa.UnicodeText,
                  sa.ForeignKey("magetan_release_entry.id"), nullable=False),
        sa.Column("at", TZ, nullable=False),
        sa.Column("user_name", sa.UnicodeText, nullable=False),
        sa.Column("kind", sa.UnicodeText, nullable=False),
        sa.Column("previous_status", sa.UnicodeText),
        sa.Column("status", sa.UnicodeText, nullable=False),
        sa.Column("previous_at", TZ),
        sa.Column("previous_month", sa.Date),
        sa.Column("planned_at", TZ),
        sa.Column("planned_month", sa.Date),
        sa.Column("reason", sa.UnicodeText),
    )
    op.create_index("magetan_release_change_entry_idx",
                    "magetan_release_change", ["entry_id", "id"])
    # The public's record of date changes is append-only, as the audit
    # trail is.
    op.execute("""
        CREATE OR REPLACE FUNCTION magetan_release_change_append_only()
        RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            RAISE EXCEPTION 'magetan_release_change is append-only'
                USING ERRCODE = 'insufficient_privilege';
        END $$""")
    op.execute("""
        CREATE TRIGGER magetan_release_change_no_change
        BEFORE UPDATE OR DELETE ON magetan_release_change
        FOR EACH ROW EXECUTE FUNCTION magetan_release_change_append_only()""")
    op.execute("""
        CREATE TRIGGER magetan_release_change_no_truncate
        BEFORE TRUNCATE ON magetan_release_change
        FOR EACH STATEMENT
        EXECUTE FUNCTION magetan_release_change_append_only()""")
    op.create_table(
        "magetan_release_subscription",
        sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=True),
        sa.Column("email", sa.UnicodeText, nullable=False),
        sa.Column("target_kind", sa.UnicodeText, nullable=False),
        sa.Column("target_id", sa.UnicodeText, nullable=False),
        sa.Column("token", sa.UnicodeText, nullable=False, unique=True),
        sa.Column("language", sa.UnicodeText, nullable=False),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("confirmation_sent_at", TZ),
        sa.Column("confirmed_at", TZ),
        sa.Column("unsubscribed_at", TZ),
    )
    op.create_index("magetan_release_subscription_target_idx",
                    "magetan_release_subscription",
                    ["target_kind", "target_id"])
    op.create_index("magetan_release_subscription_email_idx",
                    "magetan_release_subscription", ["email"])
    op.create_table(
        "magetan_release_delivery",
        sa.Column("subscription_id", sa.BigInteger,
                  sa.ForeignKey("magetan_release_subscription.id",
                                ondelete="CASCADE"), primary_key=True),
        sa.Column("entry_id", sa.UnicodeText,
                  sa.ForeignKey("magetan_release_entry.id",
                                ondelete="CASCADE"), primary_key=True),
        sa.Column("queued_at", TZ, nullable=False),
        sa.Column("sent_at", TZ),
        sa.Column("error", sa.UnicodeText),
    )


def downgrade() -> None:
    op.drop_table("magetan_release_delivery")
    op.drop_table("magetan_release_subscription")
    op.drop_table("magetan_release_change")
    op.execute("DROP FUNCTION IF EXISTS magetan_release_change_append_only()")
    op.drop_table("magetan_release_entry")
    op.drop_table("magetan_release_period")
