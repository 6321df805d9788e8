"""A person searches and filters datasets on /dataset in a real browser."""
from __future__ import annotations

import io

import openpyxl
import pytest
from playwright.sync_api import expect

import ckan.plugins as plugins
from ckan.plugins import toolkit as tk
from ckan.tests import factories

from tests.conftest import indikator

pytestmark = pytest.mark.browser


def xlsx() -> bytes:
    book = openpyxl.Workbook()
    book.active.append(["tahun", "produksi"])
    book.active.append([2024, 3100])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.fixture(scope="module")
def datasets(module_db, _table_server):
    plugins.load_all()
    # the linked tables are on this machine: let the validation fetch them
    key = "ckanext.magetan.validation.allow_private_urls"
    previous = tk.config.get(key)
    tk.config[key] = True
    try:
        dinkes = factories.Organization(name="dinkes", title="Dinas Kesehatan")
        dispertan = factories.Organization(name="dispertan",
                                           title="Dinas Pertanian")
        indikator(dispertan, name="produksi-padi", title="Produksi Padi",
                  tags=[{"name": "padi"}],
                  resources=[{"url": _table_server.add(
                      b"tahun,produksi\n2024,16200\n", "a.csv"),
                      "format": "CSV"}])
        indikator(dispertan, name="produksi-jagung", title="Produksi Jagung",
                  tags=[{"name": "jagung"}],
                  resources=[{"url": _table_server.add(
                      xlsx(), "b.xlsx", "application/vnd.openxmlformats-"
                      "officedocument.spreadsheetml.sheet"),
                              "format": "XLSX"}])
        indikator(dinkes, name="prevalensi-stunting",
                  title="Prevalensi Balita Stunting", tags=[{"name": "gizi"}])
        indikator(dinkes, name="rahasia", title="Produksi Rahasia",
                  private=True)
    finally:
        tk.config[key] = previous
    plugins.unload_all()


def result_titles(page) -> list[str]:
    return page.locator(".dataset-item .dataset-heading a").all_inner_texts()


def test_search_then_filter_by_facet(datasets, live_portal, page, tmp_path):
    page.goto(f"{live_portal}/dataset/")
    assert page.locator("html").get_attribute("lang") == "id"
    assert len(result_titles(page)) == 3

    page.fill("input#field-giant-search", "produksi")
    page.keyboard.press("Enter")
    expect(page.locator(".dataset-item")).to_have_count(2)
    assert sorted(result_titles(page)) == ["Produksi Jagung", "Produksi Padi"]

    page.locator("a", has_text="XLSX").first.click()
    expect(page.locator(".dataset-item")).to_have_count(1)
    assert result_titles(page) == ["Produksi Jagung"]
    assert "res_format=XLSX" in page.url
    page.screenshot(path=str(tmp_path / "dataset-search.png"), full_page=True)


def test_organization_page_lists_only_public(datasets, live_portal, page):
    page.goto(f"{live_portal}/organization/dispertan")
    assert sorted(result_titles(page)) == ["Produksi Jagung", "Produksi Padi"]
    page.goto(f"{live_portal}/organization/dinkes")
    assert result_titles(page) == ["Prevalensi Balita Stunting"]


def test_bad_query_shows_an_error_not_a_crash(datasets, live_portal, page):
    response = page.goto(f"{live_portal}/dataset/?q=title:(padi")
    assert response.status == 200
    # the error is shown (an empty result alone would also be "no crash")
    expect(page.locator("#search-error")).to_be_visible()
    assert result_titles(page) == []
    # and says, in Indonesian, what is wrong with the query
    reason = page.locator("#magetan-search-reason")
    expect(reason).to_be_visible()
    expect(reason).to_contain_text("Sintaks pencarian tidak valid")
    expect(page.locator("#search-error")).to_contain_text(
        "Terjadi galat saat mencari")
