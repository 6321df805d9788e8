"""Bad input to the Table Schema actions, validator and forms: a clear
error, in bounded time, and what was stored stays."""
from __future__ import annotations

import json
import time

import pytest
from bs4 import BeautifulSoup

from ckan.logic import ValidationError
from ckan.tests import factories, helpers

from ckanext.magetan import tableschema as table_schema
from tests.conftest import indikator
from tests.magetan.tableschema.test_table_schema import POPULATION_CSV

STORED = {"fields": [{"name": "tahun", "type": "year", "title": "Tahun"}]}


def deep(levels: int) -> str:
    return "[" * levels + "]" * levels


@pytest.fixture
def table(create_with_upload):
    """An editor and an uploaded table with a described column."""
    user = factories.User()
    org = factories.Organization(
        users=[{"name": user["name"], "capacity": "editor"}])
    dataset = indikator(org, private=True)
    resource = create_with_upload(
        POPULATION_CSV, "penduduk.csv", package_id=dataset["id"],
        context={"user": user["name"], "ignore_auth": False})
    helpers.call_action("resource_patch", context={"user": user["name"]},
                        id=resource["id"], schema=STORED)
    return user, dataset, resource


def as_user(user: dict) -> dict:
    return {"user": user["name"], "ignore_auth": False}


def stored_schema(resource: dict) -> dict:
    return helpers.call_action("resource_show", id=resource["id"])["schema"]


class TestCheck:
    @pytest.mark.parametrize("value, message", [
        ({"fields": [{"name": "a\x00b"}]},
         "Text must not contain NUL characters (\\0)."),
        ({"fields": [{"name": "a", "title": "Ju\x00dul"}]},
         "Text must not contain NUL characters (\\0)."),
        ({"fields": [{"name": "a", "constraints": {"pattern": "\x00"}}]},
         "Text must not contain NUL characters (\\0)."),
        ({"fields": [{"name": "a", "x": json.loads(deep(40))}]},
         "The value is nested too deeply (more than 32 levels)."),
        ('{"fields": [{"name": "a", "x": %s}]}' % deep(100_000),
         "The data structure is nested too deeply."),
        ({"fields": [{"name": f"k{i}"} for i in range(1001)]},
         "The table has 1001 columns; a data structure describes at most "
         "1000. Split the table into several files."),
        ({"fields": [{"name": "a" * 201}]},
         "Column 1: name is longer than 200 characters."),
        ({"fields": [{"name": "a", "description": "x" * 5001}]},
         "Column 1: description is longer than 5000 characters."),
    ], ids=["nul-name", "nul-title", "nul-constraint", "deep-object",
            "deep-json", "too-many-columns", "long-name",
            "long-description"])
    def test_refused_with_its_reason(self, value, message):
        with pytest.raises(table_schema.TableSchemaError) as error:
            table_schema.check(value)
        assert error.value.messages == [message]

    def test_the_form_rows_survive_a_broken_stored_schema(self):
        resource = {"schema": '{"fields": %s}' % deep(100_000),
                    "schema-fields-0-name": "tahun"}
        assert table_schema.pop_form_rows(resource)
        assert resource["schema"] == {"fields": [{"name": "tahun"}]}
        resource = {"schema": {"fields": [{"name": ["x"]}]},
                    "schema-fields-0-source": "x",
                    "schema-fields-0-name": "tahun"}
        assert table_schema.pop_form_rows(resource)
        assert resource["schema"]["fields"] == [{"name": "tahun"}]
        assert table_schema.form_rows('{"fields": %s}' % deep(5000)) == [{}]


