"""Rebuilding the PostgreSQL search index in batches."""
from __future__ import annotations

import logging
from typing import Callable, Iterable, Optional

import sqlalchemy as sa

import ckan.logic as logic
import ckan.model as model
from ckan.common import config

from ckanext.pgindex.model import search_document_table as table
from ckanext.pgindex.document import build_document
from ckanext.pgindex.index import upsert_documents

log = logging.getLogger(__name__)


def dataset_ids(only_missing: bool = False) -> list[str]:
    """Ids of the datasets to index (those without an index row, if asked)."""
    query = model.Session.query(model.Package.id)
    if config.get("ckan.search.remove_deleted_packages"):
        query = query.filter(model.Package.state != "deleted")
    ids = [row[0] for row in query.order_by(model.Package.id)]
    if only_missing:
        indexed = set(model.Session.execute(sa.select(table.c.id)).scalars())
        ids = [i for i in ids if i not in indexed]
    return ids


def orphan_ids() -> list[str]:
    """Index rows whose dataset no longer exists."""
    known = sa.select(model.Package.id)
    return list(model.Session.execute(
        sa.select(table.c.id).where(table.c.id.not_in(known))).scalars())


def rebuild(ids: Iterable[str], batch_size: Optional[int] = None,
            force: bool = False,
            advance: Callable[[int], None] = lambda n: None) -> int:
    """Index ``ids``, committing every ``batch_size`` datasets.

    Returns how many datasets failed (only with ``force``; otherwise the
    first failure is raised after the batches before it were committed).
    """
    size = batch_size or config.get("ckanext.pgindex.rebuild_batch_size")
    context = {"ignore_auth": True}
    failures = 0
    batch = []
    for package_id in ids:
        try:
            both = logic.package_show_default_and_custom_schemas(
                context.copy(), package_id)
            batch.append(build_document(dict(both[0],
                                              with_custom_schema=both[1])))
        except Exception:
            if not force:
                _flush(batch)
                raise
            log.exception("Could not index dataset %s", package_id)
            failures += 1
        if len(batch) >= size:
            advance(_flush(batch))
            batch = []
    advance(_flush(batch))
    return failures


def _flush(batch: list) -> int:
    if batch:
        upsert_documents(batch)
    model.Session.commit()
    return len(batch)


def analyze() -> None:
    """Refresh the planner's statistics of the index after a bulk rebuild."""
    model.Session.commit()
    for name in ("pgindex_document", "pgindex_payload",
                 "pgindex_term"):
        model.Session.execute(sa.text(f"ANALYZE {name}"))
    model.Session.commit()


def remove(ids: Iterable[str]) -> None:
    model.Session.execute(sa.delete(table).where(table.c.id.in_(list(ids))))
    model.Session.commit()
