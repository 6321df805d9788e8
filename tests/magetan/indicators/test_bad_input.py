"""Bad values of an indikator are validation errors (Indonesian in the UI),
never server errors, and the stored dataset stays as it was."""
from __future__ import annotations

import json

import pytest

from ckan.logic import ValidationError
from ckan.tests import factories, helpers

from tests.conftest import INDIKATOR_DEFAULTS, indikator

pytestmark = pytest.mark.usefixtures("clean_db")


def sysadmin() -> dict:
    return {"user": factories.Sysadmin()["name"]}


@pytest.mark.parametrize("field, value, message", [
    ("concept", "Kon\x00sep", "Text must not contain NUL characters (\\0)."),
    ("title", "Ju\x00dul", "Text must not contain NUL characters (\\0)."),
    ("title", "x" * 501, "The title is longer than 500 characters."),
    ("notes", "kata " * 20_001, "The text is longer than 100000 characters."),
    ("sector_code", ["2.20"], "Choose one code of the list urusan."),
    ("sector_code", {"kode": "2.20"}, "Choose one code of the list urusan."),
    ("indicator_code", ["IND-1"], "Use 3 to 40 letters and digits, "
     "separated by dots or dashes (e.g. IND-DINKES-001)."),
    ("definition", {"a": json.loads("[" * 40 + "]" * 40)},
     "The value is nested too deeply (more than 32 levels)."),
])
def test_bad_values_are_refused_and_nothing_is_lost(field, value, message):
    org = factories.Organization()
    dataset = indikator(org, name="tetap", title="Judul tetap")
    with pytest.raises(ValidationError) as error:
        helpers.call_action("package_patch", context=sysadmin(),
                            id=dataset["id"], **{field: value})
    assert error.value.error_dict[field] == [message]
    kept = helpers.call_action("package_show", id="tetap")
    assert kept["title"] == "Judul tetap"
    assert kept[field] == dataset[field]


def test_the_api_explains_in_indonesian(app):
    org = factories.Organization()
    token = factories.APIToken(user=factories.Sysadmin()["name"])["token"]
    response = app.post(
        "/api/3/action/package_create",
        json=dict(INDIKATOR_DEFAULTS, name="nul", title="Nul",
                  owner_org=org["id"], indicator_code="IND-NUL",
                  concept="Kon\x00sep"),
        headers={"Authorization": token}, status=409)
    assert response.json["error"]["concept"] == [
        "Teks tidak boleh berisi karakter NUL (\\0)."]
    assert not helpers.call_action("package_search", q="name:nul")["count"]


def test_the_dataset_form_shows_the_error(app):
    user = factories.Sysadmin()
    org = factories.Organization()
    form = {k: v for k, v in INDIKATOR_DEFAULTS.items() if k != "type"}
    form.update(name="formulir-nul", title="Formulir", owner_org=org["id"],
                indicator_code="IND-FORM", concept="Kon\x00sep", save="",
                _ckan_phase="dataset_new_1", regional_level="kabupaten")
    token = factories.APIToken(user=user["name"])["token"]
    page = app.post("/indikator/new", data=form, status=200,
                    headers={"Authorization": token})
    assert "Teks tidak boleh berisi karakter NUL" in page.body
    assert 'value="Formulir"' in page.body  # what was typed stays


def test_the_generic_form_redirect_passes_the_query_on_as_is(app):
    token = factories.APIToken(user=factories.Sysadmin()["name"])["token"]
    # url_for() arguments such as _method used to be a server error
    page = app.get("/dataset/new?_method=DELETE&group=kesehatan",
                   headers={"Authorization": token}, follow_redirects=False)
    assert page.status_code == 302
    assert page.location.endswith(
        "/indikator/new?_method=DELETE&group=kesehatan")
