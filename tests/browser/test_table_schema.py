"""A Produsen Data uploads a table and describes its columns (MS-Var)."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

import ckan.plugins as plugins
from ckan.tests import factories

from tests.browser import PASSWORD, log_in
from tests.conftest import indikator

pytestmark = pytest.mark.browser
CSV = ("kode_kecamatan;kecamatan;tahun;jumlah_penduduk\n"
       "35.20.01;Poncol;2024;33123\n35.20.02;Parang;2024;46001\n")


@pytest.fixture(scope="module")
def producer(module_db):
    plugins.load_all()
    user = factories.User(name="pengelola", password=PASSWORD)
    org = factories.Organization(
        name="dispendukcapil",
        users=[{"name": user["name"], "capacity": "editor"}])
    indikator(org, name="jumlah-penduduk", title="Jumlah Penduduk",
              private=True)
    plugins.unload_all()
    return user


def test_upload_then_describe_the_columns(producer, live_portal, page,
                                          tmp_path):
    log_in(page, live_portal, "pengelola")

    page.goto(f"{live_portal}/dataset/jumlah-penduduk/resource/new")
    csv_file = tmp_path / "penduduk-2024.csv"
    csv_file.write_text(CSV)
    page.set_input_files("input[name=upload]", str(csv_file))
    page.fill("#field-name", "Penduduk 2024")
    page.locator("button[name=save]").last.click()

    page.locator("a", has_text="Penduduk 2024").first.click()
    structure = page.locator("#struktur-data")
    expect(structure).to_contain_text("Struktur data")
    expect(structure).to_contain_text("jumlah_penduduk")
    expect(structure).to_contain_text("Bilangan bulat")

    structure.get_by_text("Ubah struktur data").click()
    editor = page.locator(".magetan-table-schema")
    editor.locator("[name=schema-fields-3-title]").fill("Jumlah Penduduk")
    editor.locator("[name=schema-fields-3-unit]").fill("jiwa")
    editor.locator("[name=schema-fields-0-type]").select_option("string")
    editor.get_by_role("button", name="Tambah kolom").click()
    new_row = editor.locator("tbody tr").last
    new_row.locator("input[name$=-name]").fill("sumber")
    new_row.locator("input[name$=-title]").fill("Sumber data")
    page.screenshot(path=str(tmp_path / "resource-form.png"), full_page=True)
    page.locator("form#resource-edit button[name=save]").last.click()

    structure = page.locator("#struktur-data")
    expect(structure).to_contain_text("Jumlah Penduduk")
    expect(structure).to_contain_text("jiwa")
    expect(structure.locator("tbody tr")).to_have_count(5)
    expect(structure).to_contain_text("Sumber data")
    row = structure.locator("tbody tr", has_text="kode_kecamatan")
    expect(row).to_contain_text("Teks")
