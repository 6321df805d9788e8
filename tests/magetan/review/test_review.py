"""Review comments: the reviewer's verdict per field and resource, the
OPD's answers, the gate on ``submit``, and who reads them."""
from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa

import ckan.model as model
from ckan.plugins import toolkit as tk
from ckan.tests import factories

from tests.conftest import indikator, run_worker
from tests.sop import act, make_people, step, walk_to

pytestmark = pytest.mark.usefixtures("clean_db")


@pytest.fixture
def people() -> dict[str, dict[str, Any]]:
    return make_people()


@pytest.fixture
def draft(people, table_server) -> dict[str, Any]:
    dataset = indikator(people["org"], private=True)
    act(people["pengelola"], "resource_create", package_id=dataset["id"],
        name="Tabel 2024", format="CSV",
        url=table_server.add(b"tahun,jumlah\n2024,12\n", "t.csv"))
    run_worker()
    return act(people["pengelola"], "package_show", id=dataset["id"])


def comment(actor, dataset, **params) -> dict[str, Any]:
    return act(actor, "magetan_review_comment_create", id=dataset["id"],
               **params)


def listed(actor, dataset) -> dict[str, Any]:
    return act(actor, "magetan_review_list", id=dataset["id"])


REVIEWERS = {"opd_review": "pimpinan", "submitted": "staf",
             "verified": "kabid", "approved": "kadin", "scheduled": "kadin"}


@pytest.mark.parametrize("state", list(REVIEWERS))
def test_the_reviewer_of_each_state_comments(people, draft, state):
    walk_to(people, draft, state)
    made = comment(people[REVIEWERS[state]], draft, field="unit",
                   verdict="tidak_sesuai", feedback="Satuan harus 'jiwa'.")
    assert made["target_label"] and made["state"] == state
    assert made["round"] == 1
    assert made["role"] == REVIEWERS[state]
    others = {"pengelola", "member", "stranger"} | {
        who for who in ("pimpinan", "staf", "kabid", "kadin")
        if who != REVIEWERS[state]}
    if state == "submitted":
        others -= {"staf"}
    for who in sorted(others):
        with pytest.raises(tk.NotAuthorized):
            comment(people[who], draft, field="unit", verdict="sesuai")
    with pytest.raises(tk.NotAuthorized):
        comment(None, draft, field="unit", verdict="sesuai")


def test_no_comments_on_a_draft_or_a_published_version(people, draft):
    with pytest.raises(tk.NotAuthorized):
        comment(people["sysadmin"], draft, field="unit", verdict="sesuai")
    walk_to(people, draft, "published")
    with pytest.raises(tk.NotAuthorized):
        comment(people["kadin"], draft, field="unit", verdict="sesuai")


@pytest.mark.parametrize("params, key", [
    ({"field": "unit", "verdict": "tidak_terisi"}, "feedback"),
    ({"field": "no_such_field", "verdict": "sesuai"}, "field"),
    ({"resource_id": "nope", "verdict": "sesuai"}, "resource_id"),
    ({"verdict": "sesuai"}, "field"),
    ({"field": "unit", "resource_id": "x", "verdict": "sesuai"}, "field"),
    ({"field": "unit", "verdict": "bagus"}, "verdict"),
    ({"field": "unit", "verdict": ["sesuai"]}, "verdict"),
    ({"field": "unit", "verdict": "tidak_sesuai", "feedback": "a\x00b"},
     "feedback"),
    ({"field": {"$ne": 1}, "verdict": "sesuai"}, "field"),
])
def test_bad_comments_are_refused_with_a_message(people, draft, params, key):
    walk_to(people, draft, "opd_review")
    with pytest.raises(tk.ValidationError) as error:
        comment(people["pimpinan"], draft, **params)
    assert key in error.value.error_dict


