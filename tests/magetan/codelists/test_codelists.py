"""Reference code lists, in Python and through the API."""
from __future__ import annotations

import re

import pytest

from ckan.logic import ValidationError
from ckan.tests import helpers

from ckanext.magetan import codelists


def test_every_kecamatan_has_both_code_systems():
    kecamatan = codelists.load("kecamatan")
    assert len(kecamatan.entries) == 18
    for entry in kecamatan.entries:
        assert re.fullmatch(r"35\.20\.(0[1-9]|1[0-8])", entry["kemendagri_code"])
        assert re.fullmatch(r"3520\d{3}", entry["bps_code"])
        assert entry["bps_code_status"] in ("confirmed", "unconfirmed")
    # the two systems differ: Nguntoronadi is 35.20.17 and 3520041
    assert kecamatan.get("35.20.17")["name"] == "Nguntoronadi"
    assert kecamatan.get("35.20.17")["bps_code"] == "3520041"
    assert kecamatan.get("35.20.06") == {
        "kemendagri_code": "35.20.06", "bps_code": "3520060",
        "name": "Magetan", "bps_code_status": "confirmed"}
    assert len(set(kecamatan.codes())) == 18
    assert len({e["bps_code"] for e in kecamatan.entries}) == 18


def test_desa_belong_to_a_kecamatan():
    desa = codelists.load("desa")
    assert len(desa.entries) == 235
    kecamatan = set(codelists.load("kecamatan").codes())
    for entry in desa.entries:
        assert entry["kecamatan_code"] in kecamatan
        assert entry["code"].startswith(entry["kecamatan_code"] + ".")
        assert entry["kind"] == ("kelurahan" if entry["code"][9] == "1"
                                 else "desa")
    assert desa.get("35.20.07.1013")["name"] == "Sarangan"


def test_other_lists():
    assert codelists.load("urusan").get("2.20")["name"] == "Statistik"
    assert codelists.load("periodisitas").codes() == [
        "tahunan", "semesteran", "triwulanan", "bulanan"]
    assert codelists.load("satuan").get("persen")["label_en"] == "percent"


def test_api_lists_and_shows(app):
    listed = app.get("/api/3/action/magetan_codelist_list").json["result"]
    assert {c["name"]: c["count"] for c in listed}["desa"] == 235
    shown = app.get("/api/3/action/magetan_codelist_show",
                    query_string={"id": "desa", "q": "35.20.07"}).json
    entries = shown["result"]["entries"]
    assert entries and all(e["kecamatan_code"] == "35.20.07" for e in entries)
    assert shown["result"]["key"] == "code"


@pytest.mark.usefixtures("clean_db")
def test_unknown_list_is_a_validation_error():
    with pytest.raises(ValidationError) as error:
        helpers.call_action("magetan_codelist_show", id="provinsi")
    assert error.value.error_dict == {"id": [
        "Value must be one of ['kecamatan', 'desa', 'urusan', 'periodisitas', "
        "'satuan']"]}
