"""The SOP's steps through the API: roles, reasons, segregation of duties,
conflicts and the audit trail."""
from __future__ import annotations

import threading
from typing import Any

import pytest
import sqlalchemy as sa

import ckan.model as model
from ckan.plugins import toolkit as tk
from ckan.tests import factories, helpers

from tests.conftest import indikator
from tests.sop import FORUM, act, future, make_people, step, walk_to

pytestmark = pytest.mark.usefixtures("clean_db")


@pytest.fixture
def people() -> dict[str, dict[str, Any]]:
    return make_people()


@pytest.fixture
def draft(people) -> dict[str, Any]:
    return indikator(people["org"], private=True)


def test_a_new_dataset_is_a_hidden_draft(people, draft):
    shown = act(people["pengelola"], "package_show", id=draft["id"])
    assert shown["workflow_state"] == "draft"
    assert shown["workflow_state_label"]
    assert shown["private"] is True
    with pytest.raises(tk.NotAuthorized):
        act(None, "package_show", id=draft["id"])


def test_the_whole_sop_to_publication(people, draft):
    shown = walk_to(people, draft, "published")
    assert [e["transition"] for e in shown["history"]] == [
        "submit", "approve_opd", "verify", "approve", "schedule", "publish"]
    assert [e["role"] for e in shown["history"]] == [
        "pengelola", "pimpinan", "kasi", "kabid", "kadin", "kadin"]
    verify = shown["history"][2]
    assert verify["forum_minutes_number"] == "BA-12/2026"
    assert verify["forum_date"] == "2026-11-30"
    public = act(None, "package_show", id=draft["id"])
    assert public["workflow_state"] == "published"
    assert public["private"] is False
    found = act(None, "package_search", fq=f"id:{draft['id']}")
    assert found["count"] == 1


@pytest.mark.parametrize("state", ["opd_review", "submitted", "verified",
                                   "approved", "scheduled"])
def test_every_review_step_can_return_the_version(people, draft, state):
    walk_to(people, draft, state)
    holder = {"opd_review": "pimpinan", "submitted": "statistisi",
              "verified": "kabid", "approved": "kadin",
              "scheduled": "kadin"}[state]
    with pytest.raises(tk.ValidationError) as error:
        step(people[holder], draft, "reject")
    assert "reason" in error.value.error_dict
    shown = step(people[holder], draft, "reject",
                 reason="Kolom 2024 kosong; isi dari laporan tahunan.")
    assert shown["state"] == "draft"
    assert shown["history"][-1]["reason"].startswith("Kolom 2024")
    # the data manager can edit again
    act(people["pengelola"], "package_patch", id=draft["id"],
        notes="Diperbaiki")


@pytest.mark.parametrize("who", ["stranger", "member", "kasi", "kadin"])
def test_only_the_opd_submits(people, draft, who):
    with pytest.raises(tk.NotAuthorized):
        step(people[who], draft, "submit")


def test_walidata_cannot_act_before_the_opd_head(people, draft):
    step(people["pengelola"], draft, "submit")
    for who in ("kasi", "kabid", "kadin", "pengelola", "stranger"):
        with pytest.raises(tk.NotAuthorized):
            step(people[who], draft, "approve_opd")
    with pytest.raises(tk.ValidationError):
        # a transition that does not start from this state is a conflict
        step(people["kasi"], draft, "verify", **FORUM)


def test_verification_records_the_forum(people, draft):
    walk_to(people, draft, "submitted")
    with pytest.raises(tk.ValidationError) as error:
        step(people["staf"], draft, "verify")
    assert {"forum_date", "forum_minutes_number"} <= set(
        error.value.error_dict)
    with pytest.raises(tk.ValidationError) as error:
        step(people["staf"], draft, "verify", forum_date="2999-01-01",
             forum_minutes_number="BA-1")
    assert "forum_date" in error.value.error_dict
    shown = step(people["staf"], draft, "verify", **FORUM)
    assert shown["history"][-1]["role"] == "staf"


def test_a_release_must_lie_in_the_future(people, draft):
    walk_to(people, draft, "approved")
    for bad in ("2020-01-01T09:00", "kemarin", "9999-12-31T23:59:59-12:00"):
        with pytest.raises(tk.ValidationError) as error:
            step(people["kadin"], draft, "schedule", release_at=bad)
        assert "release_at" in error.value.error_dict
    shown = step(people["kadin"], draft, "schedule",
                 release_at="2030-03-01T09:00")
    assert shown["release_at"] == "2030-03-01T02:00:00+00:00"


def test_segregation_of_duties(people, draft):
    both = factories.User()
    helpers.call_action("organization_member_create", id=people["org"]["id"],
                        username=both["name"], role="admin")
    step(both, draft, "submit")
    with pytest.raises(tk.NotAuthorized, match="Segregation|Pemisahan tugas"):
        step(both, draft, "approve_opd")
    shown = act(both, "magetan_workflow_show", id=draft["id"])
    assert shown["transitions"] == [
        {"name": "approve_opd", "label": shown["transitions"][0]["label"],
         "blocked_by_segregation": True, "needs_reason": False,
         "needs_forum": False, "needs_release": False},
        {"name": "reject", "label": shown["transitions"][1]["label"],
         "blocked_by_segregation": False, "needs_reason": True,
         "needs_forum": False, "needs_release": False}]
    # only a sysadmin may override it, with a recorded reason
    with pytest.raises(tk.NotAuthorized):
        step(both, draft, "approve_opd", override_reason="x")
    sysadmin_both = factories.Sysadmin()
    helpers.call_action("organization_member_create", id=people["org"]["id"],
                        username=sysadmin_both["name"], role="admin")
    redo = indikator(people["org"], private=True)
    step(sysadmin_both, redo, "submit")
    with pytest.raises(tk.NotAuthorized):
        step(sysadmin_both, redo, "approve_opd")
    shown = step(sysadmin_both, redo, "approve_opd",
                 override_reason="Kepala OPD cuti; disetujui lisan")
    assert shown["history"][-1]["override_reason"].startswith("Kepala OPD")


