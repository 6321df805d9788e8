"""The PostgreSQL search index: one row per indexed dataset."""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

from ckan.model.meta import metadata

search_document_table = sa.Table(
    "pgindex_document",
    metadata,
    sa.Column("id", sa.UnicodeText, primary_key=True),
    sa.Column("site_id", sa.UnicodeText, nullable=False),
    sa.Column("name", sa.UnicodeText, nullable=False),
    sa.Column("title_sort", sa.UnicodeText, nullable=False),
    sa.Column("state", sa.UnicodeText, nullable=False),
    sa.Column("capacity", sa.UnicodeText, nullable=False),
    sa.Column("dataset_type", sa.UnicodeText, nullable=False),
    sa.Column("metadata_created", sa.DateTime(timezone=True)),
    sa.Column("metadata_modified", sa.DateTime(timezone=True)),
    sa.Column("permission_labels", postgresql.ARRAY(sa.UnicodeText),
              nullable=False),
    # every short indexed value, as {field: [string, ...]}
    sa.Column("fields", postgresql.JSONB, nullable=False),
    # long texts (notes, descriptions), as {field: string}
    sa.Column("texts", postgresql.JSONB, nullable=False),
    sa.Column("search_vector", postgresql.TSVECTOR, nullable=False),
    # ids of the document's facetable (field, value) pairs
    sa.Column("terms", postgresql.ARRAY(sa.BigInteger), nullable=False),
    sa.Column("indexed_at", sa.DateTime(timezone=True), nullable=False,
              server_default=sa.func.now()),
)

# The JSON copies of the dataset that package_search returns.
search_payload_table = sa.Table(
    "pgindex_payload",
    metadata,
    sa.Column("id", sa.UnicodeText,
              sa.ForeignKey("pgindex_document.id", ondelete="CASCADE",
                            onupdate="CASCADE"),
              primary_key=True),
    sa.Column("data_dict", sa.UnicodeText, nullable=False),
    sa.Column("validated_data_dict", sa.UnicodeText, nullable=False),
)

# Bits of a term id below its field's code.
TERM_FIELD_SHIFT = 40

# Every facetable field, numbered.
search_field_table = sa.Table(
    "pgindex_field",
    metadata,
    sa.Column("code", sa.Integer, primary_key=True),
    sa.Column("name", sa.UnicodeText, nullable=False, unique=True),
)

# Every facetable (field, value) pair, numbered: field code << 40 | serial.
search_term_table = sa.Table(
    "pgindex_term",
    metadata,
    sa.Column("id", sa.BigInteger, primary_key=True),
    sa.Column("field", sa.UnicodeText, nullable=False),
    sa.Column("value", sa.UnicodeText, nullable=False),
    sa.UniqueConstraint("field", "value",
                        name="pgindex_term_field_value_key"),
)

# What each site's index rows were last fully built with (format version).
search_meta_table = sa.Table(
    "pgindex_meta",
    metadata,
    sa.Column("site_id", sa.UnicodeText, primary_key=True),
    sa.Column("document_format", sa.Integer, nullable=False),
    sa.Column("facet_fields", postgresql.ARRAY(sa.UnicodeText),
              nullable=False),
    sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False,
              server_default=sa.func.now()),
)
