"""The workflow's tables (created by the magetan plugin's migrations).

They live on a metadata of their own, not CKAN's: ``ckan db clean`` and
the test suite's ``delete_all`` empty CKAN's tables, and the audit trail
refuses deletion (a trigger), so it must not be in that list. The rows of
``magetan_workflow`` and ``magetan_role`` go with their dataset and user
through foreign keys that cascade.
"""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB

metadata = sa.MetaData()

workflow = sa.Table(
    "magetan_workflow", metadata,
    sa.Column("package_id", sa.UnicodeText,
              sa.ForeignKey("package.id", ondelete="CASCADE"),
              primary_key=True),
    sa.Column("state", sa.UnicodeText, nullable=False),
    sa.Column("since", sa.DateTime(timezone=True), nullable=False),
    # a revision: the published dataset it will replace, and its number
    sa.Column("revision_of", sa.UnicodeText,
              sa.ForeignKey("package.id", ondelete="CASCADE"),
              nullable=True),
    sa.Column("revision_number", sa.Integer, nullable=True),
    sa.Column("release_at", sa.DateTime(timezone=True), nullable=True),
    sa.Column("change_note", sa.UnicodeText, nullable=True),
    sa.Column("resource_map", JSONB, nullable=False, server_default="{}"),
)

version = sa.Table(
    "magetan_workflow_version", metadata,
    sa.Column("indicator_id", sa.UnicodeText, primary_key=True),
    sa.Column("number", sa.Integer, primary_key=True),
    sa.Column("published_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("published_by", sa.UnicodeText, nullable=False),
    sa.Column("change_note", sa.UnicodeText, nullable=True),
    sa.Column("dataset", JSONB, nullable=False),
)

event = sa.Table(
    "magetan_workflow_event", metadata,
    sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=True),
    # the version the event is about, and the indicator (the public
    # dataset) it belongs to: a revision is purged when it is published,
    # its events stay, under the indicator
    sa.Column("package_id", sa.UnicodeText, nullable=False),
    sa.Column("indicator_id", sa.UnicodeText, nullable=False),
    sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("user_id", sa.UnicodeText, nullable=True),
    sa.Column("user_name", sa.UnicodeText, nullable=False),
    sa.Column("role", sa.UnicodeText, nullable=False),
    sa.Column("transition", sa.UnicodeText, nullable=False),
    sa.Column("from_state", sa.UnicodeText, nullable=True),
    sa.Column("to_state", sa.UnicodeText, nullable=False),
    sa.Column("reason", sa.UnicodeText, nullable=True),
    sa.Column("forum_date", sa.Date, nullable=True),
    sa.Column("forum_minutes_number", sa.UnicodeText, nullable=True),
    sa.Column("forum_notes", sa.UnicodeText, nullable=True),
    sa.Column("release_at", sa.DateTime(timezone=True), nullable=True),
    sa.Column("override_reason", sa.UnicodeText, nullable=True),
    sa.Column("extras", JSONB, nullable=False, server_default="{}"),
)

role = sa.Table(
    "magetan_role", metadata,
    sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=True),
    sa.Column("user_id", sa.UnicodeText,
              sa.ForeignKey("user.id", ondelete="CASCADE"), nullable=False),
    sa.Column("role", sa.UnicodeText, nullable=False),
    sa.Column("granted_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("granted_by", sa.UnicodeText, nullable=False),
    sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
    sa.Column("revoked_by", sa.UnicodeText, nullable=True),
)
