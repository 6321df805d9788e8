"""A dataset walks the SOP through the UI, in Indonesian, with every role;
the public sees it only at the end."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

import ckan.plugins as plugins
from ckan.tests import factories, helpers

from tests.browser import PASSWORD, log_in
from tests.conftest import indikator

pytestmark = pytest.mark.browser
ROLES = ("kasi", "kabid", "kadin")


@pytest.fixture(scope="module")
def sop(module_db):
    plugins.load_all()
    sysadmin = factories.Sysadmin()
    users = {name: factories.User(name=name, password=PASSWORD)
             for name in ("pengelola", "kepala", *ROLES)}
    for role in ROLES:
        helpers.call_action("magetan_role_assign",
                            context={"user": sysadmin["name"]},
                            user=role, role=role)
    org = factories.Organization(name="dinkes", users=[
        {"name": "pengelola", "capacity": "editor"},
        {"name": "kepala", "capacity": "admin"}])
    indikator(org, name="angka-stunting", title="Angka Stunting",
              private=True)
    plugins.unload_all()
    return users


def take(page, portal: str, transition: str, dataset: str = "angka-stunting",
         **fields: str) -> None:
    page.goto(f"{portal}/indikator/{dataset}")
    step = page.locator(f"details[data-transition={transition}]")
    step.locator("summary").click()
    for name, value in fields.items():
        step.locator(f"[name={name}]").fill(value)
    step.locator("button[type=submit]").click()
    expect(page.locator(".flash-messages")).to_contain_text(
        "Selesai")


def test_walk_the_sop_in_the_browser(sop, live_portal, page, tmp_path):
    log_in(page, live_portal, "pengelola")
    page.goto(f"{live_portal}/tugas-saya")
    expect(page.locator("main, #content")).to_contain_text("Angka Stunting")
    take(page, live_portal, "submit")
    expect(page.locator(".magetan-workflow-state")).to_contain_text(
        "Menunggu persetujuan pimpinan OPD")

    log_in(page, live_portal, "kepala")
    # the head's task list and notification name it
    page.goto(f"{live_portal}/notifikasi")
    expect(page.locator("main, #content")).to_contain_text("Angka Stunting")
    # a comment on one field, then the version goes back to the OPD
    page.goto(f"{live_portal}/indikator/angka-stunting")
    review = page.locator(".magetan-review-new")
    review.locator("summary").click()
    review.locator("select[name=target]").select_option("field:unit")
    review.locator("#review-verdict-tidak_sesuai").check()
    review.locator("[name=feedback]").fill("Satuan harus persen")
    review.locator("button[type=submit]").click()
    expect(page.locator(".magetan-review-comments")).to_contain_text(
        "Tidak sesuai")
    take(page, live_portal, "reject", reason="Lengkapi data 2024")
    log_in(page, live_portal, "pengelola")
    page.goto(f"{live_portal}/indikator/angka-stunting")
    expect(page.locator(".magetan-workflow-history")).to_contain_text(
        "Lengkapi data 2024")
    expect(page.locator(".magetan-review-comments")).to_contain_text(
        "Satuan harus persen")
    # submitting before answering the comment is refused, in Indonesian
    page.locator("details[data-transition=submit] summary").click()
    page.locator("details[data-transition=submit] button[type=submit]").click()
    expect(page.locator(".flash-messages")).to_contain_text("komentar")
    page.locator(".magetan-review-comments textarea[name=response]").fill(
        "Satuan diganti persen")
    page.locator(".magetan-review-comments button[type=submit]").click()
    expect(page.locator(".magetan-review-response")).to_contain_text(
        "Satuan diganti persen")
    take(page, live_portal, "submit")

    log_in(page, live_portal, "kepala")
    take(page, live_portal, "approve_opd")
    log_in(page, live_portal, "kasi")
    take(page, live_portal, "verify", forum_date="2026-11-30",
         forum_minutes_number="BA-07/2026", forum_notes="Sesuai")
    log_in(page, live_portal, "kabid")
    take(page, live_portal, "approve")
    log_in(page, live_portal, "kadin")
    take(page, live_portal, "schedule", release_at="2030-01-05T09:00")
    expect(page.locator(".magetan-workflow")).to_contain_text("2030-01-05 09:00")
    page.screenshot(path=str(tmp_path / "workflow-scheduled.png"),
                    full_page=True)

    # still hidden from the public
    page.context.clear_cookies()
    assert page.goto(f"{live_portal}/indikator/angka-stunting").status in (
        403, 404)

    log_in(page, live_portal, "kadin")
    take(page, live_portal, "publish")
    page.context.clear_cookies()
    assert page.goto(f"{live_portal}/indikator/angka-stunting").status == 200
    expect(page.locator(".magetan-workflow-state")).to_contain_text(
        "Dipublikasikan")


def test_a_revision_walks_the_sop_while_the_public_keeps_the_old(
        sop, live_portal, page):
    """Continues the walk above: it revises the indicator that test
    published (the module's data is shared)."""
    log_in(page, live_portal, "pengelola")
    page.goto(f"{live_portal}/indikator/angka-stunting")
    start = page.locator("details[data-transition=start_revision]")
    start.locator("summary").click()
    start.locator("[name=change_note]").fill("Menambah data 2025")
    start.locator("button[type=submit]").click()
    page.wait_for_url("**/indikator/angka-stunting-revisi-1")
    expect(page.locator(".magetan-workflow")).to_contain_text("revisi ke-1")

    # the OPD edits the revision through CKAN's form
    page.goto(f"{live_portal}/indikator/edit/angka-stunting-revisi-1")
    page.fill("#field-notes", "Data 2020-2025, diperbarui")
    page.locator("button[name=save]").click()
    page.wait_for_url("**/indikator/angka-stunting-revisi-1")

    revision = "angka-stunting-revisi-1"
    take(page, live_portal, "submit", dataset=revision)
    log_in(page, live_portal, "kepala")
    take(page, live_portal, "approve_opd", dataset=revision)
    log_in(page, live_portal, "kasi")
    take(page, live_portal, "verify", dataset=revision,
         forum_date="2026-11-30", forum_minutes_number="BA-08/2026")
    log_in(page, live_portal, "kabid")
    take(page, live_portal, "approve", dataset=revision)
    log_in(page, live_portal, "kadin")
    take(page, live_portal, "schedule", dataset=revision,
         release_at="2030-02-01T09:00")

    # the public still reads the first version
    page.context.clear_cookies()
    page.goto(f"{live_portal}/indikator/angka-stunting")
    expect(page.locator("#content")).not_to_contain_text("diperbarui")
    assert page.goto(f"{live_portal}/indikator/{revision}").status in (
        403, 404)

    log_in(page, live_portal, "kadin")
    take(page, live_portal, "publish", dataset=revision)
    page.wait_for_url("**/indikator/angka-stunting")
    page.context.clear_cookies()
    page.goto(f"{live_portal}/indikator/angka-stunting")
    expect(page.locator("#content")).to_contain_text("diperbarui")
    versions = page.locator(".magetan-workflow-versions")
    expect(versions).to_contain_text("Versi 2")
    expect(versions).to_contain_text("Menambah data 2025")
