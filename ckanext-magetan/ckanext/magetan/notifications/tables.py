"""The notification table (a migration of the magetan plugin creates it);
on the workflow's metadata of its own, for the same reason."""
from __future__ import annotations

import sqlalchemy as sa

from ckanext.magetan.workflow.tables import metadata

notification = sa.Table(
    "magetan_notification", metadata,
    sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=True),
    sa.Column("user_id", sa.UnicodeText, nullable=False),
    sa.Column("package_id", sa.UnicodeText, nullable=False),
    sa.Column("event_id", sa.BigInteger, nullable=False),
    sa.Column("kind", sa.UnicodeText, nullable=False),
    sa.Column("created", sa.DateTime(timezone=True), nullable=False),
    sa.Column("read_at", sa.DateTime(timezone=True), nullable=True),
    sa.Column("emailed_at", sa.DateTime(timezone=True), nullable=True),
    sa.Column("email_error", sa.UnicodeText, nullable=True),
)
