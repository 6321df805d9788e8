"""Bad parameters of magetan_codelist_show are validation errors."""
from __future__ import annotations

import pytest

from ckan.logic import ValidationError
from ckan.tests import helpers

NOT_TEXT = "Must be text, not a list or an object."
NUL = "Text must not contain NUL characters (\\0)."


@pytest.mark.parametrize("field, value, message", [
    ("id", ["desa"], NOT_TEXT),
    ("id", {"name": "desa"}, NOT_TEXT),
    ("id", "de\x00sa", NUL),
    ("q", ["35.20.07"], NOT_TEXT),
    ("q", {"kode": "35.20.07"}, NOT_TEXT),
    ("q", "35\x00", NUL),
])
def test_bad_parameters_are_named(field, value, message):
    params = dict({"id": "desa"}, **{field: value})
    with pytest.raises(ValidationError) as error:
        helpers.call_action("magetan_codelist_show", **params)
    assert error.value.error_dict == {field: [message]}


@pytest.mark.parametrize("body, field, message", [
    ({"id": ["desa"]}, "id", "Harus berupa teks, bukan daftar atau objek."),
    ({"id": "desa", "q": {"a": 1}}, "q",
     "Harus berupa teks, bukan daftar atau objek."),
    ({"id": "desa", "q": "a\x00"}, "q",
     "Teks tidak boleh berisi karakter NUL (\\0)."),
])
def test_the_api_explains_in_indonesian(app, body, field, message):
    response = app.post("/api/3/action/magetan_codelist_show", json=body,
                        status=409)
    assert response.json["error"][field] == [message]
