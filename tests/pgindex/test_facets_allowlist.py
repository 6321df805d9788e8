"""Only allow-listed fields get integer facet terms; others still facet."""
from __future__ import annotations

from collections import OrderedDict
from typing import Any

import pytest
import sqlalchemy as sa

import ckan.model as model
import ckan.plugins as p
from ckan.tests import factories

from ckanext.pgindex import document, facets
from tests.pgindex.stock import stock, stock_db  # noqa: F401 (fixture)

DEFAULT = {"organization", "groups", "tags", "res_format", "license_id"}


def termed_fields() -> set[str]:
    """The fields that have a term referenced by some index row."""
    return set(model.Session.execute(sa.text(
        "SELECT DISTINCT t.field FROM pgindex_document d, unnest(d.terms) "
        "AS u(id) JOIN pgindex_term t ON t.id = u.id")).scalars())


def some_datasets() -> None:
    org = factories.Organization(name="opd-satu")
    for number, author in enumerate(["ani", "budi", "ani"]):
        factories.Dataset(
            owner_org=org["id"], name=f"data-{number}", author=author,
            maintainer=f"pengelola-{number % 2}", license_id="cc-by",
            tags=[{"name": "padi"}], extras=[{"key": "unit", "value": "ton"}],
            resources=[{"url": "http://example.com/a.csv", "format": "CSV"}])


class FacetsPlugin(p.SingletonPlugin):
    """An IFacets plugin, as a site would have one."""

    p.implements(p.IFacets)
    calls: list[tuple[str, str]] = []

    def dataset_facets(self, facets_dict: "OrderedDict[str, Any]",
                       package_type: str) -> "OrderedDict[str, Any]":
        self.calls.append(("dataset_facets", package_type))
        facets_dict["author"] = "Author"
        return facets_dict

    def organization_facets(self, facets_dict: "OrderedDict[str, Any]",
                            organization_type: str,
                            package_type: Any) -> "OrderedDict[str, Any]":
        self.calls.append(("organization_facets", organization_type))
        facets_dict["maintainer"] = "Maintainer"
        return facets_dict

    def group_facets(self, facets_dict: "OrderedDict[str, Any]",
                     group_type: str,
                     package_type: Any) -> "OrderedDict[str, Any]":
        self.calls.append(("group_facets", group_type))
        del facets_dict["groups"]  # written for a full dict: fails here
        return facets_dict


@stock()
class TestAllowList:
    def test_default_facets_only_and_no_portal_names(self):
        assert facets.indexed_fields() == DEFAULT
        assert not hasattr(document, "NOT_FACETED")
        for name in ("indicator_code", "concept", "definition"):
            assert not facets.is_faceted(name)

    @pytest.mark.usefixtures("stock_db")
    def test_only_allow_listed_fields_get_terms(self):
        some_datasets()
        assert termed_fields() == {"organization", "tags", "res_format",
                                   "license_id"}

    @pytest.mark.ckan_config("ckanext.pgindex.facet_fields",
                             "maintainer extras_unit")
    @pytest.mark.usefixtures("stock_db")
    def test_declared_fields_get_terms(self):
        assert facets.indexed_fields() == DEFAULT | {"maintainer",
                                                     "extras_unit"}
        some_datasets()
        assert {"maintainer", "extras_unit"} <= termed_fields()

    @pytest.mark.usefixtures("stock_db")
    def test_other_fields_are_counted_from_the_json_fields(self, search):
        some_datasets()
        result = search(**{"facet.field": ["author", "tags", "extras_unit"]})
        assert result["facets"]["author"] == {"ani": 2, "budi": 1}
        assert result["facets"]["tags"] == {"padi": 3}
        assert result["facets"]["extras_unit"] == {"ton": 3}
        assert search(fq="author:ani")["count"] == 2
        assert search(fq="tags:padi")["count"] == 3

    @pytest.mark.ckan_config("ckanext.pgindex.facet_fields", "author")
    @pytest.mark.usefixtures("stock_db")
    def test_a_new_field_is_counted_from_json_until_the_rebuild(self, search):
        some_datasets()
        # the stored rows were (say) built before `author` was listed
        facets.set_recorded(DEFAULT)
        try:
            assert not facets.is_faceted("author")
            model.Session.execute(sa.text(
                "UPDATE pgindex_document SET terms = '{}'"))
            result = search(**{"facet.field": ["author"]}, fq="author:budi")
            assert result["count"] == 1
            assert result["facets"]["author"] == {"budi": 1}
        finally:
            model.Session.rollback()
            facets.set_recorded(None)
        assert facets.is_faceted("author")


@stock("pgindex_test_facets")
@pytest.mark.provide_plugin("pgindex_test_facets", FacetsPlugin)
class TestFacetPlugins:
    def test_each_plugin_is_asked_once_per_type(self):
        FacetsPlugin.calls.clear()
        facets.reset()
        fields = facets.indexed_fields()
        assert fields == DEFAULT | {"author", "maintainer"}
        assert ("dataset_facets", "dataset") in FacetsPlugin.calls
        assert ("organization_facets", "organization") in FacetsPlugin.calls
        assert ("group_facets", "group") in FacetsPlugin.calls
        # group_facets failed: logged, and its facets get no terms
        # cached: not asked again, and the same answer when asked afresh
        calls = len(FacetsPlugin.calls)
        assert facets.indexed_fields() == fields
        assert len(FacetsPlugin.calls) == calls
        assert facets.compute_fields() == fields

    @pytest.mark.usefixtures("stock_db")
    def test_plugin_facets_get_terms(self):
        facets.reset()
        some_datasets()
        assert {"author", "maintainer"} <= termed_fields()
