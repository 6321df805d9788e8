"""A Produsen Data creates and edits an indikator in the browser."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

import ckan.plugins as plugins
from ckan.tests import factories, helpers

from tests.browser import PASSWORD, log_in

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def producer(module_db):
    plugins.load_all()
    user = factories.User(name="pengelola-dinkes", password=PASSWORD)
    factories.Organization(
        name="dinkes", title="Dinas Kesehatan",
        users=[{"name": user["name"], "capacity": "editor"}])
    plugins.unload_all()
    return user


def test_create_then_fix_an_indikator(producer, live_portal, page, tmp_path):
    log_in(page, live_portal, "pengelola-dinkes")
    page.goto(f"{live_portal}/indikator/new")
    page.fill("#field-title", "Cakupan Imunisasi Dasar Lengkap")
    page.fill("#field-indicator_code", "ind-dinkes-010")
    page.fill("#field-concept", "Imunisasi dasar lengkap")
    page.fill("#field-definition",
              "Persentase bayi yang mendapat imunisasi dasar lengkap.")
    page.fill("#field-method", "Bayi diimunisasi lengkap / jumlah bayi x 100")
    page.fill("#field-measure", "persentase")
    page.fill("#field-unit", "persen")
    page.select_option("#field-periodicity", "tahunan")
    page.fill("#field-reference_period", "kemarin")
    page.check("#field-regional_level-kecamatan")
    page.select_option("#field-sector_code", "1.02")
    page.fill("#field-data_source", "Laporan imunisasi puskesmas")
    page.fill("#field-producer_contact", "Seksi Surveilans Dinkes")
    page.select_option("#field-sdgs_goal", "3")
    page.locator("button[name=save]").last.click()

    # a bad period is explained in Indonesian; nothing typed is lost
    expect(page.locator(".error-explanation, .error-block").first
           ).to_contain_text("Tulis periode")
    expect(page.locator("#field-title")).to_have_value(
        "Cakupan Imunisasi Dasar Lengkap")
    expect(page.locator("#field-method")).to_have_value(
        "Bayi diimunisasi lengkap / jumlah bayi x 100")
    page.fill("#field-reference_period", "2020-2024")
    page.locator("button[name=save]").last.click()

    # stage 2: the data file, whose columns are read on upload
    csv_file = tmp_path / "imunisasi.csv"
    csv_file.write_text("tahun;kecamatan;persen\n2024;Poncol;97,5\n")
    page.set_input_files("input[name=upload]", str(csv_file))
    page.fill("#field-name", "Imunisasi 2024")
    page.locator("button[name=save][value=go-metadata]").click()

    page.wait_for_url("**/indikator/cakupan-imunisasi-dasar-lengkap")
    dataset = helpers.call_action(
        "package_show", id="cakupan-imunisasi-dasar-lengkap")
    assert dataset["indicator_code"] == "IND-DINKES-010"
    assert dataset["state"] == "active"
    assert dataset["regional_level"] == ["kecamatan"]
    assert dataset["sector_code"] == "1.02" and dataset["sdgs_goal"] == "3"
    assert dataset["license_id"] == "cc-by"
    assert [f["name"] for f in dataset["resources"][0]["schema"]["fields"]] \
        == ["tahun", "kecamatan", "persen"]
    expect(page.locator("body")).to_contain_text("IND-DINKES-010")

    page.goto(f"{live_portal}/indikator/edit/cakupan-imunisasi-dasar-lengkap")
    page.fill("#field-interpretation",
              "Semakin tinggi semakin baik; target 95 persen.")
    page.locator("button[name=save]").last.click()
    expect(page.locator("body")).to_contain_text("target 95 persen")
