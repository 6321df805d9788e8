"""`ckan pgindex prune` removes unused terms, never one an indexer uses."""
from __future__ import annotations

import threading

import pytest
import sqlalchemy as sa

import ckan.model as model
from ckan.cli.cli import ckan as ckan_cli
from ckan.tests import helpers

from ckanext.pgindex import index
from tests.pgindex.stock import (  # noqa: F401 (stock_db: a fixture)
    TIMEOUT, as_admin, dataset, in_thread, stock, stock_db, tag_terms,
    wait_for_lock_wait)


@stock()
@pytest.mark.usefixtures("stock_db")
class TestPrune:
    def test_unreferenced_terms_are_removed(self, cli):
        created = dataset(tags=[{"name": "padi"}, {"name": "jagung"}])
        dataset(tags=[{"name": "padi"}])
        helpers.call_action("package_patch", context=as_admin(),
                            id=created["id"], tags=[{"name": "padi"}])
        assert set(tag_terms()) == {"padi", "jagung"}
        result = cli.invoke(ckan_cli, ["pgindex", "prune"])
        assert result.exit_code == 0, result.output
        assert "Removed 1 unused facet terms" in result.output
        assert set(tag_terms()) == {"padi"}

    def test_a_term_an_indexer_holds_is_skipped(self):
        row = dataset(name="satu")
        looked_up = threading.Event()
        go_on = threading.Event()

        def indexer() -> int:
            found = index.term_ids([("tags", "baru")])
            term = found[("tags", "baru")]
            looked_up.set()
            assert go_on.wait(TIMEOUT)
            model.Session.execute(sa.text(
                "UPDATE pgindex_document SET terms = terms || "
                "CAST(:term AS bigint) WHERE id = :id"),
                {"term": term, "id": row["id"]})
            model.Session.commit()
            return term

        thread, outcome = in_thread(indexer)
        assert looked_up.wait(TIMEOUT)
        # committed on its own connection, referenced by no row yet
        assert "baru" in tag_terms()
        assert index.prune_terms() == 0
        go_on.set()
        thread.join(TIMEOUT)
        assert "error" not in outcome, outcome
        assert tag_terms()["baru"] == outcome["result"]
        assert index.prune_terms() == 0

    def test_an_indexer_waits_for_a_prune_and_numbers_again(self):
        index.term_ids([("tags", "lama")])
        model.Session.commit()
        old = tag_terms()["lama"]
        # a prune in progress: its candidates locked, not yet deleted
        pruner = model.meta.engine.connect()
        try:
            pruner.begin()
            locked = list(pruner.execute(
                index._PRUNE_CANDIDATES, {"limit": 100}).scalars())
            assert old in locked

            def indexer() -> int:
                found = index.term_ids([("tags", "lama")])
                model.Session.commit()
                return found[("tags", "lama")]

            thread, outcome = in_thread(indexer)
            wait_for_lock_wait()
            pruner.execute(index._PRUNE_DELETE, {"ids": locked})
            pruner.commit()
        finally:
            pruner.close()
        thread.join(TIMEOUT)
        assert "error" not in outcome, outcome
        assert outcome["result"] != old
        assert tag_terms() == {"lama": outcome["result"]}