def test_returned_comments_need_an_answer_before_resubmitting(people, draft):
    walk_to(people, draft, "submitted")
    resource_id = draft["resources"][0]["id"]
    on_unit = comment(people["kasi"], draft, field="unit",
                      verdict="tidak_sesuai", feedback="Satuan salah.")
    on_table = comment(people["staf"], draft, resource_id=resource_id,
                       verdict="tidak_terisi", feedback="Data 2024 kosong.")
    comment(people["staf"], draft, field="title", verdict="sesuai")
    shown = listed(people["pengelola"], draft)
    assert shown["summary"] == {"sesuai": 1, "tidak_sesuai": 1,
                                "tidak_terisi": 1}
    with pytest.raises(tk.NotAuthorized):
        act(people["pengelola"], "magetan_review_comment_respond",
            id=on_unit["id"], response="Belum waktunya")
    step(people["kasi"], draft, "reject", reason="Lihat komentar.")
    assert listed(people["pengelola"], draft)["unanswered"] == 2

    with pytest.raises(tk.ValidationError) as error:
        step(people["pengelola"], draft, "submit")
    assert "2" in str(error.value.error_dict["transition"])
    for who in ("member", "kasi"):
        with pytest.raises(tk.NotAuthorized):
            act(people[who], "magetan_review_comment_respond",
                id=on_unit["id"], response="x")
    with pytest.raises(tk.ObjectNotFound):
        act(people["stranger"], "magetan_review_comment_respond",
            id=on_unit["id"], response="x")

    act(people["pengelola"], "magetan_review_comment_respond",
        id=on_unit["id"], response="Satuan diganti 'jiwa'.")
    answered = act(people["pengelola"], "magetan_review_comment_respond",
                   id=on_table["id"], response="Sudah diisi.")
    assert answered["responded_by"] == people["pengelola"]["name"]
    shown = step(people["pengelola"], draft, "submit")
    assert shown["state"] == "opd_review"
    again = listed(people["pimpinan"], draft)
    assert again["round"] == 2 and again["unanswered"] == 0
    assert again["summary"] == {"sesuai": 0, "tidak_sesuai": 0,
                                "tidak_terisi": 0}
    responses = {c["id"]: c["response"] for c in again["comments"]}
    assert responses[on_unit["id"]] == "Satuan diganti 'jiwa'."

    # round 2: the head of the OPD returns it; an answer to round 1 is late
    step(people["pimpinan"], draft, "reject", reason="Cek lagi.")
    with pytest.raises(tk.ValidationError):
        act(people["pengelola"], "magetan_review_comment_respond",
            id=on_unit["id"], response="Ubah")
    assert step(people["pengelola"], draft, "submit")["state"] == "opd_review"


def test_a_later_comment_on_the_same_item_replaces_the_earlier(people, draft):
    walk_to(people, draft, "submitted")
    first = comment(people["kasi"], draft, field="unit",
                    verdict="tidak_sesuai", feedback="Salah.")
    comment(people["kasi"], draft, field="unit", verdict="sesuai")
    shown = listed(people["kasi"], draft)
    assert shown["summary"]["sesuai"] == 1
    assert shown["summary"]["tidak_sesuai"] == 0
    assert [c["superseded"] for c in shown["comments"]] == [True, False]
    step(people["kasi"], draft, "reject", reason="Lainnya.")
    assert listed(people["pengelola"], draft)["unanswered"] == 0
    with pytest.raises(tk.ValidationError):
        act(people["pengelola"], "magetan_review_comment_respond",
            id=first["id"], response="x")
    assert step(people["pengelola"], draft, "submit")["state"] == "opd_review"


@pytest.mark.parametrize("bad", ["0", -1, 2 ** 70, "1e3", True, None, "",
                                 ["1"], "9" * 40, "\u00b2", "\u2460", "   "])
def test_odd_comment_numbers_are_refused(people, bad):
    with pytest.raises(tk.ValidationError):
        act(people["pengelola"], "magetan_review_comment_respond", id=bad,
            response="x")


def test_an_unknown_comment_is_not_found(people, draft):
    with pytest.raises(tk.ObjectNotFound):
        act(people["pengelola"], "magetan_review_comment_respond",
            id="123456789", response="x")
    walk_to(people, draft, "opd_review")
    made = comment(people["pimpinan"], draft, field="unit",
                   verdict="tidak_sesuai", feedback="Salah")
    step(people["pimpinan"], draft, "reject", reason="x")
    # a comment on a version one may not see is not found either
    for who in (None, people["stranger"]):
        with pytest.raises(tk.ObjectNotFound):
            act(who, "magetan_review_comment_respond", id=str(made["id"]),
                response="x")
    with pytest.raises(tk.ValidationError):
        act(people["pengelola"], "magetan_review_comment_respond",
            id=str(made["id"]), response="   ")


