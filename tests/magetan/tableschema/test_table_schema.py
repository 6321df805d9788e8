"""Table Schemas of resources (MS-Var): checked, inferred, edited, merged."""
from __future__ import annotations

import io
import json

import openpyxl
import pytest
from bs4 import BeautifulSoup

from ckan.logic import NotAuthorized, ValidationError
from ckan.tests import factories, helpers

from ckanext.magetan import tableschema as table_schema
from tests.conftest import indikator, publish

POPULATION_CSV = (
    "kode_kecamatan;kecamatan;tahun;jumlah_penduduk;kepadatan\n"
    "3520010;Poncol;2024;33123;412,5\n"
    "3520020;Parang;2024;46001;599,1\n"
)


def xlsx(rows: list[list]) -> bytes:
    workbook = openpyxl.Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def fields(schema: dict) -> dict[str, dict]:
    return {f["name"]: f for f in schema["fields"]}


class TestCheck:
    def test_json_text_becomes_a_tidy_object(self):
        schema = table_schema.check(json.dumps({"fields": [
            {"name": " tahun ", "type": "year", "title": "Tahun",
             "unit": "", "description": None}]}))
        assert schema == {"fields": [
            {"name": "tahun", "type": "year", "title": "Tahun"}]}

    @pytest.mark.parametrize("value", [None, "", table_schema.tk.missing])
    def test_empty_is_none(self, value):
        assert table_schema.check(value) is None

    @pytest.mark.parametrize("value, expected", [
        ("{not json", "not valid JSON"),
        ("[1, 2]", "Table Schema"),
        ({"fields": []}, "at least one column"),
        ({"fields": [{"title": "Tanpa nama"}]}, "Column 1 needs a name"),
        ({"fields": [{"name": "a"}, {"name": "a"}]}, "a is used twice"),
        ({"fields": [{"name": "a", "unit": 5}]}, "unit must be text"),
        ({"fields": [{"name": "a", "type": "integr"}]}, "integr"),
        ({"fields": [{"name": "a", "codelist": "provinsi"}]},
         "provinsi is not a code list"),
        ({"fields": [{"name": "a", "codelist": ["desa"]}]},
         "is not a code list"),
    ])
    def test_problems_are_named(self, value, expected):
        with pytest.raises(table_schema.TableSchemaError) as error:
            table_schema.check(value)
        assert expected in str(error.value)


class TestInfer:
    def test_csv_with_semicolons_and_decimal_commas(self, tmp_path):
        path = tmp_path / "penduduk.csv"
        path.write_text(POPULATION_CSV)
        schema = fields(table_schema.infer(str(path), "csv"))
        assert list(schema) == ["kode_kecamatan", "kecamatan", "tahun",
                                "jumlah_penduduk", "kepadatan"]
        assert schema["kecamatan"]["type"] == "string"
        # region columns point at their code lists, for the validation
        assert schema["kode_kecamatan"]["codelist"] == "kecamatan:bps"
        assert schema["kecamatan"]["codelist"] == "kecamatan:nama"
        assert "codelist" not in schema["tahun"]
        assert schema["jumlah_penduduk"]["type"] == "integer"
        assert schema["kepadatan"] == {"name": "kepadatan", "type": "number",
                                       "decimalChar": ",", "groupChar": "."}

    def test_kemendagri_codes_stay_text(self, tmp_path):
        path = tmp_path / "kode.csv"
        path.write_text("kode_kecamatan;jumlah\n35.20.01;12\n35.20.02;13\n")
        schema = fields(table_schema.infer(str(path), "csv"))
        assert schema["kode_kecamatan"] == {
            "name": "kode_kecamatan", "type": "string",
            "codelist": "kecamatan"}

    def test_xlsx_with_an_empty_column(self, tmp_path):
        path = tmp_path / "luas.xlsx"
        path.write_bytes(xlsx([["Kecamatan", "Luas", "Catatan"],
                               ["Poncol", 70.2, None], ["Parang", 71, None]]))
        schema = fields(table_schema.infer(str(path), "xlsx"))
        assert schema["Luas"]["type"] == "number"
        assert schema["Catatan"]["type"] == "any"

    def test_a_file_that_is_no_table(self, tmp_path):
        path = tmp_path / "rusak.xlsx"
        path.write_text("bukan excel")
        with pytest.raises(table_schema.TableSchemaError) as error:
            table_schema.infer(str(path), "xlsx")
        assert "XLSX" in str(error.value)

    def test_tabular_format(self):
        assert table_schema.tabular_format("", "Data 2024.XLSX") == "xlsx"
        assert table_schema.tabular_format("CSV", "x.bin") == "csv"
        assert table_schema.tabular_format("PDF", "laporan.pdf") is None


