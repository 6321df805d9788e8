"""The validation results' table (a migration of the magetan plugin creates
it), on the workflow's metadata: the test suite's ``delete_all`` empties
CKAN's own tables only, and a result goes with its resource here through
``forget`` rather than a foreign key (a purged revision's results are copied
to the public resources first)."""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB

from ckanext.magetan.workflow.tables import metadata

result = sa.Table(
    "magetan_validation", metadata,
    sa.Column("resource_id", sa.UnicodeText, primary_key=True),
    sa.Column("package_id", sa.UnicodeText, nullable=False),
    # pending, success, failure or error
    sa.Column("status", sa.UnicodeText, nullable=False),
    # what the result was computed from (validation.fingerprint): a result
    # whose fingerprint is not the resource's current one is stale
    sa.Column("fingerprint", sa.UnicodeText, nullable=False),
    sa.Column("created", sa.DateTime(timezone=True), nullable=False),
    sa.Column("started", sa.DateTime(timezone=True), nullable=True),
    sa.Column("finished", sa.DateTime(timezone=True), nullable=True),
    # the frictionless report (its JSON layout, as ckanext-validation keeps)
    sa.Column("report", JSONB, nullable=True),
    # why the validation could not run (status error)
    sa.Column("error", JSONB, nullable=True),
    # the statistical warnings (jumps between periods), which do not fail
    sa.Column("warnings", JSONB, nullable=False, server_default="[]"),
    # the dialect inferred from the file, offered as a starting point
    sa.Column("inferred_dialect", JSONB, nullable=True),
    # the RQ job validating it, while pending in the background
    sa.Column("job_id", sa.UnicodeText, nullable=True),
)
