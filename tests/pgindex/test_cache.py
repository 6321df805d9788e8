"""The summary cache: a search's count and facets kept until the index changes.

Every test compares what the cache gives with what the database holds at
that moment: after a change through CKAN, a change by hand in SQL, a change
still uncommitted in the searching transaction, and one committed by
another transaction while a search ran.
"""
from __future__ import annotations

import threading

import pytest
import sqlalchemy as sa

import ckan.model as model
from ckan.lib.search import query_for
from ckan.tests import helpers

from ckanext.pgindex import cache, index
from tests.pgindex.stock import (  # noqa: F401 (stock_db: a fixture)
    as_admin, dataset, in_thread, stock, stock_db)
from tests.pgindex.test_concurrency import edit_held_open, join


def search(**data) -> dict:
    data.setdefault("facet.field", '["tags", "organization"]')
    return helpers.call_action("package_search", context={"user": ""},
                               **data)


def tags_of(result: dict) -> dict[str, int]:
    return {item["name"]: item["count"]
            for item in result["search_facets"]["tags"]["items"]}


@pytest.fixture(autouse=True)
def empty_cache():
    cache.summaries.clear()
    yield
    cache.summaries.clear()


@stock()
@pytest.mark.usefixtures("stock_db")
class TestSummaryCache:
    def test_the_same_search_again_reads_its_summary(self):
        dataset(tags=[{"name": "padi"}])
        first = search()
        hits = cache.summaries.hits
        again = search()
        assert cache.summaries.hits == hits + 1
        assert again["count"] == first["count"] == 1
        assert tags_of(again) == tags_of(first) == {"padi": 1}
        assert [r["id"] for r in again["results"]] == \
            [r["id"] for r in first["results"]]

    def test_the_page_is_read_afresh_from_the_summary(self):
        for number in range(3):
            dataset(name=f"set-{number}", tags=[{"name": "padi"}])
        first = search(sort="name asc", rows=2)
        second = search(sort="name asc", rows=2, start=2)
        assert [r["name"] for r in first["results"]] == ["set-0", "set-1"]
        assert [r["name"] for r in second["results"]] == ["set-2"]
        assert second["count"] == 3
        assert cache.summaries.hits >= 1

    def test_another_sort_or_page_reuses_the_summary(self):
        for number in range(3):
            dataset(name=f"set-{number}", tags=[{"name": "padi"}])
        search(sort="name asc")
        hits = cache.summaries.hits
        newest = search(sort="metadata_modified desc", rows=1)
        assert cache.summaries.hits == hits + 1
        assert newest["count"] == 3
        assert [r["name"] for r in newest["results"]] == ["set-2"]
        # other facets are other counts
        search(sort="name asc", **{"facet.field": '["tags"]'})
        assert cache.summaries.hits == hits + 1

    def test_a_change_through_ckan_is_counted_at_once(self):
        created = dataset(tags=[{"name": "padi"}])
        assert tags_of(search()) == {"padi": 1}
        helpers.call_action("package_patch", context=as_admin(),
                            id=created["id"], tags=[{"name": "jagung"}])
        assert tags_of(search()) == {"jagung": 1}

    def test_a_dataset_made_private_leaves_the_public_counts(self):
        created = dataset(tags=[{"name": "rahasia"}])
        assert search()["count"] == 1
        helpers.call_action("package_patch", context=as_admin(),
                            id=created["id"], private=True)
        result = search()
        assert result["count"] == 0
        assert tags_of(result) == {}

    def test_a_change_made_in_sql_is_noticed(self):
        dataset(tags=[{"name": "padi"}])
        assert search()["count"] == 1
        # the trigger on pgindex_document moves the generation on
        model.Session.execute(sa.text("DELETE FROM pgindex_document"))
        model.Session.commit()
        assert search()["count"] == 0

    def test_own_uncommitted_writes_are_counted(self):
        created = dataset(tags=[{"name": "padi"}])
        assert search()["count"] == 1
        index.delete_rows([created["id"]])
        # same transaction, not committed: the cache is not used
        assert search()["count"] == 0
        model.Session.rollback()
        assert search()["count"] == 1

    def test_a_search_keeps_the_note_of_its_transactions_writes(
            self, monkeypatch):
        created = dataset()
        advanced = []
        monkeypatch.setattr(cache, "advance", lambda: advanced.append(1))
        index.delete_rows([created["id"]])
        search()  # its savepoint is rolled back, the write stays
        assert model.Session.info.get("pgindex_wrote")
        model.Session.commit()
        assert advanced == [1]
        assert not model.Session.info.get("pgindex_wrote")

    def test_a_commit_during_a_search_is_seen_by_the_next(self,
                                                          monkeypatch):
        created = dataset(tags=[{"name": "padi"}])
        search()
        thread, outcome, commit = edit_held_open(
            monkeypatch, "package_delete", as_admin(), id=created["id"])
        # the delete has bumped the generation (trigger) but is not
        # committed: this search counts the dataset, under the new number
        assert search()["count"] == 1
        commit.set()
        join((thread, outcome))
        # the commit moved the generation on again: nothing stale is used
        assert search()["count"] == 0

    def test_a_released_savepoint_is_not_the_commit(self, monkeypatch):
        created = dataset()
        advanced = []
        monkeypatch.setattr(cache, "advance", lambda: advanced.append(1))
        savepoint = model.Session.begin_nested()
        index.delete_rows([created["id"]])
        savepoint.commit()
        # package_update writes the index inside a savepoint like this one
        assert advanced == []
        assert model.Session.info.get("pgindex_wrote")
        model.Session.commit()
        assert advanced == [1]

    def test_a_search_between_an_update_and_its_commit(self, monkeypatch):
        created = dataset(tags=[{"name": "padi"}])
        assert search()["count"] == 1
        held = threading.Event()
        release = threading.Event()
        indexed = threading.Event()
        commit = model.repo.commit
        index_package = index.PostgresPackageSearchIndex.index_package

        def note_indexed(self, *args, **kwargs):
            index_package(self, *args, **kwargs)
            if threading.current_thread() is not threading.main_thread():
                indexed.set()

        def commit_later():
            if indexed.is_set() and not held.is_set():
                held.set()
                assert release.wait(30)
            commit()

        # package_patch: index written in a savepoint, released, then the
        # commit is held
        monkeypatch.setattr(index.PostgresPackageSearchIndex,
                            "index_package", note_indexed)
        monkeypatch.setattr(model.repo, "commit", commit_later)
        thread, outcome = in_thread(lambda: helpers.call_action(
            "package_patch", context=as_admin(), id=created["id"],
            private=True))
        assert held.wait(30)
        assert search()["count"] == 1  # not committed yet
        release.set()
        join((thread, outcome))
        assert search()["count"] == 0

    @pytest.mark.ckan_config("ckanext.pgindex.cache_size", "0")
    def test_size_zero_turns_it_off(self):
        dataset()
        search()
        search()
        assert len(cache.summaries) == 0
        assert cache.summaries.hits == 0

    @pytest.mark.ckan_config("ckanext.pgindex.cache_size", "2")
    def test_it_keeps_at_most_its_size(self):
        dataset(tags=[{"name": "padi"}])
        for query in ("padi", "jagung", "ternak", "ikan"):
            search(q=query)
        assert len(cache.summaries) == 2

    def test_not_used_above_read_committed(self):
        dataset()
        search()
        model.Session.commit()
        model.Session.execute(sa.text(
            "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ"))
        hits = cache.summaries.hits
        search()
        assert cache.summaries.hits == hits
        model.Session.rollback()

    def test_the_caller_may_change_what_it_is_given(self):
        dataset(tags=[{"name": "padi"}])
        helpers.call_action("package_search", context={"user": ""},
                            **{"facet.field": '["tags"]'})
        query = query_for(model.Package)
        query.run({"q": "", "facet.field": ["tags"]},
                  permission_labels=["public"])
        query.facets["tags"]["padi"] = 99
        again = search(**{"facet.field": '["tags"]'})
        assert tags_of(again) == {"padi": 1}


