"""The portal's one IPermissionLabels implementation (permissions.py)."""
from __future__ import annotations

import types

import pytest

import ckan.model as model
import ckan.plugins as p
from ckan.lib.plugins import get_permission_labels
from ckan.tests import factories

from ckanext.magetan import permissions
from tests.conftest import indikator


def test_magetan_answers_for_permission_labels():
    assert isinstance(get_permission_labels(),
                      permissions.PortalPermissionLabels)


@pytest.mark.usefixtures("clean_db")
def test_labels_start_from_ckans_defaults():
    org = factories.Organization()
    user = factories.User()
    public = indikator(org)
    private = indikator(org, private=True)
    labels = get_permission_labels()
    assert labels.get_dataset_labels(model.Package.get(public["id"])) == [
        "public"]
    # the workflow's labels.py adds Walidata's label to unpublished versions
    assert labels.get_dataset_labels(model.Package.get(private["id"])) == [
        f"member-{org['id']}", "workflow-walidata"]
    assert set(labels.get_user_dataset_labels(model.User.get(user["id"]))) \
        == {"public", f"creator-{user['id']}"}


@pytest.mark.usefixtures("clean_db")
def test_a_package_labels_module_can_hide_a_dataset(monkeypatch):
    embargo = types.SimpleNamespace(
        dataset_labels=lambda dataset, labels: (labels - {"public"})
        | {"test-embargo"},
        user_labels=lambda user, labels: labels | {"test-embargo"})
    monkeypatch.setattr(permissions, "packages", types.SimpleNamespace(
        modules=lambda kind: iter([embargo] if kind == "labels" else [])))
    org = factories.Organization()
    dataset = model.Package.get(indikator(org)["id"])
    assert get_permission_labels().get_dataset_labels(dataset) == [
        "test-embargo"]


def test_another_labels_plugin_listed_first_is_refused():
    ours = p.get_plugin("magetan")
    other = types.SimpleNamespace(name="someone_else")
    with pytest.raises(RuntimeError, match="someone_else"):
        permissions.check_first([other, ours], ours)
    permissions.check_first([ours, other], ours)
