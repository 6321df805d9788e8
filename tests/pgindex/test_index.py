"""The index follows every change to datasets, in the same transaction."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

import ckan.lib.search as ckan_search
import ckan.model as model
import ckan.plugins as plugins
from ckan.cli.cli import ckan as ckan_cli
from ckan.tests import factories, helpers
from ckan.tests.lib.search import test_index as ckan_index_tests

from ckanext.pgindex import backend
from ckanext.pgindex.index import PostgresPackageSearchIndex
from ckanext.pgindex.query import PostgresPackageSearchQuery


def new_dataset(org: dict, **fields) -> dict:
    """A plain CKAN dataset of ``org``."""
    return factories.Dataset(owner_org=org["id"], **fields)


def as_admin() -> dict[str, str]:
    return {"user": factories.Sysadmin()["name"]}


def index_rows() -> dict[str, dict]:
    rows = model.Session.execute(sa.text(
        "SELECT name, state, capacity, permission_labels, fields "
        "FROM pgindex_document")).mappings()
    return {row["name"]: dict(row) for row in rows}


@pytest.mark.usefixtures("clean_db")
class TestIndexFollowsChanges:
    def test_created_dataset_is_found_by_the_next_search(self, search):
        org = factories.Organization()
        new_dataset(org, name="baru", title="Dataset Baru Sekali")
        assert [d["name"] for d in search(q="sekali")["results"]] == ["baru"]

    def test_update_is_found_and_old_words_are_gone(self, search):
        org = factories.Organization()
        dataset = new_dataset(org, name="ubah", title="Jumlah Sapi")
        helpers.call_action("package_patch", context=as_admin(),
                            id=dataset["id"], title="Jumlah Kambing")
        assert search(q="kambing")["count"] == 1
        assert search(q="sapi")["count"] == 0

    def test_private_toggle_changes_labels(self, search):
        org = factories.Organization()
        dataset = new_dataset(org, name="rahasia")
        helpers.call_action("package_patch", context=as_admin(),
                            id=dataset["id"], private=True)
        row = index_rows()["rahasia"]
        assert row["capacity"] == "private"
        assert row["permission_labels"] == [f"member-{org['id']}"]
        assert search(include_private=True)["count"] == 0

    def test_delete_and_purge(self, search):
        org = factories.Organization()
        dataset = new_dataset(org, name="hapus")
        helpers.call_action("package_delete", context=as_admin(),
                            id=dataset["id"])
        # ckan.search.remove_deleted_packages (default true) drops the row
        assert "hapus" not in index_rows()
        assert search()["count"] == 0
        helpers.call_action("dataset_purge", context=as_admin(),
                            id=dataset["id"])
        assert "hapus" not in index_rows()

    @pytest.mark.ckan_config("ckan.search.remove_deleted_packages", False)
    def test_deleted_datasets_can_stay_in_the_index(self, search):
        org = factories.Organization()
        dataset = new_dataset(org, name="hapus")
        helpers.call_action("package_delete", context=as_admin(),
                            id=dataset["id"])
        assert index_rows()["hapus"]["state"] == "deleted"
        assert search()["count"] == 0

    def test_adding_to_a_group_reindexes(self, search):
        org = factories.Organization()
        group = factories.Group(name="sektor")
        dataset = new_dataset(org, name="anggota")
        helpers.call_action("member_create", context=as_admin(),
                            id=group["id"],
                            object=dataset["id"], object_type="package",
                            capacity="public")
        assert search(fq="groups:sektor")["count"] == 1

    def test_failed_transaction_leaves_no_index_row(self, monkeypatch):
        org = factories.Organization()
        context = as_admin()
        seen_before_commit = []

        def failing_commit() -> None:
            seen_before_commit.append(set(index_rows()))
            raise RuntimeError("the commit failed")

        monkeypatch.setattr(model.repo, "commit", failing_commit)
        with pytest.raises(RuntimeError, match="the commit failed"):
            helpers.call_action("package_create", context=context,
                                owner_org=org["id"], name="batal")
        monkeypatch.undo()
        model.Session.rollback()
        # the row was written in the dataset's own transaction, and went
        # with it
        assert seen_before_commit == [{"batal"}]
        assert index_rows() == {}

    def test_flattened_fields_match_ckans_solr_document(self):
        org = factories.Organization(name="opd")
        new_dataset(org, name="lengkap",
                    tags=[{"name": "aa"}, {"name": "bb"}],
                    resources=[{"url": "http://x/1.csv", "format": "CSV",
                                "name": "satu"}],
                    extras=[{"key": "unit", "value": "ton"},
                            {"key": "periodicity", "value": "bulanan"}])
        fields = index_rows()["lengkap"]["fields"]
        assert fields["tags"] == ["aa", "bb"]
        assert fields["organization"] == ["opd"]
        assert fields["res_format"] == ["CSV"]
        assert fields["res_name"] == ["satu"]
        assert fields["dataset_type"] == ["dataset"]
        # extras, by their own name too (not shadowing core fields)
        assert fields["periodicity"] == ["bulanan"]
        assert fields["extras_unit"] == ["ton"]
        assert fields["unit"] == ["ton"]
        assert fields["entity_type"] == ["package"]


@pytest.mark.usefixtures("clean_db")
class TestCkansIndexContract(ckan_index_tests.TestPackageSearchIndex):
    """CKAN's own tests of its index class, run on pgindex's index class.

    They name ``ckan.lib.search.index.PackageSearchIndex``, the Solr class,
    so the pgindex session deselects them where CKAN defines them.
    """

    @pytest.fixture(autouse=True)
    def pgindex_class(self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setattr(ckan_search.index, "PackageSearchIndex",
                            PostgresPackageSearchIndex)


@pytest.mark.usefixtures("clean_db")
def test_index_package_is_called_once_per_change(monkeypatch):
    calls = []
    index_package = PostgresPackageSearchIndex.index_package

    def counted(self, pkg_dict, defer_commit=False):
        calls.append(pkg_dict["id"])
        return index_package(self, pkg_dict, defer_commit)

    monkeypatch.setattr(PostgresPackageSearchIndex, "index_package", counted)
    dataset = factories.Dataset()
    assert len(calls) == 1
    helpers.call_action("package_patch", id=dataset["id"], notes="hi")
    assert len(calls) == 2


@pytest.mark.usefixtures("clean_db")
class TestRebuild:
    @pytest.mark.parametrize("command, progress", [
        (["search-index", "rebuild"], "Indexing dataset 3/3"),
        (["pgindex", "rebuild"], "Indexing datasets"),
    ])
    def test_core_and_own_rebuild_restore_rows(self, cli, command, progress):
        org = factories.Organization()
        for number in range(3):
            new_dataset(org, name=f"data-{number}")
        model.Session.execute(sa.text("DELETE FROM pgindex_document"))
        model.Session.commit()
        result = cli.invoke(ckan_cli, command)
        assert result.exit_code == 0, result.output
        assert progress in result.output
        assert set(index_rows()) == {"data-0", "data-1", "data-2"}

    def test_only_missing_and_orphans(self, cli):
        org = factories.Organization()
        new_dataset(org, name="ada")
        new_dataset(org, name="hilang")
        model.Session.execute(sa.text(
            "DELETE FROM pgindex_document WHERE name = 'hilang'"))
        model.Session.execute(sa.text(
            "UPDATE pgindex_document SET id = 'orphan', name = 'yatim' "
            "WHERE name = 'ada'"))
        model.Session.commit()
        result = cli.invoke(ckan_cli, ["pgindex", "rebuild",
                                       "--only-missing", "-q"])
        assert result.exit_code == 0, result.output
        # "ada" lost its row to the orphan, so it counts as missing too
        assert set(index_rows()) == {"ada", "hilang", "yatim"}
        result = cli.invoke(ckan_cli, ["search-index", "rebuild", "-q"])
        assert result.exit_code == 0, result.output
        assert set(index_rows()) == {"ada", "hilang"}

    def test_rebuild_one_dataset(self, cli):
        org = factories.Organization()
        new_dataset(org, name="satu")
        model.Session.execute(sa.text("DELETE FROM pgindex_document"))
        model.Session.commit()
        result = cli.invoke(ckan_cli, ["search-index", "rebuild", "satu"])
        assert result.exit_code == 0, result.output
        assert set(index_rows()) == {"satu"}


class TestBackendSwitch:
    def test_deactivating_puts_ckans_solr_classes_back(self):
        try:
            backend.deactivate()
            assert ckan_search.query_for(model.Package).__class__ \
                is ckan_search.query.PackageSearchQuery
            assert not backend.is_active()
        finally:
            backend.activate()
        assert isinstance(ckan_search.query_for(model.Package),
                          PostgresPackageSearchQuery)
        assert isinstance(ckan_search.index_for(model.Package),
                          PostgresPackageSearchIndex)

    def test_no_solr_schema_check_at_start_up(self):
        assert ckan_search.check_solr_schema_version() is False


@pytest.mark.usefixtures("clean_db")
def test_the_site_is_stock_ckan_with_pgindex_alone():
    """tests/pgindex/test.ini: no portal plugin, no scheming, plain types."""
    assert plugins.plugin_loaded("pgindex")
    for other in ("magetan", "scheming_datasets", "activity"):
        assert not plugins.plugin_loaded(other)
    assert backend.is_active()
    assert factories.Dataset()["type"] == "dataset"
