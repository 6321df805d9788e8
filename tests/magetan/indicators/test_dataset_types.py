"""Every dataset is an indikator: no other type gets past validation."""
from __future__ import annotations

import pytest

from ckan.logic import ValidationError
from ckan.tests import factories, helpers

from tests.conftest import INDIKATOR_DEFAULTS


def sysadmin() -> dict:
    return {"user": factories.Sysadmin()["name"]}


@pytest.mark.usefixtures("clean_db")
def test_a_dataset_without_type_is_an_indikator():
    org = factories.Organization()
    with pytest.raises(ValidationError) as error:
        helpers.call_action("package_create", context=sysadmin(),
                            name="tanpa-tipe", title="Tanpa tipe",
                            owner_org=org["id"])
    assert "indicator_code" in error.value.error_dict
    values = {k: v for k, v in INDIKATOR_DEFAULTS.items() if k != "type"}
    dataset = helpers.call_action(
        "package_create", context=sysadmin(), name="tanpa-tipe",
        title="Tanpa tipe", owner_org=org["id"], indicator_code="IND-X-001",
        **values)
    assert dataset["type"] == "indikator"


@pytest.mark.usefixtures("clean_db")
def test_other_dataset_types_are_refused():
    org = factories.Organization()
    with pytest.raises(ValidationError) as error:
        helpers.call_action("package_create", context=sysadmin(),
                            name="jenis-lain", title="Jenis lain",
                            owner_org=org["id"], type="dataset")
    assert "type" in error.value.error_dict


@pytest.mark.usefixtures("clean_db")
def test_the_generic_dataset_form_leads_to_the_indikator_form(app):
    factories.Organization()
    token = factories.APIToken(user=factories.Sysadmin()["name"])["token"]
    page = app.get("/dataset/new?group=kesehatan",
                   headers={"Authorization": token}, follow_redirects=False)
    assert page.status_code == 302
    assert page.location.endswith("/indikator/new?group=kesehatan")
    form = app.get("/dataset/new", headers={"Authorization": token})
    assert "field-indicator_code" in form.body
