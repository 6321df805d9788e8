"""Bad parameters of group_list and bad sector values are validation
errors, never server errors."""
from __future__ import annotations

import pytest

from ckan.logic import ValidationError
from ckan.tests import factories, helpers


def sysadmin() -> dict:
    return {"user": factories.Sysadmin()["name"]}


@pytest.mark.parametrize("params, field, message", [
    ({"offset": "abc"}, "offset", "Invalid integer"),
    ({"offset": "-5"}, "offset", "Must be a natural number"),
    ({"offset": {"a": 1}}, "offset", "Invalid integer"),
    ({"limit": "abc"}, "limit", "Invalid integer"),
    ({"limit": "-1"}, "limit", "Must be a natural number"),
    ({"limit": [1]}, "limit", "Invalid integer"),
    ({"sort": ["chapter"]}, "sort", "Must be text, not a list or an object."),
    ({"all_fields": "mungkin"}, "all_fields", "Must be true or false."),
])
def test_group_list_parameters(params, field, message):
    with pytest.raises(ValidationError) as error:
        helpers.call_action("group_list", **params)
    assert error.value.error_dict[field] == [message]


@pytest.mark.parametrize("query, field, message", [
    ({"offset": "abc"}, "offset", "Integer cacat"),
    ({"limit": "-1"}, "limit", "Harus berupa bilangan cacah (0, 1, 2, ...)"),
])
def test_group_list_errors_in_the_api(app, query, field, message):
    response = app.get("/api/3/action/group_list", query_string=query,
                       status=409)
    assert response.json["error"][field] == [message]


@pytest.mark.usefixtures("clean_db")
@pytest.mark.ckan_config("ckan.group_and_organization_list_all_fields_max", 2)
def test_group_list_keeps_ckans_page_caps():
    for chapter in ("1", "2", "3"):
        helpers.call_action("group_create", context=sysadmin(),
                            name=f"bab-{chapter}", title=f"Bab {chapter}",
                            chapter=chapter)
    assert helpers.call_action("group_list", limit="2", offset="1") == [
        "bab-2", "bab-3"]
    page = helpers.call_action("group_list", all_fields=True, limit=100)
    assert [g["name"] for g in page] == ["bab-1", "bab-2"]


@pytest.mark.usefixtures("clean_db")
def test_a_sector_with_nul_or_a_list_is_refused():
    with pytest.raises(ValidationError) as error:
        helpers.call_action("group_create", context=sysadmin(),
                            name="nul", title="Sek\x00tor")
    assert error.value.error_dict == {
        "title": ["Text must not contain NUL characters (\\0)."]}
    with pytest.raises(ValidationError) as error:
        helpers.call_action("group_create", context=sysadmin(),
                            name="daftar", title="Daftar", chapter=["3"])
    assert error.value.error_dict == {
        "chapter": ["Give a chapter number from 1 to 99."]}
    assert helpers.call_action("group_list") == []


@pytest.mark.usefixtures("clean_db")
def test_the_sector_form_shows_the_error(app):
    token = factories.APIToken(user=factories.Sysadmin()["name"])["token"]
    page = app.post("/group/new", data={
        "name": "sektor-nul", "title": "Sek\x00tor", "save": ""},
        headers={"Authorization": token}, status=200)
    assert "Teks tidak boleh berisi karakter NUL" in page.body
