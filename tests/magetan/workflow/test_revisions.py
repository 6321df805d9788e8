"""Revisions: the public keeps seeing the published version, at the same
id and URL, until the revision is published; then it sees the new content,
the change note and every published version."""
from __future__ import annotations

from typing import Any

import pytest

from ckan.lib import uploader
from ckan.plugins import toolkit as tk
from ckan.tests import factories, helpers

from tests.conftest import indikator
from tests.sop import FORUM, act, future, step

pytestmark = pytest.mark.usefixtures("clean_db", "with_request_context")

OLD_CSV = b"tahun,jumlah\n2023,10\n2024,12\n"
NEW_CSV = b"tahun,jumlah\n2023,11\n2024,12\n2025,14\n"


@pytest.fixture
def people() -> dict[str, Any]:
    sysadmin = factories.Sysadmin()
    found = {"sysadmin": sysadmin, "pengelola": factories.User(),
             "pimpinan": factories.User(), "stranger": factories.User()}
    for role in ("kasi", "kabid", "kadin"):
        found[role] = factories.User()
        act(sysadmin, "magetan_role_assign", user=found[role]["name"],
            role=role)
    found["org"] = factories.Organization(users=[
        {"name": found["pengelola"]["name"], "capacity": "editor"},
        {"name": found["pimpinan"]["name"], "capacity": "admin"}])
    return found


@pytest.fixture
def published(people, create_with_upload) -> dict[str, Any]:
    dataset = indikator(people["org"], private=True, notes="Versi pertama")
    create_with_upload(OLD_CSV, "tabel.csv", package_id=dataset["id"],
                       name="Tabel", format="CSV",
                       context={"user": people["pengelola"]["name"]})
    for transition, who, params in (
            ("submit", "pengelola", {}), ("approve_opd", "pimpinan", {}),
            ("verify", "kasi", FORUM), ("approve", "kabid", {}),
            ("schedule", "kadin", {"release_at": future()}),
            ("publish", "kadin", {})):
        step(people[who], dataset, transition, **params)
    return act(None, "package_show", id=dataset["id"])


def file_of(resource: dict[str, Any]) -> bytes:
    path = uploader.get_resource_uploader(dict(resource)).get_path(
        resource["id"])
    with open(path, "rb") as f:
        return f.read()


def public_view(dataset_id: str) -> dict[str, Any]:
    shown = act(None, "package_show", id=dataset_id)
    return {"notes": shown["notes"],
            "resources": [(r["id"], r["name"], file_of(r))
                          for r in shown["resources"]]}


def test_a_revision_in_review_never_changes_what_the_public_sees(
        people, published, app):
    before = public_view(published["id"])
    revision = act(people["pengelola"], "magetan_workflow_revision_start",
                   id=published["id"], change_note="Tambah data 2025; ralat 2023")
    assert revision["state"] == "draft"
    assert revision["revision_of"] == published["id"]
    copy = act(people["pengelola"], "package_show", id=revision["id"])
    assert copy["name"] == f"{published['name']}-revisi-1"
    assert copy["private"] is True
    assert file_of(copy["resources"][0]) == OLD_CSV
    # the OPD edits the copy: metadata and a new file
    act(people["pengelola"], "package_patch", id=revision["id"],
        notes="Versi kedua", reference_period="2020-2025")
    helpers.call_action(
        "resource_patch", context={"user": people["pengelola"]["name"]},
        id=copy["resources"][0]["id"],
        upload=_upload(NEW_CSV, "tabel-2025.csv"))
    with pytest.raises(tk.NotAuthorized):
        act(None, "package_show", id=revision["id"])
    with pytest.raises(tk.NotAuthorized):
        act(people["stranger"], "package_show", id=revision["id"])
    assert act(None, "package_search", q=f"name:{copy['name']}",
               include_private=True)["count"] == 0
    # through every step of the review, the public view does not move
    for transition, who, params in (
            ("submit", "pengelola", {}), ("approve_opd", "pimpinan", {}),
            ("verify", "kasi", FORUM), ("approve", "kabid", {}),
            ("schedule", "kadin", {"release_at": future()})):
        step(people[who], copy, transition, **params)
        assert public_view(published["id"]) == before
        page = app.get(f"/indikator/{published['name']}").body
        assert "Versi kedua" not in page and "Versi pertama" in page
    shown = act(people["kadin"], "magetan_workflow_transition",
                id=revision["id"], transition="publish")
    # published: same id, same resource id, new content
    assert shown["id"] == published["id"]
    after = public_view(published["id"])
    assert after["notes"] == "Versi kedua"
    assert [r[0] for r in after["resources"]] == [
        r[0] for r in before["resources"]]
    assert after["resources"][0][2] == NEW_CSV
    assert [v["number"] for v in shown["versions"]] == [2, 1]
    assert shown["versions"][0]["change_note"].startswith("Tambah data 2025")
    # the revision is gone; its steps are in the indicator's history
    with pytest.raises(tk.ObjectNotFound):
        helpers.call_action("package_show", id=revision["id"])
    public_history = act(None, "magetan_workflow_show", id=published["id"])
    assert [e["transition"] for e in public_history["history"]].count(
        "publish") == 2
    assert "start_revision" in [e["transition"]
                                for e in public_history["history"]]
    # and another revision may start
    again = act(people["pengelola"], "magetan_workflow_revision_start",
                id=published["id"], change_note="Ralat 2024")
    assert again["revision_of"] == published["id"]


def test_one_revision_at_a_time_by_the_opd_only(people, published):
    with pytest.raises(tk.NotAuthorized):
        act(people["stranger"], "magetan_workflow_revision_start",
            id=published["id"], change_note="x")
    with pytest.raises(tk.NotAuthorized):
        act(people["kasi"], "magetan_workflow_revision_start",
            id=published["id"], change_note="x")
    with pytest.raises(tk.ValidationError):
        act(people["pengelola"], "magetan_workflow_revision_start",
            id=published["id"])
    revision = act(people["pengelola"], "magetan_workflow_revision_start",
                   id=published["id"], change_note="Tambah 2025")
    with pytest.raises(tk.ValidationError, match="already under way|sudah berjalan"):
        act(people["pengelola"], "magetan_workflow_revision_start",
            id=published["id"], change_note="Lagi")
    with pytest.raises(tk.ValidationError):
        act(people["pengelola"], "magetan_workflow_revision_start",
            id=revision["id"], change_note="Revisi dari revisi")
    # abandoning the revision (deleting the draft) frees the way
    helpers.call_action("package_delete",
                        context={"user": people["pengelola"]["name"]},
                        id=revision["id"])
    act(people["pengelola"], "magetan_workflow_revision_start",
        id=published["id"], change_note="Tambah 2025, lagi")


def test_a_published_dataset_is_not_edited_in_place(people, published):
    for action, params in (
            ("package_patch", {"id": published["id"], "notes": "diam-diam"}),
            ("resource_patch", {"id": published["resources"][0]["id"],
                                "name": "diam-diam"}),
            ("resource_create", {"package_id": published["id"],
                                 "url": "http://x.test/b.csv"}),
            ("package_delete", {"id": published["id"]})):
        with pytest.raises(tk.NotAuthorized):
            act(people["pengelola"], action, **params)
    assert act(None, "package_show", id=published["id"])["notes"] == \
        "Versi pertama"


def _upload(content: bytes, filename: str) -> Any:
    import io

    from werkzeug.datastructures import FileStorage
    return FileStorage(io.BytesIO(content), filename=filename,
                       content_type="text/csv")
