"""Groups are the portal's sectors: one chapter of the statistics book each."""
from __future__ import annotations

import pytest
from bs4 import BeautifulSoup

import ckan.model as model
from ckan.logic import ValidationError
from ckan.tests import factories, helpers


def sysadmin() -> dict:
    return {"user": factories.Sysadmin()["name"]}


def create(**fields) -> dict:
    return helpers.call_action("group_create", context=sysadmin(), **fields)


@pytest.mark.usefixtures("clean_db")
def test_sector_fields_round_trip():
    create(name="penduduk", title="Penduduk dan Ketenagakerjaan",
           title_en="Population and Employment", chapter=" 03 ")
    sector = helpers.call_action("group_show", id="penduduk")
    assert sector["chapter"] == "3"
    assert sector["title_en"] == "Population and Employment"


@pytest.mark.usefixtures("clean_db")
@pytest.mark.parametrize("chapter", ["0", "100", "tiga", "2.5"])
def test_chapter_is_a_number_from_1_to_99(chapter):
    with pytest.raises(ValidationError) as error:
        create(name="salah", title="Salah", chapter=chapter)
    assert error.value.error_dict == {
        "chapter": ["Give a chapter number from 1 to 99."]}


@pytest.mark.usefixtures("clean_db")
def test_a_sector_outside_the_book_has_no_chapter():
    assert "chapter" not in create(name="prioritas", title="Data Prioritas")


@pytest.mark.usefixtures("clean_db")
def test_a_chapter_belongs_to_one_sector():
    first = create(name="geografi", title="Geografi dan Iklim", chapter="1")
    with pytest.raises(ValidationError) as error:
        create(name="lain", title="Lain", chapter="1")
    assert "Geografi dan Iklim" in error.value.error_dict["chapter"][0]
    # a sector keeps its own chapter when edited; a deleted one frees it
    for id_or_name in (first["id"], first["name"]):
        helpers.call_action("group_patch", context=sysadmin(), id=id_or_name,
                            description="Letak, luas wilayah dan iklim.")
    helpers.call_action("group_delete", context=sysadmin(), id=first["id"])
    assert create(name="lain", title="Lain", chapter="1")["chapter"] == "1"


@pytest.mark.usefixtures("clean_db")
def test_sector_form_speaks_indonesian(app):
    token = factories.APIToken(user=factories.Sysadmin()["name"])["token"]
    page = app.get("/group/new", headers={"Authorization": token})
    form = BeautifulSoup(page.body, "html.parser")
    assert form.select_one("input#field-chapter") is not None
    assert "Nomor Bab" in page.body and "Nama Sektor" in page.body


def test_sector_schema_is_published():
    schema = helpers.call_action("scheming_group_schema_show", type="group")
    names = [f["field_name"] for f in schema["fields"]]
    assert {"title", "name", "title_en", "chapter", "description"} <= set(
        names)


@pytest.mark.usefixtures("clean_db")
def test_sectors_are_listed_in_book_order(app):
    for name, chapter in (("pertanian", "7"), ("prioritas", None),
                          ("geografi", "1"), ("penduduk", "3")):
        create(name=name, title=name.capitalize(),
               **({"chapter": chapter} if chapter else {}))
    assert helpers.call_action("group_list") == [
        "geografi", "penduduk", "pertanian", "prioritas"]
    assert helpers.call_action("group_list", sort="chapter desc") == [
        "pertanian", "penduduk", "geografi", "prioritas"]
    assert helpers.call_action("group_list", sort="title asc")[0] == \
        "geografi"
    page = helpers.call_action("group_list", all_fields=True,
                               include_extras=True, limit=2, offset=1)
    assert [(g["name"], g["chapter"]) for g in page] == [
        ("penduduk", "3"), ("pertanian", "7")]
    assert app.get("/api/3/action/group_list").json["result"][0] == \
        "geografi"

    body = app.get("/group/").body
    assert body.index("Geografi") < body.index("Penduduk") < body.index(
        "Pertanian") < body.index("Prioritas")
    assert "Bab 3" in body


@pytest.mark.usefixtures("clean_db")
@pytest.mark.ckan_config("ckan.auth.user_create_groups", True)
def test_a_sector_not_yet_public_is_not_named():
    """Active sectors are public and named; another state is not."""
    held = create(name="rahasia", title="Sektor Rahasia", chapter="5")
    user = factories.User()

    def attempt() -> list[str]:
        with pytest.raises(ValidationError) as error:
            helpers.call_action(
                "group_create", context={"user": user["name"],
                                         "ignore_auth": False},
                name="coba-bab", title="Coba", chapter="5")
        return error.value.error_dict["chapter"]

    assert attempt() == ["Chapter 5 is already the sector Sektor Rahasia."]
    group = model.Group.get(held["id"])
    group.state = "pending"
    model.Session.commit()
    assert attempt() == ["Chapter 5 is already used by another sector."]
