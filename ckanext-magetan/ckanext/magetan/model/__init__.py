"""Database tables of ckanext-magetan (created by its alembic migrations)."""
from ckanext.magetan.model.search_document import (
    TERM_FIELD_SHIFT, search_document_table, search_field_table,
    search_payload_table, search_term_table,
)

__all__ = ["TERM_FIELD_SHIFT", "search_document_table", "search_field_table",
           "search_payload_table", "search_term_table"]
