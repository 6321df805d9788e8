"""Validation through the API: results per resource, the layout of
ckanext-validation, the gate of the workflow and who may see a report."""
from __future__ import annotations

import io
from typing import Any

import pytest
from werkzeug.datastructures import FileStorage

from ckan.plugins import toolkit as tk
from ckan.tests import helpers

from tests.conftest import indikator
from tests.magetan.validation import files
from tests.sop import act, make_people, step

pytestmark = pytest.mark.usefixtures("clean_db", "with_request_context")

GOOD = b"tahun,jumlah\n2023,10\n2024,12\n"
BAD = b"tahun,jumlah\n2023,10\n2024,dua belas\n"
# what the OPD described: the inference would take "dua belas" as text
SCHEMA = {"fields": [{"name": "tahun", "type": "year"},
                     {"name": "jumlah", "type": "integer", "unit": "kasus"}]}


@pytest.fixture
def people() -> dict[str, Any]:
    return make_people()


def upload(content: bytes, filename: str) -> FileStorage:
    return FileStorage(io.BytesIO(content), filename=filename,
                       content_type="text/csv")


def add_table(people: dict[str, Any], dataset: dict[str, Any],
              content: bytes, filename: str = "tabel.csv",
              **fields: Any) -> dict[str, Any]:
    fields.setdefault("schema", SCHEMA)
    return act(people["pengelola"], "resource_create",
               package_id=dataset["id"], name="Tabel", format="CSV",
               upload=upload(content, filename), **fields)


def test_a_valid_upload_passes_at_once(people):
    draft = indikator(people["org"], private=True)
    resource = add_table(people, draft, GOOD)
    assert resource["validation_status"] == "success"
    assert resource["validation_timestamp"]
    shown = act(people["pengelola"], "resource_show", id=resource["id"])
    assert shown["validation_status"] == "success"
    result = act(people["pengelola"], "resource_validation_show",
                 resource_id=resource["id"])
    assert result["status"] == "success"
    assert result["resource_id"] == resource["id"]
    # the frictionless report, as ckanext-validation keeps it
    report = result["report"]
    assert set(report) >= {"valid", "stats", "warnings", "errors", "tasks"}
    assert report["valid"] is True
    assert report["tasks"][0]["place"] == "tabel.csv"  # not the storage path
    assert report["tasks"][0]["stats"]["rows"] == 2


def test_an_uploaded_titled_workbook_passes(people, tmp_path):
    """A workbook in CKAN's storage (a path without extension), with title
    rows and a header of two rows, read as the inferred dialect says."""
    content = files.titled_workbook(tmp_path / "tabel.xlsx").read_bytes()
    draft = indikator(people["org"], private=True, reference_period="2024")
    resource = act(people["pengelola"], "resource_create",
                   package_id=draft["id"], name="Tabel", format="XLSX",
                   upload=FileStorage(io.BytesIO(content),
                                      filename="tabel.xlsx"))
    assert resource["dialect"]["headerRows"] == [3, 4]
    assert resource["validation_status"] == "success", act(
        people["pengelola"], "resource_validation_show",
        resource_id=resource["id"])


def test_a_failing_upload_is_kept_and_reported(people):
    draft = indikator(people["org"], private=True)
    resource = add_table(people, draft, BAD, description="Ditulis tangan")
    assert resource["validation_status"] == "failure"
    shown = act(people["pengelola"], "resource_show", id=resource["id"])
    assert shown["description"] == "Ditulis tangan"  # nothing typed is lost
    errors = act(people["pengelola"], "resource_validation_show",
                 resource_id=resource["id"])["report"]["tasks"][0]["errors"]
    assert [(e["type"], e["rowNumber"], e["fieldName"]) for e in errors] == [
        ("type-error", 3, "jumlah")]


def test_the_gate_holds_until_the_file_is_fixed(people):
    draft = indikator(people["org"], private=True)
    resource = add_table(people, draft, BAD)
    with pytest.raises(tk.ValidationError) as caught:
        step(people["pengelola"], draft, "submit")
    assert "Tabel" in str(caught.value.error_dict["transition"])
    fixed = act(people["pengelola"], "resource_patch", id=resource["id"],
                upload=upload(GOOD, "tabel.csv"))
    assert fixed["validation_status"] == "success"
    assert step(people["pengelola"], draft, "submit")["state"] == "opd_review"


def test_clients_cannot_write_the_status(people):
    draft = indikator(people["org"], private=True)
    resource = act(people["pengelola"], "resource_create",
                   package_id=draft["id"], url="https://example.org/t.csv",
                   format="CSV", validation_status="success",
                   validation_timestamp="2026-01-01T00:00:00")
    shown = act(people["pengelola"], "resource_show", id=resource["id"])
    assert shown["validation_status"] == "pending"
    assert shown["validation_timestamp"] is None
    dataset = act(people["pengelola"], "package_show", id=draft["id"])
    dataset["resources"][0]["validation_status"] = "success"
    act(people["pengelola"], "package_update", **dataset)
    assert act(people["pengelola"], "resource_show", id=resource["id"])[
        "validation_status"] == "pending"
    with pytest.raises(tk.ValidationError):
        step(people["pengelola"], draft, "submit")


