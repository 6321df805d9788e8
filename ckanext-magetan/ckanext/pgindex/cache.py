"""Counts and facets of recent searches, kept until the index changes.

The count and the facet counts of a search are most of its cost when it
matches thousands of datasets, and the same searches come again and again
(the dataset page without filters, a sector, an OPD). Each process keeps
the summaries of its recent searches (count and facets, never result
rows), keyed by the SQL that computes them and its parameters (the
caller's permission labels among them) and by the index's *generation*.

The generation is the sequence ``pgindex_generation``; it moves on

* after every commit of a transaction that wrote index rows through this
  plugin (:func:`note_write`, then the ``after_commit`` event), so that a
  search that starts after the commit never uses a summary read before it;
* at every statement that writes ``pgindex_document`` (a trigger), so that
  writes made another way (SQL by hand, CKAN's test reset) are noticed too.

A search reads the generation before it reads the index, so a summary is
never stored under a generation older than the data it counted. A
summary is neither used nor stored by a transaction that wrote index rows
itself (it would count its own uncommitted rows), nor under an isolation
level above READ COMMITTED (its snapshot may be older than the generation
it read). ``ckanext.pgindex.cache_size`` = 0 turns the cache off.
"""
from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from typing import Any, Hashable, Optional

import sqlalchemy as sa

import ckan.model as model
from ckan.common import config

log = logging.getLogger(__name__)

SEQUENCE = "pgindex_generation"
_WROTE = "pgindex_wrote"


# The most facet values all summaries of a process hold together, and the
# most one summary may hold to be kept at all (a facet.limit of -1 on a
# field of unique values would otherwise keep every dataset's name).
MAX_VALUES = 200_000
MAX_VALUES_PER_SUMMARY = 5_000


class SummaryCache:
    """A thread-safe LRU of search summaries, bounded by count and weight.

    An entry's weight is the number of facet values it holds, plus one.
    """

    def __init__(self, max_weight: int = MAX_VALUES) -> None:
        self._entries: OrderedDict[Hashable, tuple[Any, int]] = OrderedDict()
        self._lock = threading.Lock()
        self.max_weight = max_weight
        self.weight = 0
        self.hits = 0
        self.misses = 0

    def get(self, key: Hashable) -> Optional[Any]:
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                self.misses += 1
                return None
            self._entries.move_to_end(key)
            self.hits += 1
            return entry[0]

    def put(self, key: Hashable, value: Any, size: int,
            weight: int = 1) -> None:
        """Keep ``value``, evicting the least recently used entries."""
        if weight > MAX_VALUES_PER_SUMMARY or weight > self.max_weight:
            return
        with self._lock:
            if key in self._entries:
                self.weight -= self._entries.pop(key)[1]
            self._entries[key] = (value, weight)
            self.weight += weight
            while len(self._entries) > size or self.weight > self.max_weight:
                self.weight -= self._entries.popitem(last=False)[1][1]

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self.weight = 0
            self.hits = self.misses = 0

    def __len__(self) -> int:
        return len(self._entries)


summaries = SummaryCache()


def size() -> int:
    """How many summaries a process keeps (0: none)."""
    return max(0, int(config.get("ckanext.pgindex.cache_size") or 0))


# What a search reads, in the statement that sets its local settings:
# the generation (the sequence's oid too, so that a sequence dropped and
# created again never repeats an old generation) and the isolation level.
GENERATION_COLUMNS = (
    f"to_regclass('{SEQUENCE}')::oid AS generation_oid, "
    f"pg_sequence_last_value(to_regclass('{SEQUENCE}')) AS generation, "
    "current_setting('transaction_isolation') AS isolation")


def generation(row: Any) -> Optional[tuple[int, int]]:
    """The generation a search may use summaries of; None: it may not."""
    if not size() or model.Session.info.get(_WROTE):
        return None
    if row.generation_oid is None or row.isolation != "read committed":
        return None
    return (int(row.generation_oid), int(row.generation or 0))


def note_write() -> None:
    """Tell the cache that this transaction writes index rows."""
    model.Session.info[_WROTE] = True


def advance() -> None:
    """Move the generation on, outside any transaction (non-transactional)."""
    engine = model.meta.engine
    if engine is None:
        return
    try:
        with engine.connect() as connection:
            connection.execute(sa.text(
                "SELECT nextval(to_regclass(:name))"), {"name": SEQUENCE})
            connection.commit()
    except Exception as error:  # never fail a change already committed
        # This process forgets its summaries; others keep theirs until the
        # next write moves the generation on.
        log.error("Could not move the search index generation on: %s",
                  error)
        summaries.clear()


def _after_commit(session: Any) -> None:
    # SQLAlchemy also calls this when a savepoint is released (CKAN's
    # package_update writes the index inside one): only the end of the
    # outermost transaction makes the writes visible to other sessions.
    if session.in_nested_transaction():
        return
    if session.info.pop(_WROTE, False):
        advance()


def _after_transaction_end(session: Any, transaction: Any) -> None:
    # the outermost transaction only: a search's own savepoint ends
    # (rolled back) inside a transaction whose writes are still pending
    if transaction.parent is None:
        session.info.pop(_WROTE, None)


def listen() -> None:
    """Watch the commits of CKAN's session (once per process)."""
    if not sa.event.contains(model.Session, "after_commit", _after_commit):
        sa.event.listen(model.Session, "after_commit", _after_commit)
        sa.event.listen(model.Session, "after_transaction_end",
                        _after_transaction_end)