class TestMergeAndForm:
    def test_merge_keeps_what_people_wrote(self):
        given = {"fields": [
            {"name": "tahun", "type": "year", "title": "Tahun"},
            {"name": "lama", "type": "string", "title": "Kolom lama"}],
            "primaryKey": ["lama"], "missingValues": ["", "-"]}
        inferred = {"fields": [{"name": "tahun", "type": "integer"},
                               {"name": "baru", "type": "number"}]}
        merged = table_schema.merge(given, inferred)
        assert merged == {"missingValues": ["", "-"], "fields": [
            {"name": "tahun", "type": "year", "title": "Tahun"},
            {"name": "baru", "type": "number"}]}

    def test_form_rows_become_a_schema(self):
        stored = {"fields": [{"name": "nilai", "type": "number",
                              "decimalChar": ","}]}
        resource = {
            "schema": json.dumps(stored),
            "schema-fields-0-source": "nilai",
            "schema-fields-0-name": "nilai_2024",
            "schema-fields-0-title": "Nilai 2024",
            "schema-fields-0-type": "number",
            "schema-fields-0-unit": "persen",
            "schema-fields-0-description": "",
            "schema-fields-7-name": "",
            "schema-fields-7-type": "string",
            "schema-fields-3-name": "kecamatan",
            "schema-fields-3-type": "string",
        }
        assert table_schema.pop_form_rows(resource)
        assert resource == {"schema": {"fields": [
            {"name": "nilai_2024", "type": "number", "decimalChar": ",",
             "title": "Nilai 2024", "unit": "persen"},
            {"name": "kecamatan", "type": "string"}]}}

    def test_empty_rows_clear_the_schema(self):
        resource = {"schema": '{"fields": [{"name": "a"}]}',
                    "schema-fields-0-source": "a",
                    "schema-fields-0-name": "", "schema-fields-0-type": "any"}
        assert table_schema.pop_form_rows(resource)
        assert resource["schema"] == ""

    def test_no_rows_leave_the_resource_alone(self):
        resource = {"name": "x", "schema": {"fields": [{"name": "a"}]}}
        assert not table_schema.pop_form_rows(resource)
        assert resource == {"name": "x", "schema": {"fields": [{"name": "a"}]}}


@pytest.fixture
def editor():
    user = factories.User()
    org = factories.Organization(
        users=[{"name": user["name"], "capacity": "editor"}])
    return user, indikator(org, private=True)


def as_user(user: dict) -> dict:
    return {"user": user["name"], "ignore_auth": False}


