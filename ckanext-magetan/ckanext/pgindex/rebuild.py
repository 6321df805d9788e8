"""Rebuilding the PostgreSQL search index in batches."""
from __future__ import annotations

import logging
from typing import Any, Callable, Iterable, Optional

import sqlalchemy as sa

import ckan.logic as logic
import ckan.model as model
from ckan.common import config

from ckanext.pgindex import status
from ckanext.pgindex.index import delete_rows, index_datasets, read_started
from ckanext.pgindex.model import search_document_table as table

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


def read_dataset(package_id: str) -> Optional[dict[str, Any]]:
    """What CKAN hands the index for a dataset; None if there is none."""
    try:
        both = logic.package_show_default_and_custom_schemas(
            {"ignore_auth": True}, package_id)
    except logic.NotFound:
        return None
    return dict(both[0], with_custom_schema=both[1])


def rebuild_one(reference: str) -> bool:
    """Index one dataset (id or name) as a change to it would.

    A deleted dataset (with ``ckan.search.remove_deleted_packages``) or one
    that does not exist loses its index row. Returns whether a row was
    written.
    """
    pkg_dict = read_dataset(reference)
    if pkg_dict is None:
        delete_rows([reference])
        written = 0
    else:
        written = index_datasets([pkg_dict])
    model.Session.commit()
    return bool(written)


def rebuild(ids: Iterable[str], batch_size: Optional[int] = None,
            force: bool = False,
            advance: Callable[[int], None] = lambda n: None) -> int:
    """Index ``ids``, committing every ``batch_size`` datasets.

    Each batch goes through :func:`index_datasets`, as a single change
    does: deleted datasets are removed, not indexed, and a dataset edited
    while its batch was being read is read again under the batch's lock.
    Returns how many datasets failed (only with ``force``; otherwise the
    first failure is raised after the batches before it were committed).
    """
    size = batch_size or config.get("ckanext.pgindex.rebuild_batch_size")
    failures = 0

    def failed(package_id: str, error: Exception) -> None:
        nonlocal failures
        log.error("Could not index dataset %s: %r", package_id, error)
        failures += 1

    batch: list[str] = []
    for package_id in ids:
        batch.append(package_id)
        if len(batch) >= size:
            advance(_flush(batch, force, failed))
            batch = []
    advance(_flush(batch, force, failed))
    return failures


def _flush(batch: list[str], force: bool,
           failed: Callable[[str, Exception], None]) -> int:
    # rows written from here on are at least as fresh as what is read below
    started = read_started()
    dicts = []
    missing = []
    for package_id in batch:
        try:
            pkg_dict = read_dataset(package_id)
        except Exception as error:
            if not force:
                model.Session.rollback()
                raise
            model.Session.rollback()
            failed(package_id, error)
            continue
        if pkg_dict is None:
            missing.append(package_id)
        else:
            dicts.append(pkg_dict)
    delete_rows(missing)
    index_datasets(dicts, reread=read_dataset,
                   on_error=failed if force else None, read_started=started)
    model.Session.commit()
    return len(batch)


def record_version() -> None:
    """Record that the site's rows now have the current format."""
    status.record(model.Session.connection())
    model.Session.commit()


def analyze() -> None:
    """Refresh the planner's statistics of the index after a bulk rebuild."""
    model.Session.commit()
    for name in ("pgindex_document", "pgindex_payload",
                 "pgindex_term"):
        model.Session.execute(sa.text(f"ANALYZE {name}"))
    model.Session.commit()


def remove(ids: Iterable[str]) -> None:
    delete_rows(ids)
    model.Session.commit()
