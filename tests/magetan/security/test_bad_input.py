"""The edge guards: NUL characters, deep nesting and over-long texts are
validation errors for every guarded action; deep API bodies are 400s."""
from __future__ import annotations

import pytest

from ckan.logic import ValidationError
from ckan.tests import factories, helpers

from ckanext.magetan import inputs
from ckanext.magetan.security import bodies

pytestmark = pytest.mark.usefixtures("clean_db")


def test_organizations_and_users_are_guarded_too():
    sysadmin = {"user": factories.Sysadmin()["name"]}
    with pytest.raises(ValidationError) as error:
        helpers.call_action("organization_create", context=sysadmin,
                            name="opd-nul", title="Dinas", address="J\x00l")
    assert error.value.error_dict == {
        "address": ["Text must not contain NUL characters (\\0)."]}
    user = factories.User()
    with pytest.raises(ValidationError) as error:
        helpers.call_action("user_patch", context=sysadmin, id=user["id"],
                            fullname="Bu\x00di")
    assert error.value.error_dict == {
        "fullname": ["Text must not contain NUL characters (\\0)."]}
    assert helpers.call_action("user_show", id=user["id"])["fullname"] == \
        user["fullname"]


def test_a_deep_form_encoded_api_body_is_a_bad_request(app):
    token = factories.APIToken(user=factories.Sysadmin()["name"])["token"]
    body = '{"name": "x", "extras": %s}' % ("[" * 40 + "]" * 40)
    # CKAN reads a form with one key as that key's JSON
    response = app.post("/api/3/action/group_create", data={body: "1"},
                        headers={"Authorization": token}, status=400)
    assert "32" in response.json["error"]["message"]
    assert helpers.call_action("group_list") == []


def test_depth_counts_brackets_outside_strings():
    assert bodies.depth(b'{"a": [[1], {"b": "[[[[[["}]}') == 3
    assert bodies.depth(b'"\\"[[["') == 0
    assert bodies.depth(b"[" * 100_000) == inputs.MAX_DEPTH + 1


NUL_MESSAGE = "Teks tidak boleh berisi karakter NUL (\\0)."


def refused(response, *fields: str) -> None:
    """``response`` is CKAN's answer to a validation error naming ``fields``."""
    assert response.json["success"] is False
    error = response.json["error"]
    assert error["__type"] == "Validation Error"
    assert set(fields) <= set(error)


@pytest.mark.parametrize("url, field", [
    ("/api/3/action/package_show?id=a%00", "id"),
    ("/api/3/action/resource_show?id=a%00", "id"),
    ("/api/3/action/group_show?id=a%00", "id"),
    ("/api/3/action/user_show?id=a%00", "id"),
    ("/api/3/action/organization_show?id=a%00", "id"),
    ("/api/3/action/tag_list?query=%00", "query"),
    ("/api/3/action/format_autocomplete?q=%00", "q"),
    ("/api/2/util/dataset/autocomplete?incomplete=%00", "incomplete"),
    ("/api/2/util/tag/autocomplete?incomplete=%00", "incomplete"),
    ("/api/3/action/package_show%00?id=a", "path"),
])
def test_nul_in_a_read_is_a_validation_error(app, url, field):
    response = app.get(url, status=409)
    refused(response, field)
    assert response.json["error"][field] == [NUL_MESSAGE]


@pytest.mark.parametrize("action", [
    "member_create", "vocabulary_create", "package_collaborator_create",
    "organization_member_create", "user_invite", "api_token_create",
    "resource_view_create", "package_relationship_create"])
def test_nul_in_any_write_is_a_validation_error(app, action):
    token = factories.APIToken(user=factories.Sysadmin()["name"])["token"]
    body = {"id": "a\x00", "name": "b\x00", "object": "c", "subject": "d",
            "user": "e\x00", "email": "x\x00@example.com", "title": "t",
            "tags": [{"name": "n\x00"}]}
    response = app.post(f"/api/3/action/{action}", json=body,
                        headers={"Authorization": token}, status=409)
    refused(response, "id", "name", "user", "email", "tags")


def test_nul_in_a_form_encoded_api_call_is_refused(app):
    refused(app.post("/api/3/action/package_show", data={"id": "a\x00"},
                     status=409), "id")
    # CKAN reads a form with one key as that key's JSON
    refused(app.post("/api/3/action/package_show",
                     data={'{"id": "a\\u0000"}': "1"}, status=409), "id")


def test_a_lone_surrogate_is_refused(app):
    response = app.post("/api/3/action/package_show",
                        data=b'{"id": "a\\ud800"}',
                        content_type="application/json", status=409)
    assert response.json["error"]["id"] == [
        "Teks tidak boleh berisi surrogate tanpa pasangan."]


@pytest.mark.parametrize("path", ["/dataset/a%00", "/organization/a%00",
                                  "/dataset/?q=%00"])
def test_nul_in_a_page_is_an_indonesian_bad_request(app, path):
    page = app.get(path, status=400).body
    assert "karakter NUL" in page


NOT_A_CONTAINER = "Harus berupa teks, bukan daftar atau objek."


@pytest.mark.parametrize("action, body, message", [
    ("package_show", {"id": ["a"]}, NOT_A_CONTAINER),
    ("package_show", {"id": {"a": 1}}, NOT_A_CONTAINER),
    ("organization_show", {"id": ["a"]}, NOT_A_CONTAINER),
    ("group_show", {"id": 5}, "Harus berupa teks."),
    ("package_create", {"name": ["a"]}, NOT_A_CONTAINER),
])
def test_an_id_or_name_that_is_not_text_is_a_validation_error(
        app, action, body, message):
    response = app.post(f"/api/3/action/{action}", json=body, status=409)
    refused(response, *body)
    assert response.json["error"][next(iter(body))] == [message]


def test_a_repeated_id_is_not_text_either(app):
    refused(app.get("/api/3/action/package_show?id=a&id=b", status=409), "id")


def test_good_input_still_passes(app):
    group = factories.Group()
    shown = app.post("/api/3/action/group_show", json={"id": group["id"]})
    assert shown.json["result"]["name"] == group["name"]
    assert app.get(f"/group/{group['name']}", status=200)
    assert app.get("/api/2/util/tag/autocomplete?incomplete=pa", status=200)
