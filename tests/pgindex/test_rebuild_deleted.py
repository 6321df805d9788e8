"""Rebuilding a deleted dataset does not put it back in the index."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

import ckan.model as model
from ckan.cli.cli import ckan as ckan_cli
from ckan.common import config
from ckan.tests import helpers

from ckanext.pgindex import rebuild
from tests.pgindex.stock import as_admin, dataset, stock, stock_db  # noqa: F401


def index_states() -> dict[str, str]:
    return dict(model.Session.execute(sa.text(
        "SELECT name, state FROM pgindex_document")).all())


def deleted_dataset(name: str) -> dict:
    created = dataset(name=name)
    helpers.call_action("package_delete", context=as_admin(),
                        id=created["id"])
    assert name not in index_states()
    return created


@stock()
@pytest.mark.usefixtures("stock_db")
class TestRebuildDeleted:
    @pytest.mark.parametrize("command", [["pgindex", "rebuild"],
                                         ["search-index", "rebuild"]])
    def test_one_deleted_dataset_stays_out(self, cli, command):
        gone = deleted_dataset("hapus")
        for reference in (gone["id"], "hapus"):
            result = cli.invoke(ckan_cli, command + [reference])
            assert result.exit_code == 0, result.output
            assert "hapus" not in index_states()

    def test_a_stale_row_of_a_deleted_dataset_is_removed(self, cli):
        gone = deleted_dataset("hapus")
        model.Session.execute(sa.text(
            "INSERT INTO pgindex_document (id, site_id, name, state, "
            "capacity, dataset_type, search_vector) VALUES "
            "(:id, :site, 'hapus', 'active', 'public', 'dataset', '')"),
            {"id": gone["id"], "site": config["ckan.site_id"]})
        model.Session.commit()
        result = cli.invoke(ckan_cli, ["pgindex", "rebuild", gone["id"]])
        assert result.exit_code == 0, result.output
        assert "not indexed" in result.output
        assert "hapus" not in index_states()

    def test_batches_leave_deleted_datasets_out(self):
        gone = deleted_dataset("hapus")
        dataset(name="ada")
        assert rebuild.rebuild([gone["id"]] + rebuild.dataset_ids()) == 0
        assert index_states() == {"ada": "active"}

    def test_an_unknown_dataset_loses_its_row(self, cli):
        dataset(name="ada")
        result = cli.invoke(ckan_cli, ["pgindex", "rebuild", "tidak-ada"])
        assert result.exit_code == 0, result.output
        assert index_states() == {"ada": "active"}

    @pytest.mark.ckan_config("ckan.search.remove_deleted_packages", False)
    @pytest.mark.parametrize("command", [["pgindex", "rebuild"],
                                         ["search-index", "rebuild"]])
    def test_kept_as_deleted_when_the_site_keeps_them(self, cli, command):
        created = dataset(name="hapus")
        helpers.call_action("package_delete", context=as_admin(),
                            id=created["id"])
        model.Session.execute(sa.text("DELETE FROM pgindex_document"))
        model.Session.commit()
        result = cli.invoke(ckan_cli, command + [created["id"]])
        assert result.exit_code == 0, result.output
        assert index_states() == {"hapus": "deleted"}
