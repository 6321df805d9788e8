"""The search index moves to the pgindex plugin: drop magetan's old tables.

The index is derived data; the pgindex plugin's own migration creates its
tables and `ckan search-index rebuild` fills them again.

Revision ID: 97a807c9c7d7
Revises: 3f1c2b7a9d10
Create Date: 2026-12-01
"""
from __future__ import annotations

from alembic import op

revision = "97a807c9c7d7"
down_revision = "3f1c2b7a9d10"
branch_labels = None
depends_on = None

TABLES = ("magetan_search_payload", "magetan_search_document",
          "magetan_search_term", "magetan_search_field")


def upgrade() -> None:
    op.execute("DROP FUNCTION IF EXISTS "
               "magetan_search_field_text(jsonb, jsonb, text)")
    for table in TABLES:
        op.execute(f"DROP TABLE IF EXISTS {table} CASCADE")
    op.execute("DROP SEQUENCE IF EXISTS magetan_search_term_seq")


def downgrade() -> None:
    """Recreate the old, empty tables (rebuild the index to fill them)."""
    import importlib.util
    from pathlib import Path
    path = Path(__file__).with_name("3f1c2b7a9d10_create_search_document.py")
    spec = importlib.util.spec_from_file_location("previous", path)
    previous = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(previous)
    previous.upgrade()
