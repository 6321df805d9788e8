"""Attacks a hostile review found, each closed."""
from __future__ import annotations

import pytest

from ckan.plugins import toolkit as tk
from ckan.tests import factories, helpers

from tests.conftest import indikator
from tests.sop import act, future, step

pytestmark = pytest.mark.usefixtures("clean_db")


@pytest.fixture
def opd():
    sysadmin = factories.Sysadmin()
    found = {"sysadmin": sysadmin, "editor": factories.User(),
             "admin": factories.User(), "kadin": factories.User(),
             "other_admin": factories.User()}
    act(sysadmin, "magetan_role_assign", user=found["kadin"]["name"],
        role="kadin")
    found["org"] = factories.Organization(users=[
        {"name": found["editor"]["name"], "capacity": "editor"},
        {"name": found["admin"]["name"], "capacity": "admin"}])
    found["other"] = factories.Organization(users=[
        {"name": found["editor"]["name"], "capacity": "editor"},
        {"name": found["other_admin"]["name"], "capacity": "admin"}])
    found["public"] = indikator(found["org"])
    return found


def test_an_abandoned_revision_cannot_be_brought_back_public(opd):
    revision = act(opd["editor"], "magetan_workflow_revision_start",
                   id=opd["public"]["id"], change_note="Coba")
    act(opd["editor"], "package_patch", id=revision["id"], notes="rahasia")
    act(opd["editor"], "package_delete", id=revision["id"])
    copy = helpers.call_action("package_show", id=revision["id"])
    copy.update(state="active", private=False, indicator_code="IND-LAIN-1")
    with pytest.raises((tk.ValidationError, tk.NotAuthorized)):
        act(opd["editor"], "package_update", **copy)
    with pytest.raises(tk.NotAuthorized):
        act(None, "package_show", id=revision["id"])
    # restored by a sysadmin, it is a hidden draft of the workflow again
    copy.pop("private")
    act(opd["sysadmin"], "package_update", **copy)
    restored = helpers.call_action("package_show", id=revision["id"])
    assert restored["private"] is True
    assert restored["workflow_state"] == "draft"
    with pytest.raises(tk.NotAuthorized):
        act(None, "package_show", id=revision["id"])


def test_an_abandoned_revision_stays_out_of_the_public_history(opd):
    revision = act(opd["editor"], "magetan_workflow_revision_start",
                   id=opd["public"]["id"], change_note="Rahasia OPD")
    act(opd["editor"], "package_delete", id=revision["id"])
    helpers.call_action("dataset_purge",
                        context={"user": opd["sysadmin"]["name"]},
                        id=revision["id"])
    history = act(None, "magetan_workflow_show", id=opd["public"]["id"])[
        "history"]
    assert "Rahasia OPD" not in str(history)


def test_a_release_ten_thousand_years_away_is_refused(opd):
    draft = indikator(opd["org"], private=True)
    helpers.call_action(
        "magetan_workflow_transition",
        context={"user": opd["sysadmin"]["name"]}, id=draft["id"],
        transition="submit")
    for transition in ("approve_opd", "verify", "approve"):
        extra = {"forum_date": "2026-11-30", "forum_minutes_number": "1"} \
            if transition == "verify" else {}
        helpers.call_action(
            "magetan_workflow_transition",
            context={"user": opd["sysadmin"]["name"]}, id=draft["id"],
            transition=transition, override_reason="uji", **extra)
    for far in ("9999-12-31T20:00+00:00", "2999-01-01T00:00"):
        with pytest.raises(tk.ValidationError) as error:
            step(opd["kadin"], draft, "schedule", release_at=far)
        assert "release_at" in error.value.error_dict
    step(opd["kadin"], draft, "schedule", release_at=future())


def test_a_revision_stays_with_its_opd(opd):
    revision = act(opd["editor"], "magetan_workflow_revision_start",
                   id=opd["public"]["id"], change_note="Pindah")
    with pytest.raises(tk.ValidationError) as error:
        act(opd["editor"], "package_patch", id=revision["id"],
            owner_org=opd["other"]["id"])
    assert "owner_org" in error.value.error_dict


def test_a_sysadmin_delete_by_patch_hides_the_activities(opd):
    public = opd["public"]
    helpers.call_action("package_patch",
                        context={"user": opd["sysadmin"]["name"]},
                        id=public["id"], notes="publik")
    assert any(a["object_id"] == public["id"] for a in act(
        None, "recently_changed_packages_activity_list"))
    act(opd["sysadmin"], "package_patch", id=public["id"], state="deleted")
    assert not any(a["object_id"] == public["id"] for a in act(
        None, "recently_changed_packages_activity_list"))


def test_a_notice_goes_when_its_reader_may_no_longer_see_it(opd):
    draft = indikator(opd["org"], private=True, title="Rahasia Dinas")
    act(opd["admin"], "magetan_notification_mark_read")
    step(opd["editor"], draft, "submit")
    assert act(opd["admin"], "magetan_notification_list")["unread"] == 1
    helpers.call_action("organization_member_delete",
                        context={"user": opd["sysadmin"]["name"]},
                        id=opd["org"]["id"], username=opd["admin"]["name"])
    left = act(opd["admin"], "magetan_notification_list")
    assert left["unread"] == 0
    assert "Rahasia Dinas" not in str(left["notifications"])
