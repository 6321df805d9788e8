"""The demo data loads once, completely, and marks itself as demo."""
from __future__ import annotations

import collections
import csv
import io

import frictionless
import pytest

import ckan.model as model
from ckan.cli.cli import ckan as ckan_cli
from ckan.tests import helpers

from ckanext.magetan import codelists, demo


@pytest.mark.usefixtures("clean_db")
def test_demo_load_is_complete_and_idempotent(cli, search):
    result = cli.invoke(ckan_cli, ["magetan", "demo", "load"])
    assert result.exit_code == 0, result.output
    spec = demo.portal()
    catalogue = demo.indicators()
    assert len(catalogue["indicators"]) >= 30
    everything = search(rows=1000, **{"facet.field": ["organization", "groups",
                                                       "tags", "res_format"]})
    in_review = spec["workflow"]
    assert everything["count"] == len(catalogue["indicators"]) - len(in_review)
    assert {d["workflow_state"] for d in everything["results"]} == {
        "published"}
    walidata = search(user="kasi", rows=1000, include_private=True,
                      **{"facet.field": ["workflow_state"]})
    revisions = spec["revisions"]
    assert walidata["count"] == len(catalogue["indicators"]) + len(revisions)
    assert walidata["facets"]["workflow_state"] == dict(collections.Counter(
        ["published"] * everything["count"] + list(in_review.values())
        + [r["state"] for r in revisions.values()]))
    for name, state in in_review.items():
        assert helpers.call_action("package_show", id=name)[
            "workflow_state"] == state
    for name, review in spec["reviews"].items():
        found = helpers.call_action("magetan_review_list", id=name)
        assert [(c["target"], c["verdict"])
                for c in found["comments"]] == [
            (c["field"], c["verdict"]) for c in review["comments"]]
        waiting = sum(c["verdict"] != "sesuai" for c in review["comments"])
        assert found["unanswered"] == waiting
        assert found["state"] == ("draft" if review.get("returned")
                                  else spec["workflow"][name])
    for name, revision in revisions.items():
        public = helpers.call_action("magetan_workflow_show", id=name)
        assert public["state"] == "published"
        copy = helpers.call_action("package_show",
                                   id=public["revisions"][0]["id"])
        assert copy["workflow_state"] == revision["state"]
        assert revision["notes_suffix"] in copy["notes"]
        assert revision["notes_suffix"] not in helpers.call_action(
            "package_show", id=name)["notes"]
    assert everything["facets"]["tags"][demo.DEMO_TAG] == everything["count"]
    assert everything["facets"]["res_format"] == {"CSV": everything["count"]}
    assert len(everything["facets"]["organization"]) >= 10
    for dataset in everything["results"]:
        assert dataset["notes"].startswith("**Data demo.**")
        assert dataset["type"] == "indikator"
        resource = helpers.call_action(
            "package_show", id=dataset["id"])["resources"][0]
        described = [f for f in resource["schema"]["fields"] if "unit" in f]
        assert described and all(f["title"] for f in described)
    for dataset in everything["results"]:
        for resource in dataset["resources"]:
            assert resource["url_type"] == "upload"
            assert resource["validation_status"] == "success", dataset["name"]
    for name, faults in spec["faulty_tables"].items():
        draft = helpers.call_action("package_show", id=name)
        assert draft["workflow_state"] == "draft"
        resource = draft["resources"][0]
        assert resource["validation_status"] == "failure"
        report = helpers.call_action("resource_validation_show",
                                     resource_id=resource["id"])["report"]
        found = {(e["rowNumber"], e["fieldName"])
                 for e in report["tasks"][0]["errors"]}
        assert found == {(f["row"] + 1, f["column"]) for f in faults}
    admin = model.User.get("admin")
    assert admin is not None and admin.sysadmin
    for user in spec["users"]:
        assert model.User.get(user["name"]) is not None
    dinkes = helpers.call_action("organization_show", id="dinkes",
                                 include_users=True)
    roles = {u["name"]: u["capacity"] for u in dinkes["users"]}
    assert roles["pengelola-dinkes"] == "editor"
    assert roles["kepala-dinkes"] == "admin"

    # the release calendar: periods, announced, released, postponed and
    # cancelled releases, and one whose data is late
    found = helpers.call_action("magetan_release_calendar", limit=1000)
    by_title = {e["title"]: e for e in found["entries"]}
    planned = spec["release_calendar"]["entries"]
    assert {e["title"] for e in planned} <= set(by_title)
    released = [e for e in found["entries"] if e["status"] == "published"]
    assert [e["dataset"]["name"] for e in released] == spec["released"]
    statuses = collections.Counter(e["status"] for e in found["entries"])
    assert statuses["postponed"] == 1 and statuses["cancelled"] == 1
    sayuran = next(e for e in found["entries"] if e["dataset"] is None
                   and "Sayuran" in e["title"])
    assert sayuran["status"] == "confirmed"
    assert sayuran["release_period"]["name"] == "rilis-demo-2"
    from ckanext.magetan import calendar
    moved = calendar.move_missed()
    assert [by_title[t]["id"] for t in by_title
            if "Stunting" in t] == [m["id"] for m in moved]
    model.repo.commit()

    again = cli.invoke(ckan_cli, ["magetan", "demo", "load"])
    assert again.exit_code == 0, again.output
    assert "0 accounts, 0 OPDs, 0 sectors and 0 datasets" in again.output
    assert search()["count"] == everything["count"]


def test_demo_covers_desa_and_2025():
    catalogue = demo.indicators()
    assert catalogue["years"][0] == 2020 and catalogue["years"][-1] == 2025
    item = next(i for i in catalogue["indicators"] if i.get("by") == "desa")
    rows = list(csv.DictReader(io.StringIO(
        demo.table_csv(item, catalogue["years"]))))
    assert len(rows) == 235 * 6
    assert {r["kode_desa"] for r in rows} == set(codelists.load("desa").codes())


def test_demo_tables_cover_every_kecamatan_and_year():
    item = next(i for i in demo.indicators()["indicators"]
                if i.get("by") == "kecamatan")
    years = demo.indicators()["years"]
    rows = list(csv.DictReader(io.StringIO(demo.table_csv(item, years))))
    assert len(rows) == 18 * len(years)
    assert {r["kecamatan"] for r in rows} == {
        k["name"] for k in codelists.load("kecamatan").entries}
    assert demo.table_csv(item, years) == demo.table_csv(item, years)


def test_demo_tables_match_their_table_schemas():
    years = demo.indicators()["years"]
    for item in demo.indicators()["indicators"]:
        schema = demo.table_schema_of(item)
        table = frictionless.Resource(
            demo.table_csv(item, years).encode(), format="csv",
            schema=frictionless.Schema.from_descriptor(schema))
        report = table.validate()
        assert report.valid, (item["name"], report.flatten(["type", "note"]))


@pytest.mark.usefixtures("clean_db")
def test_demo_accounts_command(cli):
    result = cli.invoke(ckan_cli, ["magetan", "demo", "accounts"])
    assert result.exit_code == 0, result.output
    assert "admin" in result.output and "Magetan2026!" in result.output
