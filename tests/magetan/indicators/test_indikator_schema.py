"""The `indikator` dataset type: MS-Ind metadata, every field validated."""
from __future__ import annotations

import pytest
from bs4 import BeautifulSoup

from ckan.logic import ValidationError
from ckan.tests import factories, helpers

from tests.conftest import INDIKATOR_DEFAULTS, indikator

REQUIRED = ["indicator_code", "concept", "definition", "method", "measure",
            "unit", "periodicity", "reference_period", "regional_level",
            "sector_code", "data_source", "producer_contact"]


def create(org, **fields):
    context = {"user": factories.Sysadmin()["name"]}
    return helpers.call_action("package_create", context=context,
                               owner_org=org["id"], name=fields.pop(
                                   "name", "indikator-uji"), **fields)


def errors_of(org, **fields) -> dict:
    with pytest.raises(ValidationError) as error:
        create(org, **fields)
    return error.value.error_dict


@pytest.mark.usefixtures("clean_db")
class TestIndikatorSchema:
    def test_every_ms_ind_field_is_required(self):
        org = factories.Organization()
        errors = errors_of(org, type="indikator", title="Tanpa metadata")
        for field in REQUIRED:
            assert field in errors, field

    def test_a_complete_indicator_round_trips(self):
        org = factories.Organization()
        dataset = indikator(org, name="lengkap", indicator_code="ind-x-1",
                            interpretation="Makin tinggi makin baik",
                            presentation_classification="menurut kecamatan",
                            regional_level=["kabupaten", "kecamatan"],
                            sdgs_goal="3", is_composite="true",
                            composite_components=["IND-A", "IND-B"])
        shown = helpers.call_action("package_show", id="lengkap")
        assert shown["indicator_code"] == "IND-X-1"  # normalised
        assert shown["regional_level"] == ["kabupaten", "kecamatan"]
        assert shown["composite_components"] == ["IND-A", "IND-B"]
        assert shown["license_id"] == "cc-by"  # the default licence
        assert dataset["sector_code"] == "2.20"

    def test_indicator_code_is_unique_in_the_portal(self):
        org = factories.Organization()
        first = indikator(org, name="pertama", indicator_code="IND-SAMA")
        errors = errors_of(org, **dict(INDIKATOR_DEFAULTS, title="Kedua",
                                       name="kedua", indicator_code="ind-sama"))
        assert "pertama" in errors["indicator_code"][0]
        # updating the dataset that owns the code keeps it valid
        for id_or_name in (first["id"], first["name"]):
            helpers.call_action("package_patch",
                                context={"user": factories.Sysadmin()["name"]},
                                id=id_or_name, title="Pertama diubah")

    @pytest.mark.parametrize("field, value, message", [
        ("indicator_code", "IND 001", "Use 3 to 40 letters"),
        ("indicator_code", "X", "Use 3 to 40 letters"),
        ("reference_period", "tahun lalu", "Write the period as a year"),
        ("reference_period", "2024-Q5", "Write the period as a year"),
        ("reference_period", "2024-2020",
         "The years of the period are not valid."),
        ("sector_code", "9.99", "9.99 is not a code of the list urusan."),
        # scheming's choices refuse it first; the code list says so too
        ("periodicity", "harian",
         "harian is not a code of the list periodisitas."),
        ("regional_level", ["provinsi"], "unexpected choice"),
        ("sdgs_goal", "18", "Value must be one of"),
        ("license_id", "other-closed", "Choose an open licence"),
        ("is_composite", "mungkin", "Value must be one of"),
    ])
    def test_bad_values_are_refused(self, field, value, message):
        org = factories.Organization()
        values = dict(INDIKATOR_DEFAULTS, title="Salah",
                      indicator_code="IND-SALAH")
        values[field] = value
        errors = errors_of(org, **values)
        assert list(errors) == [field]
        assert any(text.startswith(message) for text in errors[field]), \
            errors[field]

    @pytest.mark.parametrize("period", ["2024", "2024-S1", "2024-Q3",
                                        "2024-05", "2020-2024", "2020–2024"])
    def test_reference_periods(self, period):
        org = factories.Organization()
        indikator(org, reference_period=period)

    def test_composite_needs_its_building_indicators(self):
        org = factories.Organization()
        errors = errors_of(org, **dict(INDIKATOR_DEFAULTS, title="Komposit",
                                       indicator_code="IND-KOMP",
                                       is_composite="true"))
        assert "composite_components" in errors

    def test_errors_are_indonesian_in_the_api(self, app):
        org = factories.Organization()
        token = factories.APIToken(user=factories.Sysadmin()["name"])["token"]
        response = app.post(
            "/api/3/action/package_create",
            json=dict(INDIKATOR_DEFAULTS, name="api", title="Api",
                      owner_org=org["id"], indicator_code="IND-API",
                      reference_period="kemarin"),
            headers={"Authorization": token}, status=409)
        message = response.json["error"]["reference_period"][0]
        assert message.startswith("Tulis periode")


