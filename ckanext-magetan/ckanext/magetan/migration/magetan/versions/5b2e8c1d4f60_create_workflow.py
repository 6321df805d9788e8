"""The SOP workflow: versions' states, the append-only audit trail, the
Walidata roles.

Datasets already there are taken in as they are: a public active dataset
as published, anything else as a draft.

Revision ID: 5b2e8c1d4f60
Revises: 97a807c9c7d7
Create Date: 2026-12-02
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "5b2e8c1d4f60"
down_revision = "97a807c9c7d7"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "magetan_workflow",
        sa.Column("package_id", sa.UnicodeText,
                  sa.ForeignKey("package.id", ondelete="CASCADE"),
                  primary_key=True),
        sa.Column("state", sa.UnicodeText, nullable=False),
        sa.Column("since", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revision_of", sa.UnicodeText,
                  sa.ForeignKey("package.id", ondelete="CASCADE")),
        sa.Column("revision_number", sa.Integer),
        sa.Column("release_at", sa.DateTime(timezone=True)),
        # a revision: what changes and why, and which of its resources
        # replace which public resource ({revision resource id: public id})
        sa.Column("change_note", sa.UnicodeText),
        sa.Column("resource_map", postgresql.JSONB, nullable=False,
                  server_default="{}"),
        sa.CheckConstraint(
            "state IN ('draft', 'opd_review', 'submitted', 'verified', "
            "'approved', 'scheduled', 'published')",
            name="magetan_workflow_state_check"),
    )
    op.create_index("magetan_workflow_state_idx", "magetan_workflow",
                    ["state"])
    # one revision in progress per published dataset
    op.create_index("magetan_workflow_one_revision_idx", "magetan_workflow",
                    ["revision_of"], unique=True)

    op.create_table(
        "magetan_workflow_event",
        sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=True),
        sa.Column("package_id", sa.UnicodeText, nullable=False),
        sa.Column("indicator_id", sa.UnicodeText, nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("user_id", sa.UnicodeText),
        sa.Column("user_name", sa.UnicodeText, nullable=False),
        sa.Column("role", sa.UnicodeText, nullable=False),
        sa.Column("transition", sa.UnicodeText, nullable=False),
        sa.Column("from_state", sa.UnicodeText),
        sa.Column("to_state", sa.UnicodeText, nullable=False),
        sa.Column("reason", sa.UnicodeText),
        sa.Column("forum_date", sa.Date),
        sa.Column("forum_minutes_number", sa.UnicodeText),
        sa.Column("forum_notes", sa.UnicodeText),
        sa.Column("release_at", sa.DateTime(timezone=True)),
        sa.Column("override_reason", sa.UnicodeText),
        sa.Column("extras", postgresql.JSONB, nullable=False,
                  server_default="{}"),
    )
    op.create_index("magetan_workflow_event_indicator_idx",
                    "magetan_workflow_event", ["indicator_id", "id"])
    op.create_index("magetan_workflow_event_package_idx",
                    "magetan_workflow_event", ["package_id", "id"])
    # The audit trail is append-only: no UPDATE, DELETE or TRUNCATE.
    op.execute("""
        CREATE OR REPLACE FUNCTION magetan_workflow_event_append_only() RETURNS trigger
        LANGUAGE plpgsql AS $$
        BEGIN
            RAISE EXCEPTION 'magetan_workflow_event is append-only'
                USING ERRCODE = 'insufficient_privilege';
        END $$""")
    op.execute("""
        CREATE TRIGGER magetan_workflow_event_no_change
        BEFORE UPDATE OR DELETE ON magetan_workflow_event
        FOR EACH ROW EXECUTE FUNCTION magetan_workflow_event_append_only()""")
    op.execute("""
        CREATE TRIGGER magetan_workflow_event_no_truncate
        BEFORE TRUNCATE ON magetan_workflow_event
        FOR EACH STATEMENT
        EXECUTE FUNCTION magetan_workflow_event_append_only()""")

    # Every published version of an indicator, as it was published.
    op.create_table(
        "magetan_workflow_version",
        sa.Column("indicator_id", sa.UnicodeText, primary_key=True),
        sa.Column("number", sa.Integer, primary_key=True),
        sa.Column("published_at", sa.DateTime(timezone=True),
                  nullable=False),
        sa.Column("published_by", sa.UnicodeText, nullable=False),
        sa.Column("change_note", sa.UnicodeText),
        sa.Column("dataset", postgresql.JSONB, nullable=False),
    )

    op.create_table(
        "magetan_role",
        sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=True),
        sa.Column("user_id", sa.UnicodeText,
                  sa.ForeignKey("user.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("role", sa.UnicodeText, nullable=False),
        sa.Column("granted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("granted_by", sa.UnicodeText, nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True)),
        sa.Column("revoked_by", sa.UnicodeText),
        sa.CheckConstraint(
            "role IN ('staf', 'statistisi', 'kasi', 'kabid', 'kadin')",
            name="magetan_role_role_check"),
    )
    op.create_index("magetan_role_held_idx", "magetan_role",
                    ["user_id", "role"], unique=True,
                    postgresql_where=sa.text("revoked_at IS NULL"))

    op.execute("""
        INSERT INTO magetan_workflow (package_id, state, since)
        SELECT id,
               CASE WHEN state = 'active' AND NOT private
                    THEN 'published' ELSE 'draft' END,
               COALESCE(metadata_modified, now())
        FROM package WHERE state <> 'deleted'""")


def downgrade() -> None:
    op.drop_table("magetan_role")
    op.drop_table("magetan_workflow_version")
    op.execute("DROP TABLE magetan_workflow_event")
    op.execute("DROP FUNCTION magetan_workflow_event_append_only()")
    op.drop_table("magetan_workflow")
