"""Review comments: per field or resource of a version, a reviewer's
verdict (sesuai / tidak sesuai / tidak terisi) and feedback, and the OPD's
response.

A comment is kept as written: only its response may change, and no row is
deleted (a trigger refuses).

Revision ID: c4e9a7d2b813
Revises: 8d4a6f2b1c37
Create Date: 2026-12-02
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "c4e9a7d2b813"
down_revision = "8d4a6f2b1c37"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "magetan_review_comment",
        sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=True),
        # no foreign key: a published revision is purged, its comments stay
        sa.Column("package_id", sa.UnicodeText, nullable=False),
        sa.Column("indicator_id", sa.UnicodeText, nullable=False),
        sa.Column("round", sa.Integer, nullable=False),
        sa.Column("state", sa.UnicodeText, nullable=False),
        sa.Column("target_kind", sa.UnicodeText, nullable=False),
        sa.Column("target", sa.UnicodeText, nullable=False),
        sa.Column("target_label", sa.UnicodeText, nullable=False),
        sa.Column("verdict", sa.UnicodeText, nullable=False),
        sa.Column("feedback", sa.UnicodeText),
        sa.Column("user_id", sa.UnicodeText),
        sa.Column("user_name", sa.UnicodeText, nullable=False),
        sa.Column("role", sa.UnicodeText, nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("response", sa.UnicodeText),
        sa.Column("responded_by", sa.UnicodeText),
        sa.Column("responded_at", sa.DateTime(timezone=True)),
        sa.CheckConstraint("target_kind IN ('field', 'resource')",
                           name="magetan_review_comment_kind"),
        sa.CheckConstraint(
            "verdict IN ('sesuai', 'tidak_sesuai', 'tidak_terisi')",
            name="magetan_review_comment_verdict"),
    )
    op.create_index("magetan_review_comment_package_idx",
                    "magetan_review_comment", ["package_id", "id"])
    op.create_index("magetan_review_comment_indicator_idx",
                    "magetan_review_comment", ["indicator_id", "id"])
    op.execute("""
        CREATE OR REPLACE FUNCTION magetan_review_comment_kept() RETURNS trigger
        LANGUAGE plpgsql AS $$
        BEGIN
            IF TG_OP = 'UPDATE'
               AND (to_jsonb(NEW) - 'response' - 'responded_by'
                    - 'responded_at')
                 = (to_jsonb(OLD) - 'response' - 'responded_by'
                    - 'responded_at') THEN
                RETURN NEW;
            END IF;
            RAISE EXCEPTION 'a review comment is kept as written'
                USING ERRCODE = 'insufficient_privilege';
        END $$""")
    op.execute("""
        CREATE TRIGGER magetan_review_comment_no_change
        BEFORE UPDATE OR DELETE ON magetan_review_comment
        FOR EACH ROW EXECUTE FUNCTION magetan_review_comment_kept()""")
    op.execute("""
        CREATE TRIGGER magetan_review_comment_no_truncate
        BEFORE TRUNCATE ON magetan_review_comment
        FOR EACH STATEMENT EXECUTE FUNCTION magetan_review_comment_kept()""")


def downgrade() -> None:
    op.drop_table("magetan_review_comment")
    op.execute("DROP FUNCTION IF EXISTS magetan_review_comment_kept()")