@pytest.mark.usefixtures("clean_db")
class TestActions:
    @pytest.mark.parametrize("params, field, message", [
        ({"id": ["x"]}, "id", "Must be text, not a list or an object."),
        ({"id": {"a": 1}}, "id", "Must be text, not a list or an object."),
        ({"save": {"a": 1}}, "save", "Must be true or false."),
        ({"save": "mungkin"}, "save", "Must be true or false."),
        ({"save": [True]}, "save", "Must be true or false."),
    ])
    def test_infer_parameters(self, table, params, field, message):
        user, _dataset, resource = table
        data = dict({"id": resource["id"]}, **params)
        with pytest.raises(ValidationError) as error:
            helpers.call_action("magetan_table_schema_infer",
                                context=as_user(user), **data)
        assert error.value.error_dict == {field: [message]}
        assert stored_schema(resource) == STORED

    @pytest.mark.parametrize("schema, message", [
        ({"fields": [{"name": "ta\x00hun"}]},
         "Teks tidak boleh berisi karakter NUL (\\0)."),
        ({"fields": [{"name": "tahun", "title": "T\x00"}]},
         "Teks tidak boleh berisi karakter NUL (\\0)."),
        ('{"fields": [{"name": "a", "x": %s}]}' % deep(5000),
         "Struktur data bersarang terlalu dalam."),
        ({"fields": [{"name": "tahun", "title": "x" * 501}]},
         "Kolom 1: title lebih panjang dari 500 karakter."),
    ], ids=["nul-name", "nul-title", "deep", "long-title"])
    def test_resource_patch_through_the_api(self, app, table, schema,
                                            message):
        user, _dataset, resource = table
        token = factories.APIToken(user=user["name"])["token"]
        response = app.post("/api/3/action/resource_patch",
                            json={"id": resource["id"], "schema": schema},
                            headers={"Authorization": token}, status=409)
        assert response.json["error"]["schema"] == [message]
        assert stored_schema(resource) == STORED

    def test_a_body_nested_thousands_deep_is_a_bad_request(self, app, table):
        user, _dataset, resource = table
        token = factories.APIToken(user=user["name"])["token"]
        body = '{"id": "%s", "schema": {"fields": [{"name": "a", "x": %s}]}}' \
            % (resource["id"], deep(100_000))
        response = app.post("/api/3/action/resource_patch", data=body,
                            content_type="application/json",
                            headers={"Authorization": token}, status=400)
        assert response.json["error"]["message"] == (
            "Permintaan ini berisi larik atau objek yang bersarang lebih "
            "dari 32 tingkat.")
        assert stored_schema(resource) == STORED

    def test_nul_in_an_uploaded_header(self, table, create_with_upload):
        user, dataset, _resource = table
        resource = create_with_upload(
            "kode\x00kecamatan,tahun\n1,2024\n", "nul.csv",
            package_id=dataset["id"], context=as_user(user))
        # the file is kept, without a data structure
        assert resource["url_type"] == "upload"
        assert "schema" not in resource
        with pytest.raises(ValidationError) as error:
            helpers.call_action("magetan_table_schema_infer",
                                context=as_user(user), id=resource["id"])
        assert error.value.error_dict["schema"] == [
            "The header row holds NUL characters: save the table as CSV "
            "(UTF-8) or as an Excel workbook and upload it again."]

    def test_twenty_thousand_columns_take_no_time(self, table,
                                                  create_with_upload):
        user, dataset, _resource = table
        wide = ",".join(f"k{i}" for i in range(20_000)) + "\n" + \
            ",".join("1" for _ in range(20_000)) + "\n"
        started = time.monotonic()
        resource = create_with_upload(wide, "lebar.csv",
                                      package_id=dataset["id"],
                                      context=as_user(user))
        assert "schema" not in resource
        with pytest.raises(ValidationError) as error:
            helpers.call_action("magetan_table_schema_infer",
                                context=as_user(user), id=resource["id"])
        assert time.monotonic() - started < 10  # frictionless: minutes
        assert error.value.error_dict["schema"] == [
            "The table has 20000 columns; a data structure describes at "
            "most 1000. Split the table into several files."]


def token_of(user: dict) -> dict:
    return {"Authorization": factories.APIToken(user=user["name"])["token"]}


@pytest.mark.usefixtures("clean_db")
class TestForms:
    def test_nul_in_a_column_of_the_resource_form(self, app, table):
        user, dataset, resource = table
        url = f"/dataset/{dataset['name']}/resource/{resource['id']}/edit"
        page = BeautifulSoup(app.get(url, headers=token_of(user)).body,
                             "html.parser")
        form = {i["name"]: i.get("value", "") for i in page.select(
            "form#resource-edit input[name]") if i.get("type") != "file"}
        form.update({"schema-fields-0-name": "ta\x00hun",
                     "schema-fields-0-title": "Tahun data", "save": ""})
        response = app.post(url, data=form, headers=token_of(user),
                            status=200)
        assert "Teks tidak boleh berisi karakter NUL" in response.body
        assert 'value="Tahun data"' in response.body  # nothing typed is lost
        assert stored_schema(resource) == STORED

    def test_the_read_columns_button_checks_the_dataset(self, app, table):
        user, _dataset, resource = table
        other = indikator(factories.Organization())
        url = (f"/dataset/{other['name']}/resource/{resource['id']}"
               "/schema/infer")
        app.post(url, headers=token_of(user), status=404)
        assert stored_schema(resource) == STORED