def test_schema_is_published(app):
    schema = helpers.call_action("scheming_dataset_schema_show",
                                 type="indikator")
    names = [f["field_name"] for f in schema["dataset_fields"]]
    for field in REQUIRED + ["interpretation", "presentation_classification",
                             "is_composite", "composite_components",
                             "sdgs_goal"]:
        assert field in names
    sector = next(f for f in schema["dataset_fields"]
                  if f["field_name"] == "sector_code")
    assert sector["codelist"] == "urusan"


@pytest.mark.usefixtures("clean_db")
def test_new_indikator_form_preselects_cc_by_and_speaks_indonesian(app):
    user = factories.Sysadmin()
    factories.Organization(users=[{"name": user["name"], "capacity": "admin"}])
    token = factories.APIToken(user=user["name"])["token"]
    page = app.get("/indikator/new", headers={"Authorization": token})
    form = BeautifulSoup(page.body, "html.parser")
    licence = form.select_one("select#field-license_id option[selected]")
    assert licence is not None and licence["value"] == "cc-by"
    for label in ("Kode Indikator", "Konsep", "Definisi", "Periode Referensi",
                  "Urusan Pemerintahan", "Level Estimasi", "Apa itu indikator?"):
        assert label in page.body


@pytest.mark.usefixtures("clean_db")
def test_indikator_fields_are_searchable_and_facets(search):
    """pgindex indexes the scheming fields at top level, as Solr would."""
    org = factories.Organization()
    indikator(org, name="stunting", indicator_code="IND-DINKES-003",
              periodicity="tahunan", unit="persen",
              data_source="Dinas Pertanian dan Ketahanan Pangan")
    indikator(org, name="dbd", periodicity="bulanan")

    def names(**params):
        return [d["name"] for d in search(**params)["results"]]

    assert names(q="IND-DINKES-003") == ["stunting"]
    assert names(fq="indicator_code:IND-DINKES*") == ["stunting"]
    assert names(q="ketahanan") == ["stunting"]
    assert names(fq="periodicity:bulanan") == ["dbd"]
    assert names(fq="dataset_type:indikator", sort="name asc") == [
        "dbd", "stunting"]
    result = search(**{"facet.field": ["periodicity"]})
    assert result["facets"]["periodicity"] == {"bulanan": 1, "tahunan": 1}


def as_user(user: dict) -> dict:
    return {"user": user["name"], "ignore_auth": False}


@pytest.mark.usefixtures("clean_db")
class TestCodeOfAHiddenDataset:
    """The uniqueness check names the dataset holding a code only to those
    who may read it."""

    @pytest.fixture(params=[{"private": True}, {"state": "draft"}],
                    ids=["private", "draft"])
    def holder(self, request):
        member = factories.User()
        org = factories.Organization(
            users=[{"name": member["name"], "capacity": "editor"}])
        indikator(org, name="rahasia-dinas", indicator_code="IND-RAHASIA",
                  **request.param)
        return member, org

    def attempt(self, user: dict, org: dict) -> list[str]:
        values = dict(INDIKATOR_DEFAULTS, title="Coba", name="coba-kode",
                      indicator_code="ind-rahasia")
        with pytest.raises(ValidationError) as error:
            helpers.call_action("package_create", context=as_user(user),
                                owner_org=org["id"], **values)
        return error.value.error_dict["indicator_code"]

    def test_an_outsider_learns_only_that_the_code_is_taken(self, holder):
        outsider = factories.User()
        own_org = factories.Organization(
            users=[{"name": outsider["name"], "capacity": "editor"}])
        assert self.attempt(outsider, own_org) == [
            "Indicator code IND-RAHASIA is already used by another dataset."]

    def test_a_member_who_may_read_it_is_told_which(self, holder):
        member, org = holder
        assert self.attempt(member, org) == [
            "Indicator code IND-RAHASIA is already used by dataset "
            "rahasia-dinas."]

    def test_the_api_says_it_in_indonesian(self, app, holder):
        outsider = factories.User()
        own_org = factories.Organization(
            users=[{"name": outsider["name"], "capacity": "editor"}])
        token = factories.APIToken(user=outsider["name"])["token"]
        response = app.post(
            "/api/3/action/package_create",
            json=dict(INDIKATOR_DEFAULTS, name="coba-kode", title="Coba",
                      owner_org=own_org["id"], indicator_code="IND-RAHASIA"),
            headers={"Authorization": token}, status=409)
        message = response.json["error"]["indicator_code"]
        assert message == [
            "Kode indikator IND-RAHASIA sudah dipakai oleh dataset lain."]
