"""OPDs are organizations with the OPD schema."""
from __future__ import annotations

import pytest

from ckan.logic import ValidationError
from ckan.tests import factories, helpers


def sysadmin() -> dict:
    return {"user": factories.Sysadmin()["name"]}


@pytest.mark.usefixtures("clean_db")
def test_opd_fields_round_trip():
    helpers.call_action(
        "organization_create", context=sysadmin(), name="dinkes",
        title="Dinas Kesehatan", short_name="Dinkes",
        opd_code="1.02.0.00.0.00.01.0000", head_name="dr. Contoh",
        data_manager_contact="pengelola@dinkes.example",
        address="Jl. Contoh 1, Magetan")
    opd = helpers.call_action("organization_show", id="dinkes")
    assert opd["short_name"] == "Dinkes"
    assert opd["opd_code"] == "1.02.0.00.0.00.01.0000"
    assert opd["head_name"] == "dr. Contoh"
    assert opd["address"] == "Jl. Contoh 1, Magetan"


@pytest.mark.usefixtures("clean_db")
def test_opd_code_is_validated():
    with pytest.raises(ValidationError) as error:
        helpers.call_action("organization_create", context=sysadmin(),
                            name="salah", title="Salah", opd_code="satu-dua")
    assert error.value.error_dict == {"opd_code": [
        "Use digits separated by dots (e.g. 1.02.0.00.0.00.01.0000)."]}


def test_opd_schema_is_published():
    schema = helpers.call_action("scheming_organization_schema_show",
                                 type="organization")
    names = [f["field_name"] for f in schema["fields"]]
    assert {"short_name", "opd_code", "head_name", "data_manager_contact",
            "address"} <= set(names)
