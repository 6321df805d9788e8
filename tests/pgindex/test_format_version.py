"""The index records its format version; start-up says when to rebuild."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

import ckan.model as model
from ckan.cli.cli import ckan as ckan_cli
from ckan.common import config

from ckanext.pgindex import document, facets, status
from tests.pgindex.stock import dataset, stock, stock_db  # noqa: F401


def recorded() -> status.FormatVersion | None:
    with model.meta.engine.connect() as connection:
        return status.read_recorded(connection)


def forget_version() -> None:
    model.Session.execute(sa.text("DELETE FROM pgindex_meta"))
    model.Session.commit()


@stock()
@pytest.mark.usefixtures("stock_db")
class TestFormatVersion:
    def test_an_empty_index_records_the_current_version(self):
        assert recorded() is None
        state = status.startup_check()
        assert state is not None and state.ok
        assert recorded() == status.current_version()
        assert "tags" in recorded().facet_fields

    def test_rows_without_a_version_ask_for_a_rebuild(self, cli):
        dataset(name="lama")
        forget_version()
        state = status.startup_check()
        assert not state.ok
        assert "records no format version" in state.problems[0]
        assert f"`ckan -c {config['__file__']} pgindex rebuild`" \
            in state.problems[0]
        result = cli.invoke(ckan_cli, ["pgindex", "check"])
        assert result.exit_code == 1
        assert "pgindex rebuild" in result.output
        result = cli.invoke(ckan_cli, ["pgindex", "rebuild", "-q"])
        assert result.exit_code == 0, result.output
        assert recorded() == status.current_version()
        result = cli.invoke(ckan_cli, ["pgindex", "check"])
        assert result.exit_code == 0, result.output
        assert "up to date" in result.output

    def test_a_changed_allow_list_asks_for_a_rebuild(self, cli,
                                                     monkeypatch):
        status.startup_check()  # records the version of the empty index
        dataset(name="satu", author="ani")
        before = recorded()
        monkeypatch.setitem(config, "ckanext.pgindex.facet_fields",
                            "author")
        facets.reset()
        state = status.startup_check()
        assert not state.ok
        assert "facet fields added: author" in state.problems[0]
        # until the rebuild, searches count `author` from the JSON fields
        assert not facets.is_faceted("author")
        assert recorded() == before
        result = cli.invoke(ckan_cli, ["pgindex", "rebuild", "-q"])
        assert result.exit_code == 0, result.output
        assert "author" in recorded().facet_fields
        facets.reset()
        assert status.startup_check().ok
        assert facets.is_faceted("author")

    def test_a_new_document_format_asks_for_a_rebuild(self, cli,
                                                      monkeypatch):
        status.startup_check()
        dataset(name="satu")
        stored = document.DOCUMENT_FORMAT
        monkeypatch.setattr(document, "DOCUMENT_FORMAT", stored + 1)
        state = status.startup_check()
        assert (f"document format {stored} is stored, this code writes "
                f"{stored + 1}") in state.problems[0]
        result = cli.invoke(ckan_cli, ["pgindex", "status"])
        assert f"document format {stored + 1}" in result.output
        assert "pgindex rebuild" in result.output

    def test_missing_migrations_say_db_upgrade(self, cli, migrate_db_for):
        migrate_db_for("pgindex", "6bfaa16206be", forward=False)
        try:
            state = status.startup_check()
            assert not state.ok
            assert "db upgrade -p pgindex" in state.problems[0]
            assert "pgindex_meta" in state.problems[0]
            result = cli.invoke(ckan_cli, ["pgindex", "check"])
            assert result.exit_code == 1
            assert "db upgrade -p pgindex" in result.output
        finally:
            migrate_db_for("pgindex")
        assert status.startup_check().ok

    def test_a_partial_rebuild_records_nothing(self, cli):
        created = dataset(name="satu")
        forget_version()
        for command in (["pgindex", "rebuild", "-q", "--only-missing"],
                        ["pgindex", "rebuild", created["id"]],
                        ["search-index", "rebuild", "-q"]):
            result = cli.invoke(ckan_cli, command)
            assert result.exit_code == 0, result.output
            assert recorded() is None
