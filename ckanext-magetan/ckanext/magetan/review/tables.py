"""The review comments' table (a migration of the magetan plugin creates
it), on the workflow's metadata of its own, for the same reason: the test
suite's ``delete_all`` must not reach the audit trail."""
from __future__ import annotations

import sqlalchemy as sa

from ckanext.magetan.workflow.tables import metadata

comment = sa.Table(
    "magetan_review_comment", metadata,
    sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=True),
    # the version commented on, and the indicator it belongs to: like the
    # workflow's events, comments outlive a revision purged once published
    sa.Column("package_id", sa.UnicodeText, nullable=False),
    sa.Column("indicator_id", sa.UnicodeText, nullable=False),
    # the n-th submission of the version (its first submit is round 1)
    sa.Column("round", sa.Integer, nullable=False),
    sa.Column("state", sa.UnicodeText, nullable=False),
    sa.Column("target_kind", sa.UnicodeText, nullable=False),
    sa.Column("target", sa.UnicodeText, nullable=False),
    sa.Column("target_label", sa.UnicodeText, nullable=False),
    sa.Column("verdict", sa.UnicodeText, nullable=False),
    sa.Column("feedback", sa.UnicodeText, nullable=True),
    sa.Column("user_id", sa.UnicodeText, nullable=True),
    sa.Column("user_name", sa.UnicodeText, nullable=False),
    sa.Column("role", sa.UnicodeText, nullable=False),
    sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("response", sa.UnicodeText, nullable=True),
    sa.Column("responded_by", sa.UnicodeText, nullable=True),
    sa.Column("responded_at", sa.DateTime(timezone=True), nullable=True),
)
