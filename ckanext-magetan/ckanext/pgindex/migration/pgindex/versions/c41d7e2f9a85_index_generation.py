"""Number the index's changes (the generation the summary cache keys on).

Revision ID: c41d7e2f9a85
Revises: a3c58e1f0b72
Create Date: 2026-12-02
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "c41d7e2f9a85"
down_revision = "a3c58e1f0b72"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Not owned by a table: it outlives a table dropped and created again.
    op.execute("CREATE SEQUENCE IF NOT EXISTS pgindex_generation")
    op.execute("SELECT nextval('pgindex_generation')")
    # Every statement that writes index rows moves the generation on, also
    # writes that do not go through the plugin (ckanext.pgindex.cache).
    op.execute("""
        CREATE OR REPLACE FUNCTION pgindex_advance_generation()
        RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            PERFORM nextval('pgindex_generation');
            RETURN NULL;
        END
        $$
    """)
    op.execute("""
        CREATE TRIGGER pgindex_document_generation
        AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON pgindex_document
        FOR EACH STATEMENT EXECUTE FUNCTION pgindex_advance_generation()
    """)
    # Newest first (ORDER BY ... DESC NULLS LAST, id, as the search orders)
    # reads the first rows of these indexes instead of sorting every match;
    # they serve date ranges too, so the plain date indexes go.
    for column in ("modified", "created"):
        op.create_index(f"pgindex_document_{column}_order_idx",
                        "pgindex_document",
                        [sa.text(f"metadata_{column} DESC NULLS LAST"),
                         sa.text("id")])
        op.drop_index(f"pgindex_document_{column}_idx",
                      table_name="pgindex_document")


def downgrade() -> None:
    for column in ("modified", "created"):
        op.create_index(f"pgindex_document_{column}_idx", "pgindex_document",
                        [f"metadata_{column}"])
        op.drop_index(f"pgindex_document_{column}_order_idx",
                      table_name="pgindex_document")
    op.execute("DROP TRIGGER IF EXISTS pgindex_document_generation "
               "ON pgindex_document")
    op.execute("DROP FUNCTION IF EXISTS pgindex_advance_generation()")
    op.execute("DROP SEQUENCE IF EXISTS pgindex_generation")
