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

from ckanext.magetan.model import search_document_table as table
from ckanext.magetan.search.document import SearchDocument, build_document

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
        "data_dict": doc.data_dict,
        "validated_data_dict": doc.validated_data_dict,
        "indexed_at": sa.func.now(),
    }


def upsert_documents(docs: list[SearchDocument]) -> None:
    """Insert or replace index rows in the current transaction."""
    for doc in docs:
        row = _row(doc)
        statement = insert(table).values(**row)
        statement = statement.on_conflict_do_update(
            index_elements=[table.c.id],
            set_={k: statement.excluded[k] for k in row if k != "id"},
        )
        model.Session.execute(statement)


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