def test_a_comment_is_kept_as_written(people, draft):
    walk_to(people, draft, "opd_review")
    made = comment(people["pimpinan"], draft, field="unit",
                   verdict="tidak_sesuai", feedback="Asli")
    for statement in (
            "UPDATE magetan_review_comment SET feedback = 'diubah' "
            "WHERE id = :id",
            "UPDATE magetan_review_comment SET verdict = 'sesuai' "
            "WHERE id = :id",
            "DELETE FROM magetan_review_comment WHERE id = :id",
            "TRUNCATE magetan_review_comment"):
        with pytest.raises(sa.exc.DBAPIError):
            model.Session.execute(sa.text(statement), {"id": made["id"]})
        model.Session.rollback()
    assert listed(people["pimpinan"], draft)["comments"][0]["feedback"] \
        == "Asli"


def test_only_the_opd_walidata_and_sysadmins_read_comments(people, draft):
    walk_to(people, draft, "submitted")
    comment(people["kasi"], draft, field="unit", verdict="tidak_sesuai",
            feedback="Rahasia internal")
    for who in ("pengelola", "pimpinan", "member", "staf", "kadin",
                "sysadmin"):
        assert listed(people[who], draft)["comments"]
    for who in (None, "stranger"):
        with pytest.raises(tk.NotAuthorized):
            listed(people[who] if who else None, draft)
    # published: still internal, never for the public
    walk_to(people, draft, "published")
    assert listed(people["member"], draft)["comments"]
    for who in (None, people["stranger"]):
        with pytest.raises(tk.NotAuthorized):
            listed(who, draft)
    assert act(None, "package_show", id=draft["id"])


def test_comments_of_a_revision_stay_with_the_indicator(people, draft):
    walk_to(people, draft, "published")
    revision = act(people["pengelola"], "magetan_workflow_revision_start",
                   id=draft["id"], change_note="Data 2025")
    walk_to(people, revision, "opd_review")
    comment(people["pimpinan"], revision, field="notes",
            verdict="tidak_terisi", feedback="Tambahkan catatan 2025.")
    assert listed(people["pimpinan"], draft)["comments"] == []
    step(people["pimpinan"], revision, "reject", reason="Catatan")
    found = listed(people["pengelola"], revision)
    act(people["pengelola"], "magetan_review_comment_respond",
        id=found["comments"][0]["id"], response="Ditambahkan.")
    walk_to(people, revision, "published")
    merged = listed(people["kasi"], draft)["comments"]
    assert [(c["target"], c["response"]) for c in merged] == [
        ("notes", "Ditambahkan.")]
    assert merged[0]["package_id"] == revision["id"]
    assert merged[0]["may_respond"] is False


def test_the_review_from_the_dataset_page(app, people, draft):
    walk_to(people, draft, "submitted")
    kasi = {"Authorization": factories.APIToken(
        user=people["kasi"]["name"])["token"]}
    page = app.get(f"/indikator/{draft['name']}", headers=kasi)
    assert 'id="magetan-review"' in page.body
    assert 'value="field:unit"' in page.body
    app.post(f"/dataset/{draft['id']}/review", headers=kasi, data={
        "target": "field:unit", "verdict": "tidak_sesuai",
        "feedback": "Satuan harus jiwa"})
    app.post(f"/dataset/{draft['id']}/review", headers=kasi, data={
        "target": "field:unit", "verdict": "tidak_sesuai"})
    found = listed(people["kasi"], draft)
    assert [c["feedback"] for c in found["comments"]] == ["Satuan harus jiwa"]
    page = app.get(f"/indikator/{draft['name']}", headers=kasi)
    assert "Satuan harus jiwa" in page.body
    step(people["kasi"], draft, "reject", reason="Lihat komentar")
    editor = {"Authorization": factories.APIToken(
        user=people["pengelola"]["name"])["token"]}
    page = app.get(f"/indikator/{draft['name']}", headers=editor)
    assert "review-response-" in page.body
    app.post(f"/dataset/{draft['id']}/review/{found['comments'][0]['id']}"
             "/response", headers=editor, data={"response": "Sudah"})
    assert listed(people["pengelola"], draft)["unanswered"] == 0
    walk_to(people, draft, "published")
    public = app.get(f"/indikator/{draft['name']}")
    assert "Satuan harus jiwa" not in public.body
    assert 'id="magetan-review"' not in public.body