def test_a_new_edition_of_the_code_lists_stales_results(people,
                                                        monkeypatch):
    """A result checked codes against the code lists it was computed with:
    a new edition of them (an upgrade) makes it pending."""
    from ckanext.magetan import codelists

    draft = indikator(people["org"], private=True)
    resource = add_table(people, draft, GOOD)
    assert resource["validation_status"] == "success"
    monkeypatch.setattr(codelists, "digest", lambda *names: "edisi baru")
    assert act(people["pengelola"], "resource_show", id=resource["id"])[
        "validation_status"] == "pending"


def test_json_tables_are_validated(people):
    """A JSON table (an array of objects, or of rows under a header row) is
    validated like a CSV file; JSON that is no table fails, without a 500."""
    draft = indikator(people["org"], private=True)

    def add(content: bytes) -> dict[str, Any]:
        return act(people["pengelola"], "resource_create",
                   package_id=draft["id"], format="JSON", schema=SCHEMA,
                   upload=FileStorage(io.BytesIO(content),
                                      filename="data.json"))

    good = add(b'[{"tahun": 2023, "jumlah": 10}, {"tahun": 2024, '
               b'"jumlah": 12}]')
    assert good["validation_status"] == "success"
    rows = add(b'[["tahun", "jumlah"], [2023, 10], [2024, "dua belas"]]')
    assert rows["validation_status"] == "failure"
    report = act(people["pengelola"], "resource_validation_show",
                 resource_id=rows["id"])["report"]
    assert [(e["type"], e["rowNumber"], e["fieldName"])
            for e in report["tasks"][0]["errors"]] == [
        ("type-error", 3, "jumlah")]
    document = add(b'{"judul": "bukan tabel"}')
    assert document["validation_status"] == "failure"
    report = act(people["pengelola"], "resource_validation_show",
                 resource_id=document["id"])["report"]
    assert [e["type"] for e in report["tasks"][0]["errors"]] == [
        "source-error"]
    with pytest.raises(tk.ValidationError):
        step(people["pengelola"], draft, "submit")


def test_a_geojson_link_is_no_table(people):
    """A JSON format that is no table: not validated, though its file is
    named .json."""
    draft = indikator(people["org"], private=True)
    resource = act(people["pengelola"], "resource_create",
                   package_id=draft["id"], format="GeoJSON",
                   url="https://example.org/batas-kecamatan.json")
    assert "validation_status" not in resource


def test_a_document_has_no_validation(people):
    draft = indikator(people["org"], private=True)
    resource = act(people["pengelola"], "resource_create",
                   package_id=draft["id"], url="https://example.org/a.pdf",
                   format="PDF")
    assert "validation_status" not in resource
    with pytest.raises(tk.ObjectNotFound):
        act(people["pengelola"], "resource_validation_show",
            resource_id=resource["id"])
    assert step(people["pengelola"], draft, "submit")["state"] == "opd_review"


def test_run_and_delete(people):
    draft = indikator(people["org"], private=True)
    resource = add_table(people, draft, GOOD)
    act(people["pengelola"], "resource_validation_delete",
        resource_id=resource["id"])
    assert act(people["pengelola"], "resource_show", id=resource["id"])[
        "validation_status"] == "pending"
    again = act(people["pengelola"], "resource_validation_run",
                resource_id=resource["id"], **{"async": False})
    assert again["status"] == "success"
    queued = act(people["pengelola"], "resource_validation_run",
                 resource_id=resource["id"])
    assert queued["status"] == "pending"


def test_who_sees_a_report(people):
    draft = indikator(people["org"], private=True)
    resource = add_table(people, draft, BAD)
    for who in (None, people["stranger"]):
        with pytest.raises(tk.NotAuthorized):
            act(who, "resource_validation_show", resource_id=resource["id"])
    for who in ("stranger", "member"):
        with pytest.raises(tk.NotAuthorized):
            act(people[who], "resource_validation_run",
                resource_id=resource["id"])
        with pytest.raises(tk.NotAuthorized):
            act(people[who], "resource_validation_delete",
                resource_id=resource["id"])
    assert act(people["kasi"], "resource_validation_show",
               resource_id=resource["id"])["status"] == "failure"


@pytest.mark.parametrize("params", [
    {}, {"resource_id": ""}, {"resource_id": ["a"]},
    {"resource_id": "x\x00y"}, {"resource_id": "nope"}])
def test_odd_parameters(people, params):
    with pytest.raises((tk.ValidationError, tk.ObjectNotFound,
                        tk.NotAuthorized)):
        act(people["sysadmin"], "resource_validation_show", **params)
