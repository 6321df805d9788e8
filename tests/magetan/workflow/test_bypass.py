"""CKAN's own paths to visibility go through the workflow or are refused."""
from __future__ import annotations

import pytest

from ckan.plugins import toolkit as tk
from ckan.tests import factories, helpers

from tests.conftest import indikator
from tests.sop import act

pytestmark = pytest.mark.usefixtures("clean_db")


@pytest.fixture
def opd():
    editor, admin = factories.User(), factories.User()
    org = factories.Organization(users=[
        {"name": editor["name"], "capacity": "editor"},
        {"name": admin["name"], "capacity": "admin"}])
    return {"editor": editor, "admin": admin, "org": org,
            "sysadmin": factories.Sysadmin()}


@pytest.mark.parametrize("who", ["editor", "admin", "sysadmin"])
def test_private_belongs_to_the_workflow(opd, who):
    draft = indikator(opd["org"], private=True)
    with pytest.raises(tk.ValidationError) as error:
        act(opd[who], "package_patch", id=draft["id"], private=False)
    assert "private" in error.value.error_dict
    with pytest.raises(tk.ValidationError):
        act(opd[who], "package_patch", id=draft["id"], private="False")
    # sent back as read, it is fine
    act(opd[who], "package_patch", id=draft["id"], private=True,
        notes="ubah")
    assert act(None, "package_search", q=f"name:{draft['name']}")[
        "count"] == 0


def test_a_dataset_created_public_is_a_hidden_draft(opd):
    made = act(opd["editor"], "package_create",
               **_fields(opd["org"], "terbuka"), private=False)
    assert made["private"] is True and made["workflow_state"] == "draft"
    with pytest.raises(tk.NotAuthorized):
        act(None, "package_show", id=made["id"])


def _fields(org, name):
    from tests.conftest import INDIKATOR_DEFAULTS
    return dict(INDIKATOR_DEFAULTS, name=name, owner_org=org["id"],
                indicator_code=f"IND-{name.upper()}")


def test_unpublish_and_state_changes_are_refused(opd):
    public = indikator(opd["org"])
    with pytest.raises(tk.ValidationError) as error:
        act(opd["sysadmin"], "package_patch", id=public["id"], state="draft")
    assert "state" in error.value.error_dict
    with pytest.raises(tk.ValidationError):
        act(opd["sysadmin"], "package_patch", id=public["id"],
            workflow_state="draft")
    draft = indikator(opd["org"], private=True)
    with pytest.raises(tk.ValidationError):
        act(opd["editor"], "package_patch", id=draft["id"],
            workflow_state="published")


@pytest.mark.parametrize("action", ["bulk_update_public",
                                    "bulk_update_private"])
def test_bulk_visibility_is_refused(opd, action):
    draft = indikator(opd["org"], private=True)
    public = indikator(opd["org"])
    for who in ("admin", "sysadmin"):
        with pytest.raises(tk.ValidationError):
            act(opd[who], action, datasets=[draft["id"], public["id"]],
                org_id=opd["org"]["id"])
    assert helpers.call_action("package_show", id=draft["id"])["private"]
    assert not helpers.call_action("package_show", id=public["id"])["private"]


def test_bulk_delete_is_for_sysadmins(opd):
    public = indikator(opd["org"])
    with pytest.raises(tk.ValidationError):
        act(opd["admin"], "bulk_update_delete", datasets=[public["id"]],
            org_id=opd["org"]["id"])
    act(opd["sysadmin"], "bulk_update_delete", datasets=[public["id"]],
        org_id=opd["org"]["id"])
    with pytest.raises(tk.NotAuthorized):
        act(None, "package_show", id=public["id"])


def test_the_unpublish_button_is_gone_and_its_post_refused(opd, app):
    draft = indikator(opd["org"], private=True)
    token = factories.APIToken(user=opd["editor"]["name"])["token"]
    form = app.get(f"/indikator/edit/{draft['name']}",
                   headers={"Authorization": token}).body
    assert "go-metadata-unpublish" not in form
    assert 'name="private"' not in form
    response = app.post(f"/indikator/edit/{draft['name']}", data={
        "save": "go-metadata-unpublish", "title": "x", "name": draft["name"]},
        headers={"Authorization": token}, status=None)
    assert response.status_code == 200  # the form again, with the error
    assert helpers.call_action("package_show", id=draft["id"])[
        "state"] == "active"


def test_only_sysadmins_import_as_published(opd):
    draft = indikator(opd["org"], private=True)
    for who in ("editor", "admin"):
        with pytest.raises(tk.NotAuthorized):
            act(opd[who], "magetan_workflow_transition", id=draft["id"],
                transition="import_published", reason="lama")
    with pytest.raises(tk.ValidationError):
        act(opd["sysadmin"], "magetan_workflow_transition", id=draft["id"],
            transition="import_published")
    shown = act(opd["sysadmin"], "magetan_workflow_transition",
                id=draft["id"], transition="import_published",
                reason="Data historis 2020-2024")
    assert shown["state"] == "published"
    assert shown["versions"][0]["change_note"] == "Data historis 2020-2024"