def test_the_cache_is_bounded_and_thread_safe():
    summaries = cache.SummaryCache()
    workers = [threading.Thread(target=lambda n=n: [
        summaries.put((n, i), i, 50) for i in range(500)]) for n in range(4)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert len(summaries) == 50


def test_the_cache_is_bounded_by_the_values_it_holds():
    summaries = cache.SummaryCache(max_weight=100)
    for number in range(10):
        summaries.put(number, "summary", 1000, weight=30)
    assert summaries.weight <= 100
    assert len(summaries) == 3
    # a summary too heavy on its own (facet.limit=-1 on names) is not kept
    summaries.put("all names", "summary", 1000,
                  weight=cache.MAX_VALUES_PER_SUMMARY + 1)
    assert summaries.get("all names") is None


@pytest.mark.parametrize("value", ["16MB", "64kB", " 2 GB ", "4096", ""])
def test_work_mem_that_postgresql_takes(value):
    from ckanext.pgindex.query import check_work_mem
    check_work_mem(value)


@pytest.mark.parametrize("value", ["abc", "16 MiB", "32kB", "-1", "9TB"])
def test_work_mem_that_postgresql_refuses(value):
    from ckan.exceptions import CkanConfigurationException
    from ckanext.pgindex.query import check_work_mem
    with pytest.raises(CkanConfigurationException, match="work_mem"):
        check_work_mem(value)
