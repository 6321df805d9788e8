"""The embargo: a scheduled version is seen by nobody outside the workflow
until its release time, then by everyone, on its own; releases missed
while the portal was down are caught up; each version is published once,
also with two workers (and two cron runs) at the same moment."""
from __future__ import annotations

import datetime as dt
import io
import subprocess
import sys
import time
from pathlib import Path

import pytest
import sqlalchemy as sa
from werkzeug.datastructures import FileStorage

from ckan import model
from ckan.plugins import toolkit as tk
from ckan.tests import helpers

from ckanext.magetan import calendar, workflow
from ckanext.magetan.workflow import tables as wm
from tests.magetan.calendar.conftest import in_hours, move_release
from tests.conftest import indikator
from tests.sop import act, walk_to

ROOT = Path(__file__).resolve().parents[3]
CKAN = Path(sys.executable).parent / "ckan"

pytestmark = pytest.mark.usefixtures("clean_queues", "no_ticks")


def _seen_by_the_public(dataset, app) -> dict[str, bool]:
    """Every channel an anonymous person has to a dataset."""
    def readable(action, **params):
        try:
            act(None, action, **params)
            return True
        except (tk.NotAuthorized, tk.ObjectNotFound):
            return False

    resource = dataset["resources"][0]
    found = {
        "package_show": readable("package_show", id=dataset["id"]),
        "resource_show": readable("resource_show", id=resource["id"]),
        "package_search": dataset["id"] in [
            d["id"] for d in act(None, "package_search",
                                 q=f"name:{dataset['name']}")["results"]],
        "dataset page": app.get(f"/indikator/{dataset['name']}",
                                status=None).status_code == 200,
        "download": app.get(
            f"/dataset/{dataset['id']}/resource/{resource['id']}/download/"
            "t.csv", status=None).status_code == 200,
        "calendar": dataset["id"] in repr(act(
            None, "magetan_release_calendar")),
    }
    for path in ("/release-calendar?view=past", "/release-calendar.ics",
                 "/release-calendar/releases.atom"):
        found[path] = f"/indikator/{dataset['name']}" in app.get(path).body
    found["/feeds/dataset.atom"] = dataset["name"] in app.get(
        "/feeds/dataset.atom").body
    return found


def test_nothing_before_the_release_time_everything_after(people, app):
    release = in_hours(1)
    dataset = indikator(people["org"], private=True)
    helpers.call_action(
        "resource_create", context={"user": people["pengelola"]["name"]},
        package_id=dataset["id"], name="Tabel",
        upload=FileStorage(io.BytesIO(b"a,b\n1,2\n"), filename="t.csv",
                           content_type="text/csv"))
    walk_to(people, dataset, "approved")
    act(people["kadin"], "magetan_workflow_transition", id=dataset["id"],
        transition="schedule", release_at=release.isoformat())
    dataset = act(people["sysadmin"], "package_show", id=dataset["id"])
    calendar.sweep(release - dt.timedelta(minutes=1))
    seen = _seen_by_the_public(dataset, app)
    assert not any(seen.values()), seen
    calendar.sweep(release)
    seen = _seen_by_the_public(dataset, app)
    assert all(seen.values()), seen


def _published_at(package_id: str) -> dt.datetime | None:
    model.Session.rollback()  # see what other processes committed
    return model.Session.execute(
        sa.select(wm.event.c.at).where(
            wm.event.c.package_id == package_id,
            wm.event.c.transition == "publish")).scalar()


def _publish_events(package_id: str) -> int:
    model.Session.rollback()
    return model.Session.execute(
        sa.select(sa.func.count()).select_from(wm.event).where(
            wm.event.c.package_id == package_id,
            wm.event.c.transition == "publish")).scalar_one()


@pytest.fixture
def fast_ini(tmp_path) -> Path:
    """test.ini with a tick every five seconds."""
    ini = tmp_path / "fast.ini"
    ini.write_text(
        "[app:main]\n"
        f"use = config:{ROOT / 'test.ini'}\n"
        "ckanext.magetan.calendar.sweep_seconds = 5\n")
    return ini


def test_two_workers_publish_on_time_once_and_catch_up(
        people, scheduled, fast_ini):
    missed = [scheduled(), scheduled()]
    for number, dataset in enumerate(missed):
        # due while the portal was down
        move_release(dataset["id"], in_hours(-5 - number))
    release = in_hours(50 / 3600)  # in 50 seconds
    on_time = scheduled(release)
    workers = [subprocess.Popen(
        [str(CKAN), "-c", str(fast_ini), "magetan", "worker"],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE) for _ in range(2)]
    try:
        deadline = time.monotonic() + 150
        while time.monotonic() < deadline:
            if all(_published_at(d["id"]) for d in (*missed, on_time)):
                break
            for worker in workers:
                assert worker.poll() is None, worker.stderr.read().decode()
            time.sleep(1)
    finally:
        for worker in workers:
            worker.terminate()
        for worker in workers:
            try:
                worker.wait(timeout=20)
            except subprocess.TimeoutExpired:
                worker.kill()
    for dataset in missed:
        assert _published_at(dataset["id"]) is not None, "not caught up"
    published = _published_at(on_time["id"])
    assert published is not None, "not published on time"
    assert release <= published < release + dt.timedelta(minutes=1)
    for dataset in (*missed, on_time):
        assert _publish_events(dataset["id"]) == 1
        assert workflow.state_of(dataset["id"]) == "published"
    assert {e["status"] for e in act(
        None, "magetan_release_calendar")["entries"]} == {"published"}


def test_two_cron_runs_at_once_publish_each_version_once(people, scheduled):
    due = [scheduled() for _ in range(4)]
    for dataset in due:
        move_release(dataset["id"], in_hours(-1))
    later = scheduled(in_hours(3))
    runs = [subprocess.Popen(
        [str(CKAN), "-c", str(ROOT / "test.ini"), "magetan", "publish-due"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE) for _ in range(2)]
    outputs = [run.communicate(timeout=180) for run in runs]
    for run, (out, err) in zip(runs, outputs):
        assert run.returncode == 0, err.decode()
    published = sum(out.decode().count("published ") for out, _err in outputs)
    assert published == len(due)
    for dataset in due:
        assert _publish_events(dataset["id"]) == 1
    assert workflow.state_of(later["id"]) == "scheduled"
    dry = subprocess.run(
        [str(CKAN), "-c", str(ROOT / "test.ini"), "magetan", "publish-due",
         "--dry-run"], capture_output=True, timeout=120, check=True)
    assert b"0 version(s) due" in dry.stdout
