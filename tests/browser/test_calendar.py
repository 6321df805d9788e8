"""The release calendar in the browser, in Indonesian: Walidata plans a
period and a release, the head of office schedules and postpones it, the
public reads the calendar, and the worker publishes the data on its own at
its time and not before."""
from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from playwright.sync_api import expect

import ckan.plugins as plugins
from ckan.tests import factories, helpers

from ckanext.magetan import workflow
from tests.browser import PASSWORD, log_in
from tests.conftest import indikator
from tests.sop import FORUM

pytestmark = pytest.mark.browser
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def walidata(module_db):
    plugins.load_all()
    sysadmin = factories.Sysadmin()
    for name in ("pengelola", "kepala", "staf", "kasi", "kabid", "kadin"):
        factories.User(name=name, password=PASSWORD)
    for role in ("staf", "kasi", "kabid", "kadin"):
        helpers.call_action("magetan_role_assign",
                            context={"user": sysadmin["name"]},
                            user=role, role=role)
    org = factories.Organization(name="dispertan", title="Dinas Pertanian",
                                 users=[
        {"name": "pengelola", "capacity": "editor"},
        {"name": "kepala", "capacity": "admin"}])
    dataset = indikator(org, name="produksi-padi", title="Produksi Padi",
                        private=True)
    for transition, who, params in (
            ("submit", "pengelola", {}), ("approve_opd", "kepala", {}),
            ("verify", "kasi", FORUM), ("approve", "kabid", {})):
        helpers.call_action("magetan_workflow_transition",
                            context={"user": who, "ignore_auth": False},
                            id=dataset["id"], transition=transition, **params)
    plugins.unload_all()
    return dataset


def _wib(moment: dt.datetime) -> str:
    return moment.astimezone(workflow.JAKARTA).strftime("%Y-%m-%dT%H:%M")


@pytest.fixture
def worker(tmp_path, live_portal):
    ini = tmp_path / "fast.ini"
    ini.write_text("[app:main]\n"
                   f"use = config:{ROOT / 'test.ini'}\n"
                   "ckanext.magetan.calendar.sweep_seconds = 5\n")
    process = subprocess.Popen(
        [str(Path(sys.executable).with_name("ckan")), "-c", str(ini),
         "magetan", "worker"],
        env=dict(os.environ, CKAN_SITE_URL=live_portal),
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    yield process
    process.terminate()
    process.wait(timeout=20)
    from rq.registry import ScheduledJobRegistry
    from ckan.lib.jobs import get_queue
    registry = ScheduledJobRegistry(queue=get_queue())
    for job_id in registry.get_job_ids():
        registry.remove(job_id, delete_job=True)


def test_plan_schedule_postpone_and_release(walidata, live_portal, page,
                                            worker, tmp_path):
    log_in(page, live_portal, "staf")
    page.goto(f"{live_portal}/release-calendar/kelola")
    expect(page.locator("h1")).to_contain_text("Rencanakan rilis")
    page.locator("summary", has_text="Tambah periode rilis").click()
    now = dt.datetime.now(dt.timezone.utc)
    page.fill("#period-title", "Rilis Triwulan Uji")
    page.fill("#period-name", "tw-uji")
    page.fill("#period-deadline", _wib(now + dt.timedelta(days=1)))
    page.fill("#period-release", _wib(now + dt.timedelta(days=2)))
    page.locator("button", has_text="Tambahkan periode").click()
    expect(page.locator(".flash-messages")).to_contain_text(
        "Periode rilis ditambahkan")
    page.fill("#entry-title", "Produksi Padi 2026")
    page.select_option("#entry-opd", label="Dinas Pertanian")
    page.select_option("#entry-period", label="Rilis Triwulan Uji")
    page.fill("#entry-covered", "2026")
    page.fill("#entry-package", "produksi-padi")
    page.select_option("#entry-status", "confirmed")
    page.locator("button", has_text="Masukkan ke kalender").click()
    expect(page.locator(".flash-messages")).to_contain_text(
        "Rilis sudah masuk kalender")

    # the head of office schedules it from the dataset's page, in a minute
    log_in(page, live_portal, "kadin")
    release = dt.datetime.now(dt.timezone.utc).replace(
        second=0, microsecond=0) + dt.timedelta(minutes=2)
    page.goto(f"{live_portal}/indikator/produksi-padi")
    step = page.locator("details[data-transition=schedule]")
    step.locator("summary").click()
    step.locator("[name=release_at]").fill(_wib(release))
    step.locator("button[type=submit]").click()
    expect(page.locator(".flash-messages")).to_contain_text("Selesai")

    page.goto(f"{live_portal}/release-calendar")
    item = page.locator(".magetan-release", has_text="Produksi Padi 2026")
    expect(item).to_contain_text("Terkonfirmasi")
    expect(item).to_contain_text(
        release.astimezone(workflow.JAKARTA).strftime("%H.%M"))
    item.locator("a").first.click()
    # postponed by a minute, with the reason the public reads
    later = release + dt.timedelta(minutes=1)
    page.locator("summary", has_text="Tunda rilis").click()
    page.fill("#postpone-at", _wib(later))
    page.fill("#postpone-reason", "Menunggu angka ubinan terakhir")
    page.locator("button", has_text="Tunda").last.click()
    expect(page.locator(".flash-messages")).to_contain_text("Rilis ditunda")
    expect(page.locator(".magetan-release-changes")).to_contain_text(
        "Menunggu angka ubinan terakhir")
    entry_url = page.url
    page.screenshot(path=str(tmp_path / "calendar-entry.png"), full_page=True)

    # the public: the calendar announces it, the data is not there yet
    page.context.clear_cookies()
    page.goto(f"{live_portal}/release-calendar")
    item = page.locator(".magetan-release", has_text="Produksi Padi 2026")
    expect(item).to_contain_text("Ditunda")
    expect(item.locator("a[href*='/indikator/']")).to_have_count(0)
    page.goto(f"{live_portal}/release-calendar?view=month&month="
              f"{later.astimezone(workflow.JAKARTA).strftime('%Y-%m')}")
    expect(page.locator(".magetan-calendar-month")).to_contain_text(
        "Produksi Padi 2026")
    page.set_viewport_size({"width": 360, "height": 800})
    page.screenshot(path=str(tmp_path / "calendar-phone.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})
    while dt.datetime.now(dt.timezone.utc) < later - dt.timedelta(seconds=5):
        response = page.goto(f"{live_portal}/indikator/produksi-padi")
        assert response.status in (403, 404), "public before its time"
        time.sleep(5)
    deadline = later + dt.timedelta(seconds=60)
    while True:
        response = page.goto(f"{live_portal}/indikator/produksi-padi")
        if response.status == 200:
            break
        assert dt.datetime.now(dt.timezone.utc) < deadline, \
            "not public a minute after its time"
        time.sleep(2)
    assert worker.poll() is None
    page.goto(entry_url)
    expect(page.locator(".badge.magetan-release-status")).to_contain_text(
        "Dirilis")
    expect(page.locator("a", has_text="Buka data")).to_be_visible()
