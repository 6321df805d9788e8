"""The release calendar's tables (created by the magetan plugin's
migrations), on the workflow's metadata for the same reason as its tables:
``delete_all`` must leave the append-only date-change log alone."""
from __future__ import annotations

import sqlalchemy as sa

from ckanext.magetan.workflow.tables import metadata

period = sa.Table(
    "magetan_release_period", metadata,
    sa.Column("id", sa.UnicodeText, primary_key=True),
    sa.Column("name", sa.UnicodeText, nullable=False, unique=True),
    sa.Column("title", sa.UnicodeText, nullable=False),
    # annual (the book edition), semester, quarterly, monthly, ad_hoc
    sa.Column("kind", sa.UnicodeText, nullable=False),
    # when the period's releases come out (the default time of its entries)
    sa.Column("release_at", sa.DateTime(timezone=True), nullable=False),
    # the data of a release must have reached Walidata by then
    sa.Column("deadline_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("description", sa.UnicodeText, nullable=True),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("created_by", sa.UnicodeText, nullable=False),
)

entry = sa.Table(
    "magetan_release_entry", metadata,
    sa.Column("id", sa.UnicodeText, primary_key=True),
    sa.Column("title", sa.UnicodeText, nullable=False),
    sa.Column("owner_org", sa.UnicodeText,
              sa.ForeignKey("group.id", ondelete="SET NULL"), nullable=True),
    sa.Column("sector", sa.UnicodeText,
              sa.ForeignKey("group.id", ondelete="SET NULL"), nullable=True),
    # the period the data covers ("2025", "Triwulan III 2026")
    sa.Column("period_covered", sa.UnicodeText, nullable=True),
    sa.Column("period_id", sa.UnicodeText,
              sa.ForeignKey("magetan_release_period.id",
                            ondelete="SET NULL"), nullable=True),
    # an exact time, or (provisional) the first day of a "Month YYYY"
    # window; neither: to be announced
    sa.Column("planned_at", sa.DateTime(timezone=True), nullable=True),
    sa.Column("planned_month", sa.Date, nullable=True),
    sa.Column("status", sa.UnicodeText, nullable=False),
    sa.Column("notice", sa.UnicodeText, nullable=True),
    sa.Column("contact", sa.UnicodeText, nullable=True),
    # the indicator (the public dataset once there is one) and the version
    # scheduled for this release (a revision is purged once published)
    sa.Column("package_id", sa.UnicodeText,
              sa.ForeignKey("package.id", ondelete="SET NULL"),
              nullable=True),
    sa.Column("version_id", sa.UnicodeText, nullable=True),
    sa.Column("released_at", sa.DateTime(timezone=True), nullable=True),
    sa.Column("extension_until", sa.DateTime(timezone=True), nullable=True),
    sa.Column("extension_reason", sa.UnicodeText, nullable=True),
    # RFC 5545 SEQUENCE: raised at every change a subscriber must see
    sa.Column("sequence", sa.Integer, nullable=False, server_default="0"),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("created_by", sa.UnicodeText, nullable=False),
    sa.Column("modified_at", sa.DateTime(timezone=True), nullable=False),
)

change = sa.Table(
    "magetan_release_change", metadata,
    sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=True),
    # entries are cancelled, never deleted: the log keeps them
    sa.Column("entry_id", sa.UnicodeText,
              sa.ForeignKey("magetan_release_entry.id"), nullable=False),
    sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("user_name", sa.UnicodeText, nullable=False),
    # planned, confirmed, moved, postponed, auto_moved, extended, cancelled,
    # published, restored
    sa.Column("kind", sa.UnicodeText, nullable=False),
    sa.Column("previous_status", sa.UnicodeText, nullable=True),
    sa.Column("status", sa.UnicodeText, nullable=False),
    sa.Column("previous_at", sa.DateTime(timezone=True), nullable=True),
    sa.Column("previous_month", sa.Date, nullable=True),
    sa.Column("planned_at", sa.DateTime(timezone=True), nullable=True),
    sa.Column("planned_month", sa.Date, nullable=True),
    sa.Column("reason", sa.UnicodeText, nullable=True),
)

subscription = sa.Table(
    "magetan_release_subscription", metadata,
    sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=True),
    sa.Column("email", sa.UnicodeText, nullable=False),
    # sector, opd or indicator, and the group's or dataset's id
    sa.Column("target_kind", sa.UnicodeText, nullable=False),
    sa.Column("target_id", sa.UnicodeText, nullable=False),
    # the secret of the confirmation and unsubscribe links
    sa.Column("token", sa.UnicodeText, nullable=False, unique=True),
    sa.Column("language", sa.UnicodeText, nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("confirmation_sent_at", sa.DateTime(timezone=True),
              nullable=True),
    sa.Column("confirmed_at", sa.DateTime(timezone=True), nullable=True),
    sa.Column("unsubscribed_at", sa.DateTime(timezone=True), nullable=True),
)

delivery = sa.Table(
    "magetan_release_delivery", metadata,
    sa.Column("subscription_id", sa.BigInteger,
              sa.ForeignKey("magetan_release_subscription.id",
                            ondelete="CASCADE"), primary_key=True),
    sa.Column("entry_id", sa.UnicodeText,
              sa.ForeignKey("magetan_release_entry.id", ondelete="CASCADE"),
              primary_key=True),
    sa.Column("queued_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
    sa.Column("error", sa.UnicodeText, nullable=True),
)
