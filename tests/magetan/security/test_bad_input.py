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
