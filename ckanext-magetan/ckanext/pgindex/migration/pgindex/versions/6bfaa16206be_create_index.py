"""Create the PostgreSQL search index of datasets.

Revision ID: 6bfaa16206be
Revises:
Create Date: 2026-12-01
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "6bfaa16206be"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "pgindex_document",
        sa.Column("id", sa.UnicodeText, primary_key=True),
        sa.Column("site_id", sa.UnicodeText, nullable=False),
        sa.Column("name", sa.UnicodeText, nullable=False),
        sa.Column("title_sort", sa.UnicodeText, nullable=False, server_default=""),
        sa.Column("state", sa.UnicodeText, nullable=False),
        sa.Column("capacity", sa.UnicodeText, nullable=False),
        sa.Column("dataset_type", sa.UnicodeText, nullable=False),
        sa.Column("metadata_created", sa.DateTime(timezone=True)),
        sa.Column("metadata_modified", sa.DateTime(timezone=True)),
        sa.Column("permission_labels", postgresql.ARRAY(sa.UnicodeText),
                  nullable=False, server_default="{}"),
        sa.Column("fields", postgresql.JSONB, nullable=False,
                  server_default="{}"),
        sa.Column("texts", postgresql.JSONB, nullable=False,
                  server_default="{}"),
        sa.Column("search_vector", postgresql.TSVECTOR, nullable=False),
        sa.Column("terms", postgresql.ARRAY(sa.BigInteger), nullable=False,
                  server_default="{}"),
        sa.Column("indexed_at", sa.DateTime(timezone=True), nullable=False,
                  server_default=sa.func.now()),
    )
    # The JSON copies package_search returns, kept apart so that the rows
    # every search scans stay small.
    op.create_table(
        "pgindex_payload",
        sa.Column("id", sa.UnicodeText,
                  sa.ForeignKey("pgindex_document.id",
                                ondelete="CASCADE", onupdate="CASCADE"),
                  primary_key=True),
        sa.Column("data_dict", sa.UnicodeText, nullable=False),
        sa.Column("validated_data_dict", sa.UnicodeText, nullable=False),
    )
    # Facet values as integers: a document's `terms` lists the ids of its
    # (field, value) pairs, so counting facets is one unnest of integers.
    # A term id carries its field's code in the bits above TERM_FIELD_SHIFT,
    # so the terms of the asked facet fields are picked without a lookup.
    op.create_table(
        "pgindex_field",
        sa.Column("code", sa.Integer, primary_key=True),
        sa.Column("name", sa.UnicodeText, nullable=False, unique=True),
    )
    op.execute("CREATE SEQUENCE IF NOT EXISTS pgindex_term_seq")
    op.create_table(
        "pgindex_term",
        sa.Column("id", sa.BigInteger, primary_key=True),
        sa.Column("field", sa.UnicodeText, nullable=False),
        sa.Column("value", sa.UnicodeText, nullable=False),
        sa.UniqueConstraint("field", "value",
                            name="pgindex_term_field_value_key"),
    )
    # dropped with the table
    op.execute("ALTER SEQUENCE pgindex_term_seq "
               "OWNED BY pgindex_term.id")
    table = "pgindex_document"
    # Move the large columns (fields, texts, search_vector) out of line early,
    # so the columns every search reads (terms, labels, dates) stay dense.
    op.execute(f"ALTER TABLE {table} SET (toast_tuple_target = 600)")
    op.create_index("pgindex_document_name_idx", table, ["name"])
    op.create_index("pgindex_document_modified_idx", table,
                    ["metadata_modified"])
    op.create_index("pgindex_document_created_idx", table,
                    ["metadata_created"])
    op.create_index("pgindex_document_title_idx", table, ["title_sort"])
    op.create_index("pgindex_document_fields_idx", table, ["fields"],
                    postgresql_using="gin",
                    postgresql_ops={"fields": "jsonb_path_ops"})
    op.create_index("pgindex_document_vector_idx", table,
                    ["search_vector"], postgresql_using="gin")
    op.create_index("pgindex_document_terms_idx", table, ["terms"],
                    postgresql_using="gin")
    op.create_index("pgindex_document_labels_idx", table,
                    ["permission_labels"], postgresql_using="gin")
    # The text of one indexed field, for fielded full-text matches such as
    # notes:kemiskinan; short values live in `fields`, long ones in `texts`.
    op.execute("""
        CREATE OR REPLACE FUNCTION pgindex_field_text(
            fields jsonb, texts jsonb, field text) RETURNS text
        LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
            SELECT concat_ws(' ',
                texts ->> field,
                (SELECT string_agg(value, ' ')
                 FROM jsonb_array_elements_text(
                    CASE jsonb_typeof(fields -> field)
                        WHEN 'array' THEN fields -> field
                        ELSE '[]'::jsonb END) AS value))
        $$
    """)


def downgrade() -> None:
    op.execute("DROP FUNCTION IF EXISTS pgindex_field_text(jsonb, jsonb, text)")
    op.drop_table("pgindex_term")
    op.execute("DROP SEQUENCE IF EXISTS pgindex_term_seq")
    op.drop_table("pgindex_field")
    op.drop_table("pgindex_payload")
    op.drop_table("pgindex_document")