def test_a_walidata_holder_may_not_verify_what_they_submitted(people):
    dual = people["kasi"]
    helpers.call_action("organization_member_create", id=people["org"]["id"],
                        username=dual["name"], role="editor")
    dataset = indikator(people["org"], private=True)
    step(dual, dataset, "submit")
    step(people["pimpinan"], dataset, "approve_opd")
    with pytest.raises(tk.NotAuthorized, match="Segregation|Pemisahan tugas"):
        step(dual, dataset, "verify", **FORUM)
    step(people["statistisi"], dataset, "verify", **FORUM)


def test_a_stale_page_gets_a_conflict(people, draft):
    step(people["pengelola"], draft, "submit")
    with pytest.raises(tk.ValidationError, match="no longer applies|tidak berlaku lagi"):
        step(people["pimpinan"], draft, "approve_opd",
             expected_state="draft")


def test_two_people_at_once_one_wins(people, draft, app):
    """Two holders of the verification step act on the same version at the
    same moment, through the API: exactly one transition is recorded."""
    walk_to(people, draft, "submitted")
    model.Session.commit()
    tokens = {who: factories.APIToken(user=people[who]["name"])["token"]
              for who in ("staf", "kasi")}
    results: dict[str, int] = {}
    barrier = threading.Barrier(2)

    def verify(who: str) -> None:
        barrier.wait()
        response = app.post(
            "/api/3/action/magetan_workflow_transition",
            json={"id": draft["id"], "transition": "verify", **FORUM},
            headers={"Authorization": tokens[who]}, status=None)
        results[who] = response.status_code

    threads = [threading.Thread(target=verify, args=(w,)) for w in tokens]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results.values()) == [200, 409]
    shown = act(people["sysadmin"], "magetan_workflow_show", id=draft["id"])
    assert [e["transition"] for e in shown["history"]].count("verify") == 1


def test_the_audit_trail_is_append_only(people, draft):
    step(people["pengelola"], draft, "submit")
    for statement in ("UPDATE magetan_workflow_event SET reason = 'x'",
                      "DELETE FROM magetan_workflow_event",
                      "TRUNCATE magetan_workflow_event"):
        with pytest.raises(sa.exc.DBAPIError, match="append-only"):
            model.Session.execute(sa.text(statement))
        model.Session.rollback()


def test_task_list(people, draft):
    assert act(people["pengelola"], "magetan_task_list")["count"] == 1
    assert act(people["kasi"], "magetan_task_list")["count"] == 0
    step(people["pengelola"], draft, "submit")
    tasks = act(people["pimpinan"], "magetan_task_list")
    assert [g["role"] for g in tasks["roles"]] == ["pimpinan"]
    assert tasks["roles"][0]["tasks"][0]["id"] == draft["id"]
    assert act(people["stranger"], "magetan_task_list")["count"] == 0
    step(people["pimpinan"], draft, "approve_opd")
    for who in ("staf", "statistisi", "kasi"):
        assert act(people[who], "magetan_task_list")["count"] == 1
    assert act(people["kabid"], "magetan_task_list")["count"] == 0
    with pytest.raises(tk.NotAuthorized):
        act(None, "magetan_task_list")


def test_roles_are_for_sysadmins_to_give(people):
    user = factories.User()
    with pytest.raises(tk.NotAuthorized):
        act(people["kadin"], "magetan_role_assign", user=user["name"],
            role="kadin")
    with pytest.raises(tk.ValidationError):
        act(people["sysadmin"], "magetan_role_assign", user=user["name"],
            role="raja")
    act(people["sysadmin"], "magetan_role_assign", user=user["name"],
        role="kabid")
    held = act(people["kasi"], "magetan_role_list", user=user["name"])
    assert [r["role"] for r in held] == ["kabid"]
    act(people["sysadmin"], "magetan_role_revoke", user=user["name"],
        role="kabid")
    assert act(people["sysadmin"], "magetan_role_list",
               user=user["name"]) == []
    with pytest.raises(tk.NotAuthorized):
        act(people["stranger"], "magetan_role_list")


def test_bad_input_is_a_validation_error(people, draft):
    for params in ({"transition": "terbang"}, {"transition": ["submit"]},
                   {"transition": "submit", "reason": {"a": 1}},
                   {"transition": "submit", "expected_state": "x"},
                   {"transition": "submit", "reason": "a\x00b"}):
        with pytest.raises(tk.ValidationError):
            act(people["pengelola"], "magetan_workflow_transition",
                id=draft["id"], **params)
    with pytest.raises(tk.ObjectNotFound):
        step(people["pengelola"], {"id": "tidak-ada"}, "submit")
