"""Writing the index while other transactions write it too.

Each test runs the competing transactions on threads of their own, so on
real, separate database connections.
"""
from __future__ import annotations

import threading

import pytest
import sqlalchemy as sa

import ckan.model as model
from ckan.lib.search.common import SearchIndexError
from ckan.tests import helpers

from ckanext.pgindex import index, rebuild
from tests.pgindex.stock import (  # noqa: F401 (stock_db: a fixture)
    TIMEOUT, as_admin, dataset, in_thread, stock, stock_db,
    wait_for_lock_wait)


def row_of(package_id: str) -> dict | None:
    row = model.Session.execute(sa.text(
        "SELECT title_sort, state, cardinality(terms) AS terms "
        "FROM pgindex_document WHERE id = :id"), {"id": package_id}
    ).mappings().first()
    model.Session.commit()
    return dict(row) if row else None


def edit_held_open(monkeypatch: pytest.MonkeyPatch, action: str,
                   context: dict, **data) -> tuple:
    """Run a CKAN action on its own thread, held just before its commit.

    The action runs as usual; once it has written the index (its dataset
    row locked, its index row written), its thread waits for the returned
    event before the action commits. Returns the thread, its outcome and
    that event.
    """
    written = threading.Event()
    commit = threading.Event()
    cls = index.PostgresPackageSearchIndex

    def held(method):
        def run(self, *args, **kwargs):
            result = method(self, *args, **kwargs)
            if threading.current_thread() is not threading.main_thread() \
                    and not written.is_set():
                written.set()
                assert commit.wait(TIMEOUT)
            return result
        return run

    monkeypatch.setattr(cls, "index_package", held(cls.index_package))
    monkeypatch.setattr(cls, "delete_package", held(cls.delete_package))
    thread, outcome = in_thread(lambda: helpers.call_action(
        action, context=dict(context), **data))
    assert written.wait(TIMEOUT), outcome
    return thread, outcome, commit


def join(*threads_and_outcomes: tuple) -> None:
    for thread, outcome in threads_and_outcomes:
        thread.join(TIMEOUT)
        assert not thread.is_alive()
        assert "error" not in outcome, outcome


@stock()
@pytest.mark.usefixtures("stock_db")
class TestStaleWrites:
    @pytest.mark.parametrize("reread", [True, False])
    def test_a_batch_never_overwrites_a_newer_edit(self, reread,
                                                   monkeypatch):
        context = as_admin()
        created = dataset(title="Judul Lama")
        # the batch reads the dataset ...
        stale = rebuild.read_dataset(created["id"])
        model.Session.commit()
        # ... an edit changes it and is about to commit ...
        edit, edited, commit = edit_held_open(
            monkeypatch, "package_patch", context, id=created["id"], title="Judul Baru")

        def batch() -> int:
            written = index.index_datasets(
                [stale], reread=rebuild.read_dataset if reread else None)
            model.Session.commit()
            return written

        # ... and the batch writes: it waits for the edit's lock
        writer, written = in_thread(batch)
        wait_for_lock_wait()
        commit.set()
        join((edit, edited), (writer, written))
        # read again under the lock (rebuild), or left to the edit
        # (a single index_package, as core's `search-index rebuild`)
        assert written["result"] == (1 if reread else 0)
        assert row_of(created["id"])["title_sort"] == "judul baru"

    def test_a_batch_never_puts_back_a_dataset_deleted_meanwhile(
            self, monkeypatch):
        context = as_admin()
        created = dataset(name="hapus")
        stale = rebuild.read_dataset(created["id"])
        model.Session.commit()
        edit, edited, commit = edit_held_open(
            monkeypatch, "package_delete", context, id=created["id"])

        def batch() -> int:
            written = index.index_datasets([stale],
                                           reread=rebuild.read_dataset)
            model.Session.commit()
            return written

        writer, written = in_thread(batch)
        wait_for_lock_wait()
        commit.set()
        join((edit, edited), (writer, written))
        assert written["result"] == 0
        assert row_of(created["id"]) is None

    def test_stale_dicts_without_concurrency(self):
        """The same checks when the edit committed before the write."""
        created = dataset(name="satu", title="Lama")
        stale = rebuild.read_dataset(created["id"])
        model.Session.commit()
        helpers.call_action("package_patch", context=as_admin(),
                            id=created["id"], title="Baru")
        index.PostgresPackageSearchIndex().index_package(stale)
        model.Session.commit()
        assert row_of(created["id"])["title_sort"] == "baru"
        helpers.call_action("package_delete", context=as_admin(),
                            id=created["id"])
        assert rebuild.rebuild([created["id"]]) == 0
        index.index_datasets([stale], reread=rebuild.read_dataset)
        model.Session.commit()
        assert row_of(created["id"]) is None


