"""A Produsen Data uploads a table with a mistake, reads the validation
report, cannot submit, uploads the corrected file and submits."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

import ckan.plugins as plugins
from ckan.tests import factories

from tests.browser import PASSWORD, log_in
from tests.conftest import indikator

pytestmark = pytest.mark.browser
HEADER = "kode_kecamatan;kecamatan;tahun;jumlah_penduduk\n"
WRONG = HEADER + "35.20.01;Poncol;2024;33123\n35.20.02;Parang;2024;-46001\n"
RIGHT = HEADER + "35.20.01;Poncol;2024;33123\n35.20.02;Parang;2024;46001\n"


@pytest.fixture(scope="module")
def producer(module_db):
    plugins.load_all()
    user = factories.User(name="pengelola", password=PASSWORD)
    org = factories.Organization(
        name="dispendukcapil",
        users=[{"name": user["name"], "capacity": "editor"}])
    indikator(org, name="jumlah-penduduk", title="Jumlah Penduduk",
              private=True, reference_period="2024", unit="jiwa")
    plugins.unload_all()
    return user


def test_upload_read_the_report_fix_and_submit(producer, live_portal, page,
                                               tmp_path):
    log_in(page, live_portal, "pengelola")

    page.goto(f"{live_portal}/dataset/jumlah-penduduk/resource/new")
    wrong = tmp_path / "penduduk-2024.csv"
    wrong.write_text(WRONG)
    page.set_input_files("input[name=upload]", str(wrong))
    page.fill("#field-name", "Penduduk 2024")
    with page.expect_navigation(timeout=30_000):
        page.locator("button[name=save]").last.click()

    # the dataset page lists the table with its badge
    badge = page.locator(".resource-item .magetan-validation-badge")
    expect(badge).to_have_text("Tidak valid")
    badge.click()
    report = page.locator(".magetan-validation-report")
    expect(report).to_contain_text("Laporan validasi")
    row = report.locator("table.magetan-validation-errors tbody tr")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("Baris 3, kolom jumlah_penduduk")
    expect(row).to_contain_text("negatif")
    expect(report).to_contain_text("Pemisah")  # read with semicolons
    page.screenshot(path=str(tmp_path / "validation-report.png"),
                    full_page=True)

    # the version cannot be submitted while its table fails
    page.goto(f"{live_portal}/indikator/jumlah-penduduk")
    step = page.locator("details[data-transition=submit]")
    step.locator("summary").click()
    step.locator("button[type=submit]").click()
    expect(page.locator(".flash-messages")).to_contain_text(
        "tidak lolos validasi")

    # fix the file from the report page
    page.goto(f"{live_portal}/indikator/jumlah-penduduk")
    page.locator(".resource-item .magetan-validation-badge").click()
    page.get_by_text("Ganti berkas atau ubah cara membacanya").click()
    right = tmp_path / "penduduk-2024-perbaikan.csv"
    right.write_text(RIGHT)
    page.set_input_files("input[name=upload]", str(right))
    # saving reads and validates the file: allow a slow machine its time
    with page.expect_navigation(timeout=30_000):
        page.locator("form#resource-edit button[name=save]").last.click()
    expect(page.locator("#magetan-validation .magetan-validation-badge")
           ).to_have_text("Valid", timeout=15_000)

    page.goto(f"{live_portal}/indikator/jumlah-penduduk")
    step = page.locator("details[data-transition=submit]")
    step.locator("summary").click()
    step.locator("button[type=submit]").click()
    expect(page.locator(".flash-messages")).to_contain_text("Selesai")
