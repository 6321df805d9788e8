"""Writing datasets into the PostgreSQL search index.

Rows are written through CKAN's own database session, so an index update is
part of the same transaction as the dataset change that caused it: a dataset
created or updated through the API is found by the very next search, and a
rolled-back change leaves no trace in the index.
"""
from __future__ import annotations

import logging
from datetime import datetime
from typing import Any, Callable, Iterable, Optional

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert

import ckan.model as model
from ckan.common import config
from ckan.lib.search.common import SearchIndexError
from ckan.lib.search.index import PackageSearchIndex

from ckanext.pgindex import cache
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


# How often a term lookup may come back incomplete (a prune removing a term
# between its insertion and our lock) before indexing gives up.
TERM_ATTEMPTS = 5

_LOCK_TERMS = sa.text("""
    SELECT t.id, t.field, t.value
    FROM pgindex_term t
    JOIN unnest(CAST(:fields AS text[]), CAST(:values AS text[]))
        AS w (field, value) ON t.field = w.field AND t.value = w.value
    ORDER BY t.field, t.value
    FOR KEY SHARE OF t
""")

_INSERT_FIELDS = sa.text("""
    INSERT INTO pgindex_field (name)
    SELECT name FROM unnest(CAST(:names AS text[])) WITH ORDINALITY
        AS w (name, n)
    WHERE NOT EXISTS (SELECT 1 FROM pgindex_field f WHERE f.name = w.name)
    ORDER BY n
    ON CONFLICT (name) DO NOTHING
""")

_INSERT_TERMS = sa.text(f"""
    INSERT INTO pgindex_term (id, field, value)
    SELECT (f.code::bigint << {TERM_FIELD_SHIFT})
           + nextval('pgindex_term_seq'), w.field, w.value
    FROM unnest(CAST(:fields AS text[]), CAST(:values AS text[]))
        WITH ORDINALITY AS w (field, value, n)
    JOIN pgindex_field f ON f.name = w.field
    WHERE NOT EXISTS (SELECT 1 FROM pgindex_term t
                      WHERE t.field = w.field AND t.value = w.value)
    ORDER BY w.n
    ON CONFLICT (field, value) DO NOTHING
""")

Pair = tuple[str, str]


def _params(pairs: list[Pair]) -> dict[str, list[str]]:
    return {"fields": [field for field, _ in pairs],
            "values": [value for _, value in pairs]}


def _lock_terms(pairs: list[Pair]) -> dict[Pair, int]:
    """Ids of the existing terms among ``pairs``, locked against a prune.

    ``FOR KEY SHARE`` locks never wait for each other, only for a prune that
    is deleting the term (which then is gone when the lock is granted).
    """
    rows = model.Session.execute(_LOCK_TERMS, _params(pairs))
    return {(row.field, row.value): row.id for row in rows}


_term_engines: dict[str, sa.Engine] = {}


def _term_engine() -> sa.Engine:
    """An engine beside CKAN's for term inserts, without a pool.

    Not CKAN's pool: a thread holding a pooled connection for its
    transaction must never wait for a second one from the same pool.
    """
    url = model.meta.engine.url
    key = url.render_as_string(hide_password=False)
    if key not in _term_engines:
        _term_engines[key] = sa.create_engine(url, poolclass=sa.pool.NullPool)
    return _term_engines[key]


def _insert_terms(pairs: list[Pair]) -> None:
    """Add the terms of ``pairs``, committed on a connection of their own.

    Committing at once means no indexing transaction ever holds an
    uncommitted term that another one waits for, so indexers cannot deadlock
    on terms whatever order their transactions meet values in; within the
    statement, rows are inserted in the sorted order of ``pairs``. A term
    added for a transaction that then rolls back is left for ``prune``.
    """
    with _term_engine().begin() as connection:
        connection.execute(_INSERT_FIELDS, {
            "names": sorted({field for field, _ in pairs})})
        connection.execute(_INSERT_TERMS, _params(pairs))


def term_ids(pairs: Iterable[Pair]) -> dict[Pair, int]:
    """The term id of every (field, value) pair, adding new ones as needed.

    Every returned term is locked (``FOR KEY SHARE``) until the current
    transaction ends, so ``ckan pgindex prune`` cannot remove it before the
    document referencing it is committed. Raises ``SearchIndexError`` rather
    than return fewer ids than pairs.
    """
    wanted = sorted(set(pairs))
    found: dict[Pair, int] = {}
    for _ in range(TERM_ATTEMPTS):
        missing = [pair for pair in wanted if pair not in found]
        if not missing:
            break
        found.update(_lock_terms(missing))
        missing = [pair for pair in missing if pair not in found]
        if missing:
            _insert_terms(missing)
    missing = [pair for pair in wanted if pair not in found]
    if missing:
        raise SearchIndexError(
            f"Could not number the facet values {missing[:5]} after "
            f"{TERM_ATTEMPTS} attempts")
    return found


