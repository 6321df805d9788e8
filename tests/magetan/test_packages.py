"""Discovery of the concept packages (packages.py)."""
from __future__ import annotations

import types

import pytest

from ckan.plugins import toolkit as tk

from ckanext.magetan import packages


def test_every_concept_package_is_found():
    assert {"codelists", "demo", "indicators", "language", "opd", "sectors",
            "security", "tableschema"} <= set(packages.names())


def _modules(monkeypatch, *exports: dict) -> None:
    fakes = [types.SimpleNamespace(__name__=f"fake{i}", __all__=list(e), **e)
             for i, e in enumerate(exports)]
    monkeypatch.setattr(packages, "modules", lambda kind: iter(fakes))


def test_two_packages_chain_the_same_action_in_package_order(monkeypatch):
    @tk.chained_action
    @tk.side_effect_free
    def first(up, context, data_dict):
        return up(context, data_dict) + ["first"]

    @tk.chained_action
    def second(up, context, data_dict):
        return up(context, data_dict) + ["second"]

    _modules(monkeypatch, {"package_show": first}, {"package_show": second})
    composite = packages.actions()["package_show"]
    assert composite.chained_action is True
    # GET-able only if every link is
    assert composite.side_effect_free is False
    assert composite(lambda context, data_dict: ["ckan"], {}, {}) == [
        "ckan", "first", "second"]


def test_a_name_exported_twice_unchained_is_refused(monkeypatch):
    _modules(monkeypatch, {"magetan_x": lambda c, d: 1},
             {"magetan_x": lambda c, d: 2})
    with pytest.raises(ValueError, match="magetan_x is exported twice"):
        packages.actions()