@pytest.mark.usefixtures("clean_db")
class TestResourceApi:
    def test_upload_infers_the_schema(self, editor, create_with_upload):
        user, dataset = editor
        resource = create_with_upload(
            POPULATION_CSV, "penduduk.csv", context=as_user(user),
            package_id=dataset["id"], name="Penduduk 2024")
        schema = fields(resource["schema"])
        assert schema["tahun"]["type"] == "integer"
        shown = helpers.call_action("resource_show", id=resource["id"])
        assert shown["schema"] == resource["schema"]

    def test_upload_keeps_the_given_metadata(self, editor, create_with_upload):
        user, dataset = editor
        given = {"fields": [{"name": "tahun", "type": "year",
                             "title": "Tahun", "unit": "tahun"}]}
        resource = create_with_upload(
            POPULATION_CSV, "penduduk.csv", context=as_user(user),
            package_id=dataset["id"], schema=json.dumps(given))
        schema = fields(resource["schema"])
        assert schema["tahun"] == given["fields"][0]
        assert schema["kecamatan"]["type"] == "string"
        # region columns point at their code lists, for the validation
        assert schema["kode_kecamatan"]["codelist"] == "kecamatan:bps"
        assert schema["kecamatan"]["codelist"] == "kecamatan:nama"
        assert "codelist" not in schema["tahun"]

    def test_new_file_keeps_described_columns(self, editor,
                                              create_with_upload):
        user, dataset = editor
        resource = create_with_upload(
            POPULATION_CSV, "penduduk.csv", context=as_user(user),
            package_id=dataset["id"])
        described = resource["schema"]
        fields(described)["jumlah_penduduk"].update(
            title="Jumlah Penduduk", unit="jiwa")
        helpers.call_action("resource_patch", context=as_user(user),
                            id=resource["id"], schema=described)
        updated = create_with_upload(
            "kecamatan,tahun,jumlah_penduduk,laki_laki\nPoncol,2025,1,1\n",
            "penduduk-2025.csv", context=as_user(user),
            action="resource_patch", id=resource["id"])
        schema = fields(updated["schema"])
        assert list(schema) == ["kecamatan", "tahun", "jumlah_penduduk",
                                "laki_laki"]
        assert schema["jumlah_penduduk"]["unit"] == "jiwa"

    def test_schema_edited_through_the_api(self, editor):
        user, dataset = editor
        resource = helpers.call_action(
            "resource_create", context=as_user(user), package_id=dataset["id"],
            url="https://example.com/data.csv", format="CSV",
            schema='{"fields": [{"name": "tahun", "type": "year"}]}')
        assert resource["schema"] == {"fields": [
            {"name": "tahun", "type": "year"}]}
        with pytest.raises(ValidationError) as error:
            helpers.call_action(
                "resource_patch", context=as_user(user), id=resource["id"],
                schema={"fields": [{"name": "a"}, {"name": "a"}]})
        assert "a is used twice" in str(error.value.error_dict["schema"])
        kept = helpers.call_action("resource_show", id=resource["id"])
        assert kept["schema"] == resource["schema"]
        cleared = helpers.call_action("resource_patch", context=as_user(user),
                                      id=resource["id"], schema="")
        assert "schema" not in cleared

    def test_infer_action(self, editor, create_with_upload):
        user, dataset = editor
        resource = create_with_upload(
            POPULATION_CSV, "penduduk.csv", context=as_user(user),
            package_id=dataset["id"], schema=json.dumps({"fields": [
                {"name": "tahun", "type": "year", "title": "Tahun"}]}))
        helpers.call_action("resource_patch", context=as_user(user),
                            id=resource["id"], schema={"fields": [
                                {"name": "tahun", "title": "Tahun data"}]})
        inferred = helpers.call_action("magetan_table_schema_infer",
                                       context=as_user(user), id=resource["id"])
        assert fields(inferred)["tahun"]["title"] == "Tahun data"
        assert len(inferred["fields"]) == 5
        stored = helpers.call_action("resource_show", id=resource["id"])
        assert len(stored["schema"]["fields"]) == 1
        helpers.call_action("magetan_table_schema_infer",
                            context=as_user(user), id=resource["id"],
                            save=True)
        stored = helpers.call_action("resource_show", id=resource["id"])
        assert stored["schema"] == inferred

    def test_infer_needs_edit_rights_and_an_uploaded_table(
            self, editor, create_with_upload):
        user, dataset = editor
        resource = create_with_upload(
            POPULATION_CSV, "penduduk.csv", context=as_user(user),
            package_id=dataset["id"])
        with pytest.raises(NotAuthorized):
            helpers.call_action("magetan_table_schema_infer",
                                context=as_user(factories.User()),
                                id=resource["id"])
        link = helpers.call_action(
            "resource_create", context=as_user(user),
            package_id=dataset["id"], url="https://example.com/a.csv")
        with pytest.raises(ValidationError) as error:
            helpers.call_action("magetan_table_schema_infer",
                                context=as_user(user), id=link["id"])
        assert "is a link" in str(error.value.error_dict["schema"])

    def test_unreadable_upload_is_kept_without_schema(
            self, editor, create_with_upload):
        user, dataset = editor
        resource = create_with_upload(
            b"bukan excel", "rusak.xlsx", context=as_user(user),
            package_id=dataset["id"])
        assert resource["url_type"] == "upload"
        assert "schema" not in resource


def login(app, user: dict) -> dict:
    return {"Authorization": factories.APIToken(user=user["name"])["token"]}