@stock()
@pytest.mark.usefixtures("stock_db")
class TestTerms:
    def test_two_indexers_meeting_new_values_in_opposite_orders(self):
        """Neither waits for the other's uncommitted terms: no deadlock."""
        barrier = threading.Barrier(2, timeout=TIMEOUT)

        def indexer(first: str, second: str) -> dict:
            found = index.term_ids([("tags", first)])
            barrier.wait()
            found.update(index.term_ids([("tags", second)]))
            barrier.wait()
            model.Session.commit()
            return found

        one = in_thread(lambda: indexer("zaitun", "apel"))
        two = in_thread(lambda: indexer("apel", "zaitun"))
        join(one, two)
        assert one[1]["result"] == two[1]["result"]
        assert len(set(one[1]["result"].values())) == 2

    def test_many_concurrent_datasets_share_terms(self):
        tags = [{"name": f"tag-{n}"} for n in range(20)]
        dataset(name="awal")
        context = as_admin()

        def create(number: int) -> str:
            ordered = tags if number % 2 else list(reversed(tags))
            org = helpers.call_action("organization_create",
                                      context=dict(context),
                                      name=f"org-{number}")
            return helpers.call_action(
                "package_create", context=dict(context),
                name=f"data-{number}", owner_org=org["id"],
                tags=ordered)["id"]

        workers = [in_thread(lambda n=n: create(n)) for n in range(4)]
        join(*workers)
        for _, outcome in workers:
            # 20 tags and the organization, none missing
            assert row_of(outcome["result"])["terms"] == 21
        tag_rows = model.Session.execute(sa.text(
            "SELECT count(*) FROM pgindex_term WHERE field = 'tags'")
        ).scalar_one()
        assert tag_rows == 20

    def test_terms_are_never_silently_missing(self, monkeypatch):
        created = dataset(name="ada")
        monkeypatch.setattr(index, "_insert_terms", lambda pairs: None)
        with pytest.raises(SearchIndexError):
            index.term_ids([("tags", "tidak-pernah")])
        stale = rebuild.read_dataset(created["id"])
        stale["tags"] = [{"name": "tidak-pernah"}]
        with pytest.raises(SearchIndexError):
            index.index_datasets([stale])
        model.Session.rollback()


@stock()
@pytest.mark.usefixtures("stock_db")
class TestFreshness:
    """A batch never overwrites a row indexed after it read its datasets."""

    @staticmethod
    def groups_of(package_id: str) -> list[str]:
        row = model.Session.execute(sa.text(
            "SELECT fields -> 'groups' AS groups FROM pgindex_document "
            "WHERE id = :id"), {"id": package_id}).scalar_one()
        model.Session.commit()
        return row or []

    def test_a_membership_indexed_meanwhile_is_kept(self):
        created = dataset(name="anggota")
        group = helpers.call_action("group_create", context=as_admin(),
                                    name="kelompok")
        # the batch starts reading: the dataset is in no group yet
        started = index.read_started()
        stale = rebuild.read_dataset(created["id"])
        model.Session.commit()
        # on another connection, the dataset joins the group; CKAN indexes
        # it again (metadata_modified unchanged) and commits
        joined = in_thread(lambda: helpers.call_action(
            "member_create", context=as_admin(), id=group["id"],
            object=created["id"], object_type="package", capacity="public"))
        join(joined)
        assert self.groups_of(created["id"]) == ["kelompok"]
        # the batch writes what it read: not over the fresher row
        written = index.index_datasets([stale], reread=rebuild.read_dataset,
                                       read_started=started)
        model.Session.commit()
        assert written == 0
        assert self.groups_of(created["id"]) == ["kelompok"]
        payload = model.Session.execute(sa.text(
            "SELECT data_dict FROM pgindex_payload WHERE id = :id"),
            {"id": created["id"]}).scalar_one()
        model.Session.commit()
        assert "kelompok" in payload

    def test_a_row_inserted_meanwhile_is_kept(self):
        created = dataset(name="baru")
        started = index.read_started()
        stale = rebuild.read_dataset(created["id"])
        stale["title"] = "Versi Batch"
        model.Session.commit()
        index.delete_rows([created["id"]])
        model.Session.commit()

        def reindex() -> None:
            fresh = rebuild.read_dataset(created["id"])
            index.index_datasets([fresh])
            model.Session.commit()

        join(in_thread(reindex))
        assert index.index_datasets([stale], read_started=started) == 0
        model.Session.commit()
        assert row_of(created["id"])["title_sort"] != "versi batch"

    def test_an_older_row_is_replaced(self):
        created = dataset(name="lama", title="Lama")
        model.Session.execute(sa.text(
            "UPDATE pgindex_document SET title_sort = 'usang' "
            "WHERE id = :id"), {"id": created["id"]})
        model.Session.commit()
        assert rebuild.rebuild([created["id"]]) == 0
        assert row_of(created["id"])["title_sort"] == "lama"
