"""Database tables of ckanext-magetan (created by its alembic migrations)."""
from ckanext.magetan.model.search_document import search_document_table

__all__ = ["search_document_table"]