@pytest.mark.usefixtures("clean_db")
class TestResourcePages:
    def test_form_edits_the_columns(self, app, editor, create_with_upload):
        user, dataset = editor
        resource = create_with_upload(
            POPULATION_CSV, "penduduk.csv", context=as_user(user),
            package_id=dataset["id"], name="Penduduk")
        url = f"/dataset/{dataset['name']}/resource/{resource['id']}/edit"
        page = BeautifulSoup(app.get(url, headers=login(app, user)).body,
                             "html.parser")
        assert page.select_one("[name=schema-fields-4-name]")["value"] == \
            "kepadatan"
        assert page.select_one("[name=schema-fields-5-name]")["value"] == ""
        assert page.select_one("[name=schema-fields-1-codelist] "
                               "option[selected]")["value"] == "kecamatan:nama"
        form = {i["name"]: i.get("value", "") for i in page.select(
            "form#resource-edit input[name]") if i.get("type") != "file"}
        for select in page.select("form#resource-edit select[name]"):
            chosen = select.select_one("option[selected]")
            form[select["name"]] = chosen["value"] if chosen else ""
        form.update({"schema-fields-3-title": "Jumlah Penduduk",
                     "schema-fields-3-unit": "jiwa",
                     "schema-fields-5-name": "sumber",
                     "schema-fields-0-name": "", "save": ""})
        app.post(url, data=form, headers=login(app, user),
                 follow_redirects=False, status=302)
        schema = helpers.call_action("resource_show",
                                     id=resource["id"])["schema"]
        names = [f["name"] for f in schema["fields"]]
        assert names == ["kecamatan", "tahun", "jumlah_penduduk",
                         "kepadatan", "sumber"]
        assert fields(schema)["jumlah_penduduk"]["unit"] == "jiwa"
        assert fields(schema)["kepadatan"]["decimalChar"] == ","

        form["schema-fields-1-name"] = "tahun"
        form["schema-fields-2-name"] = "tahun"
        page = app.post(url, data=form, headers=login(app, user))
        assert "tahun dipakai dua kali" in page.body
        assert 'value="Jumlah Penduduk"' in page.body

    def test_resource_page_shows_the_columns(self, app, editor,
                                             create_with_upload):
        user, dataset = editor
        resource = create_with_upload(
            POPULATION_CSV, "penduduk.csv", context=as_user(user),
            package_id=dataset["id"])
        url = f"/dataset/{dataset['name']}/resource/{resource['id']}"
        page = app.get(url, headers=login(app, user)).body
        assert "Baca kolom dari berkas" in page
        publish(dataset)
        public = app.test_client().get(url).body
        assert "Struktur data" in public and "jumlah_penduduk" in public
        assert "Baca kolom dari berkas" not in public

    def test_read_columns_button(self, app, editor, create_with_upload):
        user, dataset = editor
        resource = create_with_upload(
            POPULATION_CSV, "penduduk.csv", context=as_user(user),
            package_id=dataset["id"], schema=json.dumps(
                {"fields": [{"name": "tahun", "title": "Tahun"}]}))
        helpers.call_action("resource_patch", context=as_user(user),
                            id=resource["id"],
                            schema={"fields": [{"name": "tahun"}]})
        url = (f"/dataset/{dataset['name']}/resource/{resource['id']}"
               "/schema/infer")
        app.post(url, status=403)
        page = app.post(url, headers=login(app, user))
        assert "dibaca dari berkas" in page.body
        schema = helpers.call_action("resource_show",
                                     id=resource["id"])["schema"]
        assert len(schema["fields"]) == 5


@pytest.mark.usefixtures("clean_db")
def test_columns_of_a_private_table_stay_private(app, create_with_upload):
    user = factories.User()
    org = factories.Organization(
        users=[{"name": user["name"], "capacity": "editor"}])
    dataset = indikator(org, private=True)
    resource = create_with_upload(
        POPULATION_CSV, "penduduk.csv", context=as_user(user),
        package_id=dataset["id"])
    url = f"/dataset/{dataset['name']}/resource/{resource['id']}"
    assert "jumlah_penduduk" not in app.get(url, status=404).body
    outsider = login(app, factories.User())
    app.get(url, headers=outsider, status=404)
    with pytest.raises(NotAuthorized):
        helpers.call_action("magetan_table_schema_infer",
                            context=as_user(factories.User()),
                            id=resource["id"])
    assert "jumlah_penduduk" in app.get(url, headers=login(app, user)).body


@pytest.mark.usefixtures("clean_db")
class TestColumnsAreSearchable:
    """res_columns: the names and titles of a resource's Table Schema."""

    def test_column_names_and_titles_find_the_indicator(self, search,
                                                         table_server):
        org = factories.Organization()
        url = table_server.add(b"luas_tanam\n12.5\n", "jagung.csv")
        indikator(org, name="produksi-jagung", resources=[{
            "url": url, "format": "CSV",
            "schema": {"fields": [{"name": "luas_tanam", "type": "number",
                                   "title": "Luas Tanam Jagung Hibrida"}]}}])
        indikator(org, name="lain")
        found = [d["name"] for d in search(q="hibrida")["results"]]
        assert found == ["produksi-jagung"]
        found = [d["name"] for d in search(q="luas_tanam")["results"]]
        assert found == ["produksi-jagung"]

    def test_columns_of_a_private_indicator_are_found_by_members_only(
            self, search):
        member = factories.User()
        org = factories.Organization(
            users=[{"name": member["name"], "capacity": "editor"}])
        indikator(org, name="rahasia", private=True, resources=[{
            "url": "http://example.com/r.csv", "format": "CSV",
            "schema": {"fields": [{"name": "kasus",
                                   "title": "Kasus Terselubung"}]}}])
        for user in (None, factories.User()["name"]):
            assert search(user=user, include_private=True,
                          q="terselubung")["count"] == 0
        result = search(user=member["name"], include_private=True,
                        q="terselubung")
        assert [d["name"] for d in result["results"]] == ["rahasia"]
