"""Writing datasets into the PostgreSQL search index.

Rows are written through CKAN's own database session, so an index update is
part of the same transaction as the dataset change that caused it: a dataset
created or updated through the API is found by the very next search, and a
rolled-back change leaves no trace in the index.
"""
from __future__ import annotations

import logging
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert

import ckan.model as model
from ckan.common import config
from ckan.lib.search.index import PackageSearchIndex

from ckanext.pgindex.model import (
    TERM_FIELD_SHIFT, search_document_table as table,
    search_payload_table as payload_table,
)
from ckanext.pgindex.document import SearchDocument, build_document

log = logging.getLogger(__name__)

_WEIGHTS = ("A", "B", "C", "D")


def _vector_expression(doc: SearchDocument) -> sa.ColumnElement[Any]:
    parts = [
        sa.func.setweight(sa.func.to_tsvector("simple", doc.weighted_text[w]),
                          w)
        for w in _WEIGHTS
    ]
    vector = parts[0]
    for part in parts[1:]:
        vector = vector.op("||")(part)
    return vector


_TERM_IDS = sa.text(f"""
    WITH wanted (field, value) AS (
        SELECT * FROM unnest(CAST(:fields AS text[]), CAST(:values AS text[]))
    ), new_fields AS (
        INSERT INTO pgindex_field (name)
        SELECT DISTINCT field FROM wanted
        WHERE field NOT IN (SELECT name FROM pgindex_field)
        ON CONFLICT (name) DO NOTHING
        RETURNING code, name
    ), codes AS (
        SELECT code, name FROM new_fields
        UNION ALL
        SELECT code, name FROM pgindex_field
        WHERE name IN (SELECT field FROM wanted)
    ), added AS (
        INSERT INTO pgindex_term (id, field, value)
        SELECT (c.code::bigint << {TERM_FIELD_SHIFT})
               + nextval('pgindex_term_seq'), w.field, w.value
        FROM wanted w JOIN codes c ON c.name = w.field
        WHERE NOT EXISTS (SELECT 1 FROM pgindex_term t
                          WHERE t.field = w.field AND t.value = w.value)
        ON CONFLICT (field, value) DO NOTHING
        RETURNING id
    )
    SELECT coalesce(array_agg(id ORDER BY id), '{{}}') FROM (
        SELECT id FROM added
        UNION
        SELECT t.id FROM pgindex_term t JOIN wanted w
            ON t.field = w.field AND t.value = w.value
    ) AS ids
""")


def _term_ids(doc: SearchDocument) -> list[int]:
    """Numbers of the document's facet values, adding new ones as needed."""
    pairs = doc.facet_pairs()
    if not pairs:
        return []
    params = {"fields": [field for field, _ in pairs],
              "values": [value for _, value in pairs]}
    ids = model.Session.execute(_TERM_IDS, params).scalar_one()
    if len(ids) != len(pairs):
        # Another transaction added one of the terms after our snapshot.
        ids = model.Session.execute(_TERM_IDS, params).scalar_one()
    return ids


def _row(doc: SearchDocument) -> dict[str, Any]:
    return {
        "id": doc.id,
        "site_id": doc.site_id,
        "name": doc.name,
        "title_sort": doc.title_sort,
        "state": doc.state,
        "capacity": doc.capacity,
        "dataset_type": doc.dataset_type,
        "metadata_created": doc.metadata_created,
        "metadata_modified": doc.metadata_modified,
        "permission_labels": doc.permission_labels,
        "fields": doc.fields,
        "texts": doc.texts,
        "search_vector": _vector_expression(doc),
        "terms": _term_ids(doc),
        "indexed_at": sa.func.now(),
    }


def upsert_documents(docs: list[SearchDocument]) -> None:
    """Insert or replace index rows in the current transaction."""
    for doc in docs:
        _upsert(table, _row(doc))
        _upsert(payload_table, {
            "id": doc.id, "data_dict": doc.data_dict,
            "validated_data_dict": doc.validated_data_dict})


def _upsert(target: sa.Table, row: dict[str, Any]) -> None:
    statement = insert(target).values(**row)
    model.Session.execute(statement.on_conflict_do_update(
        index_elements=[target.c.id],
        set_={k: statement.excluded[k] for k in row if k != "id"},
    ))


class PostgresPackageSearchIndex(PackageSearchIndex):
    """CKAN's package index, kept in a PostgreSQL table instead of Solr."""

    def index_package(self, pkg_dict: dict[str, Any] | None,
                      defer_commit: bool = False) -> None:
        if pkg_dict is None:
            return
        if config.get("ckan.search.remove_deleted_packages") and \
                pkg_dict.get("state") in (None, "deleted"):
            self.delete_package(pkg_dict)
            return
        upsert_documents([build_document(pkg_dict)])
        log.debug("Indexed dataset %s", pkg_dict.get("name"))

    def delete_package(self, pkg_dict: dict[str, Any]) -> None:
        reference = pkg_dict.get("id")
        model.Session.execute(
            sa.delete(table).where(sa.or_(table.c.id == reference,
                                          table.c.name == reference))
            .where(table.c.site_id == config.get("ckan.site_id")))

    def commit(self) -> None:
        """Index rows are committed with the database transaction."""
        model.Session.commit()

    def clear(self) -> None:
        model.Session.execute(
            sa.delete(table).where(
                table.c.site_id == config.get("ckan.site_id")))
        model.Session.commit()
