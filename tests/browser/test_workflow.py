"""A dataset walks the SOP through the UI, in Indonesian, with every role;
the public sees it only at the end."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

import ckan.plugins as plugins
from ckan.tests import factories, helpers

from tests.conftest import indikator

pytestmark = pytest.mark.browser
PASSWORD = "Rahasia-Magetan-2026"
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


def log_in(page, portal: str, name: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{portal}/user/login")
    page.fill("#field-login", name)
    page.fill("#field-password", PASSWORD)
    page.press("#field-password", "Enter")
    page.wait_for_url("**/dashboard/**")


def take(page, portal: str, transition: str, **fields: str) -> None:
    page.goto(f"{portal}/indikator/angka-stunting")
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
    take(page, live_portal, "reject", reason="Lengkapi data 2024")
    log_in(page, live_portal, "pengelola")
    page.goto(f"{live_portal}/indikator/angka-stunting")
    expect(page.locator(".magetan-workflow-history")).to_contain_text(
        "Lengkapi data 2024")
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