_PRUNE_CANDIDATES = sa.text("""
    WITH used AS MATERIALIZED (
        SELECT DISTINCT unnest(terms) AS id FROM pgindex_document
    )
    SELECT t.id FROM pgindex_term t
    WHERE NOT EXISTS (SELECT 1 FROM used WHERE used.id = t.id)
    ORDER BY t.id
    LIMIT :limit
    FOR UPDATE OF t SKIP LOCKED
""")

_PRUNE_DELETE = sa.text("""
    DELETE FROM pgindex_term t
    WHERE t.id = ANY(CAST(:ids AS bigint[]))
      AND NOT EXISTS (SELECT 1 FROM pgindex_document d
                      WHERE d.terms @> ARRAY[t.id])
""")


def prune_terms(batch_size: int = 10000) -> int:
    """Delete the terms no index row references; returns how many.

    Safe while other transactions index: each batch first locks its
    candidates ``FOR UPDATE SKIP LOCKED``, so terms an indexer has locked
    (``FOR KEY SHARE``, until its document is committed) are skipped and no
    indexer can lock a candidate meanwhile; then, in a new statement whose
    snapshot sees every document committed before those locks were granted,
    it deletes the candidates still unreferenced.
    """
    removed = 0
    while True:
        ids = list(model.Session.execute(
            _PRUNE_CANDIDATES, {"limit": batch_size}).scalars())
        deleted = 0
        if ids:
            deleted = model.Session.execute(
                _PRUNE_DELETE, {"ids": ids}).rowcount
        model.Session.commit()
        removed += deleted
        if len(ids) < batch_size or not deleted:
            return removed


def _row(doc: SearchDocument, terms: dict[Pair, int]) -> dict[str, Any]:
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
        "terms": sorted(terms[pair] for pair in doc.facet_pairs()),
        # the moment of the write itself, not of its transaction's start
        "indexed_at": sa.func.clock_timestamp(),
    }


def read_started() -> datetime:
    """The database's clock now: when a batch starts reading its datasets.

    Pass it to :func:`index_datasets` so that the batch never overwrites a
    row some other change wrote after this moment (see :func:`_upsert`).
    """
    return model.Session.execute(sa.text("SELECT clock_timestamp()")
                                 ).scalar_one()


def upsert_documents(docs: list[SearchDocument],
                     read_started: Optional[datetime] = None) -> int:
    """Insert or replace index rows in the current transaction.

    The caller decides that the documents are current (see
    :func:`index_datasets`); the terms of all of them are numbered at once.
    With ``read_started`` (a batch), a row written since that moment is
    left as it is, and so is its payload. Returns how many rows were
    written.
    """
    if docs:
        cache.note_write()
    terms = term_ids(pair for doc in docs for pair in doc.facet_pairs())
    written = 0
    for doc in sorted(docs, key=lambda d: d.id):
        if not _upsert(table, _row(doc, terms), read_started):
            log.debug("Dataset %s was indexed after the batch read it; its "
                      "row is left as it is", doc.id)
            continue
        _upsert(payload_table, {
            "id": doc.id, "data_dict": doc.data_dict,
            "validated_data_dict": doc.validated_data_dict})
        written += 1
    return written


def _upsert(target: sa.Table, row: dict[str, Any],
            read_started: Optional[datetime] = None) -> bool:
    """Insert or replace a row; whether it was written.

    With ``read_started``, an existing row replaces only if it was indexed
    before that moment. This covers a row inserted meanwhile too: the
    insert meets it as a conflict (after waiting for its transaction) and
    the condition applies to it.
    """
    statement = insert(target).values(**row)
    condition = (None if read_started is None
                 else target.c.indexed_at < read_started)
    result = model.Session.execute(statement.on_conflict_do_update(
        index_elements=[target.c.id],
        set_={k: statement.excluded[k] for k in row if k != "id"},
        where=condition,
    ).returning(target.c.id))
    return result.first() is not None


def delete_rows(references: Iterable[str]) -> None:
    """Remove the index rows of datasets (by id or name) of this site."""
    references = list(references)
    if references:
        cache.note_write()
        model.Session.execute(
            sa.delete(table).where(sa.or_(table.c.id.in_(references),
                                          table.c.name.in_(references)))
            .where(table.c.site_id == config.get("ckan.site_id")))


def _removed(state: Optional[str]) -> bool:
    """Whether a dataset in ``state`` is left out of the index."""
    return bool(config.get("ckan.search.remove_deleted_packages")) and \
        state in (None, "deleted")


def _same_version(pkg_dict: dict[str, Any], row: Any) -> bool:
    """Whether ``pkg_dict`` shows the committed version of its dataset."""
    if pkg_dict.get("state") != row.state:
        return False
    shown = pkg_dict.get("metadata_modified")
    if not shown or row.metadata_modified is None:
        return True
    try:
        shown_at = datetime.fromisoformat(str(shown).rstrip("Z"))
    except ValueError:
        return True
    return shown_at.replace(tzinfo=None) == row.metadata_modified


def index_datasets(pkg_dicts: list[dict[str, Any]],
                   reread: Optional[Callable[[str], Optional[dict[str, Any]]]]
                   = None,
                   on_error: Optional[Callable[[str, Exception], None]]
                   = None, keep_unknown: bool = False,
                   read_started: Optional[datetime] = None) -> int:
    """Write (or remove) the index rows of datasets; the one way in.

    Every path that indexes (a dataset change, ``ckan search-index
    rebuild``, ``ckan pgindex rebuild``) comes here. The datasets' rows in
    ``package`` are locked ``FOR SHARE`` (in id order) until the transaction
    ends, and each dict is checked against the committed row under that
    lock:

    * a dataset that is gone, or deleted while
      ``ckan.search.remove_deleted_packages`` is on, loses its index row
      (with ``keep_unknown``, a dict of a dataset the database has never
      held is indexed as given, as CKAN's index contract expects of
      ``index_package``);
    * a dict older than the committed dataset (an edit committed since it
      was read) is read again with ``reread`` (the lock keeps it current)
      or, without ``reread``, skipped: the edit's own transaction indexed
      the newer version;
    * otherwise the document is built and upserted; with ``read_started``
      (a batch: when it began reading the dicts, from
      :func:`read_started`), only over a row indexed before that moment,
      so a change the package row does not show (a group membership)
      indexed meanwhile is not overwritten by what the batch read before.

    Returns how many rows were written. ``on_error(id, error)``, if given,
    is told of a dataset whose document cannot be built, and it is skipped;
    otherwise the error is raised.
    """
    dicts: dict[str, dict[str, Any]] = {}
    for pkg_dict in pkg_dicts:
        if pkg_dict is not None and pkg_dict.get("id"):
            dicts[pkg_dict["id"]] = pkg_dict
    if not dicts:
        return 0
    # the dataset change being indexed may still be pending in the session
    model.Session.flush()
    rows = {row.id: row for row in model.Session.execute(sa.text(
        "SELECT id, state, metadata_modified FROM package "
        "WHERE id = ANY(:ids) ORDER BY id FOR SHARE"),
        {"ids": sorted(dicts)})}
    removed: list[str] = []
    docs: list[SearchDocument] = []
    for package_id in sorted(dicts):
        pkg_dict = dicts[package_id]
        row = rows.get(package_id)
        unknown = row is None
        if (unknown and not keep_unknown) or _removed(
                pkg_dict.get("state")) or (row and _removed(row.state)):
            removed.append(package_id)
            continue
        if not unknown and not _same_version(pkg_dict, row):
            fresh = reread(package_id) if reread else None
            if fresh is None:
                log.debug("Dataset %s changed since it was read; its newer "
                          "version is indexed by its own change", package_id)
                continue
            pkg_dict = fresh
        try:
            docs.append(build_document(pkg_dict))
        except Exception as error:
            if on_error is None:
                raise
            on_error(package_id, error)
    delete_rows(removed)
    return upsert_documents(docs, read_started)


class PostgresPackageSearchIndex(PackageSearchIndex):
    """CKAN's package index, kept in a PostgreSQL table instead of Solr."""

    def index_package(self, pkg_dict: dict[str, Any] | None,
                      defer_commit: bool = False) -> None:
        if pkg_dict is None:
            return
        if index_datasets([pkg_dict], keep_unknown=True):
            log.debug("Indexed dataset %s", pkg_dict.get("name"))

    def delete_package(self, pkg_dict: dict[str, Any]) -> None:
        delete_rows([pkg_dict.get("id")])

    def commit(self) -> None:
        """Index rows are committed with the database transaction."""
        model.Session.commit()

    def clear(self) -> None:
        cache.note_write()
        model.Session.execute(
            sa.delete(table).where(
                table.c.site_id == config.get("ckan.site_id")))
        model.Session.commit()
