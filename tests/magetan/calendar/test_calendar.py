"""The release calendar: entries follow the workflow, the head of office
postpones and cancels with reasons the public reads, the log of date
changes, release periods and their deadlines, and the feeds (parsed by a
real iCalendar parser and a feed parser)."""
from __future__ import annotations

import datetime as dt

import feedparser
import icalendar
import pytest

from ckan.plugins import toolkit as tk
from ckan.tests import factories

from ckanext.magetan import calendar, workflow
from tests.conftest import indikator
from tests.magetan.calendar.conftest import in_hours, move_release
from tests.sop import act, step, walk_to

pytestmark = pytest.mark.usefixtures("clean_queues")


def public_calendar(**params):
    return act(None, "magetan_release_calendar", **params)


def only_entry(**params):
    found = public_calendar(**params)
    assert found["count"] == 1, found
    return found["entries"][0]


def test_scheduling_announces_the_release_without_its_content(
        people, scheduled):
    release = in_hours(3).replace(microsecond=0)
    dataset = scheduled(release, title="Angka Partisipasi Sekolah",
                        notes="Isi rahasia sebelum rilis")
    entry = only_entry()
    assert entry["title"] == "Angka Partisipasi Sekolah"
    assert entry["status"] == "confirmed"
    assert entry["organization"]["id"] == people["org"]["id"]
    assert dt.datetime.fromisoformat(entry["planned_date"]) == release
    assert entry["planned_date"].endswith("+07:00")
    # nothing of the version itself: no link, no id, no description
    assert entry["dataset"] is None
    text = repr(entry)
    assert dataset["id"] not in text and dataset["name"] not in text
    assert "rahasia" not in text
    assert "package_id" not in entry and "user" not in entry["changes"][0]
    # Walidata sees who did it, and that a version is scheduled
    shown = act(people["staf"], "magetan_release_entry_show", id=entry["id"])
    assert shown["scheduled_version"] is True
    assert shown["changes"][0]["user"] == people["kadin"]["name"]


def test_publication_at_the_time_links_the_dataset(people, scheduled):
    release = in_hours(1)
    dataset = scheduled(release)
    assert calendar.publish_due(release - dt.timedelta(seconds=1)) == []
    assert workflow.state_of(dataset["id"]) == "scheduled"
    done = calendar.publish_due(release)
    assert [d["published"] for d in done] == [dataset["id"]]
    entry = only_entry(status="published")
    assert entry["dataset"]["name"] == dataset["name"]
    assert entry["released_at"] is not None
    shown = act(None, "package_show", id=dataset["id"])
    assert shown["workflow_state"] == "published"
    history = act(people["sysadmin"], "magetan_workflow_show",
                  id=dataset["id"])["history"]
    assert history[-1]["transition"] == "publish"
    assert history[-1]["role"] == "system"
    # a second tick finds nothing to do
    assert calendar.publish_due(release + dt.timedelta(hours=1)) == []


def test_postponing_moves_the_embargo_and_logs_the_previous_date(
        people, scheduled):
    first = in_hours(2).replace(microsecond=0)
    dataset = scheduled(first)
    entry = only_entry()
    later = first + dt.timedelta(days=3)
    with pytest.raises(tk.NotAuthorized):
        act(people["kabid"], "magetan_release_entry_postpone",
            id=entry["id"], planned_at=later.isoformat(), reason="x")
    with pytest.raises(tk.ValidationError) as error:
        act(people["kadin"], "magetan_release_entry_postpone",
            id=entry["id"], planned_at=later.isoformat())
    assert "reason" in error.value.error_dict
    with pytest.raises(tk.ValidationError) as error:
        act(people["kadin"], "magetan_release_entry_postpone",
            id=entry["id"], planned_at=(first - dt.timedelta(minutes=30))
            .isoformat(), reason="Lebih awal")
    assert "release_at" in error.value.error_dict
    act(people["kadin"], "magetan_release_entry_postpone", id=entry["id"],
        planned_at=later.isoformat(),
        reason="Data kecamatan Poncol diperbaiki")
    moved = only_entry()
    assert moved["status"] == "postponed"
    assert moved["notice"] == "Data kecamatan Poncol diperbaiki"
    assert dt.datetime.fromisoformat(moved["planned_date"]) == later
    assert moved["sequence"] > entry["sequence"]
    assert moved["date_changed"] is True
    change = moved["changes"][-1]
    assert change["kind"] == "postponed"
    assert dt.datetime.fromisoformat(change["previous_date"]) == first
    assert change["reason"] == "Data kecamatan Poncol diperbaiki"
    # the embargo moved with it: not published at the first time
    assert calendar.publish_due(first + dt.timedelta(minutes=1)) == []
    assert workflow.row(dataset["id"])["release_at"] == later
    # the audit trail has the step
    history = act(people["kadin"], "magetan_workflow_show",
                  id=dataset["id"])["history"]
    assert history[-1]["transition"] == "postpone"
    assert history[-1]["reason"] == "Data kecamatan Poncol diperbaiki"


def test_cancelling_needs_a_notice_and_keeps_the_version_unpublished(
        people, scheduled):
    dataset = scheduled()
    entry = only_entry()
    with pytest.raises(tk.ValidationError) as error:
        act(people["kadin"], "magetan_release_entry_cancel", id=entry["id"])
    assert "notice" in error.value.error_dict
    act(people["kadin"], "magetan_release_entry_cancel", id=entry["id"],
        notice="Survei dihentikan tahun ini")
    cancelled = only_entry()
    assert cancelled["status"] == "cancelled"
    assert cancelled["notice"] == "Survei dihentikan tahun ini"
    assert workflow.state_of(dataset["id"]) == "approved"
    assert workflow.row(dataset["id"])["release_at"] is None
    assert calendar.publish_due(in_hours(24 * 30)) == []
    with pytest.raises((tk.NotAuthorized, tk.ObjectNotFound)):
        act(None, "package_show", id=dataset["id"])
    # scheduled again, it is a new release; the cancelled one stays
    step(people["kadin"], dataset, "schedule",
         release_at=in_hours(5).isoformat())
    found = public_calendar()
    assert sorted(e["status"] for e in found["entries"]) == [
        "cancelled", "confirmed"]


def test_publish_now_from_the_calendar(people, scheduled):
    dataset = scheduled()
    entry = only_entry()
    with pytest.raises(tk.NotAuthorized):
        act(people["staf"], "magetan_release_entry_publish", id=entry["id"])
    act(people["kadin"], "magetan_release_entry_publish", id=entry["id"])
    assert workflow.state_of(dataset["id"]) == "published"
    assert only_entry()["status"] == "published"
    with pytest.raises(tk.ValidationError):
        act(people["kadin"], "magetan_release_entry_publish", id=entry["id"])


def test_walidata_plans_before_the_data_exists(people):
    sector = factories.Group(name="kesehatan", title="Kesehatan")
    with pytest.raises(tk.NotAuthorized):
        act(people["pengelola"], "magetan_release_entry_create",
            title="Rencana")
    with pytest.raises(tk.NotAuthorized):
        act(None, "magetan_release_entry_create", title="Rencana")
    planned = act(people["staf"], "magetan_release_entry_create",
                  title="Jumlah Puskesmas 2026", owner_org=people["org"]["name"],
                  sector="kesehatan", period_covered="2026",
                  planned_month="2027-03")
    assert planned["status"] == "provisional"
    assert planned["planned_month"] == "2027-03"
    assert planned["planned_text"] == "Maret 2027"
    assert planned["sector"]["id"] == sector["id"]
    # confirming needs a time; a confirmed date changes only with a reason
    with pytest.raises(tk.ValidationError) as error:
        act(people["staf"], "magetan_release_entry_update", id=planned["id"],
            status="confirmed")
    assert "planned_at" in error.value.error_dict
    when = in_hours(24 * 100).replace(microsecond=0)
    confirmed = act(people["staf"], "magetan_release_entry_update",
                    id=planned["id"], status="confirmed",
                    planned_at=when.isoformat())
    assert confirmed["status"] == "confirmed"
    assert confirmed["changes"][-1]["kind"] == "confirmed"
    assert confirmed["changes"][-1]["previous_month"] == "2027-03"
    with pytest.raises(tk.ValidationError) as error:
        act(people["staf"], "magetan_release_entry_update", id=planned["id"],
            planned_at=(when + dt.timedelta(days=1)).isoformat())
    assert "reason" in error.value.error_dict
    moved = act(people["staf"], "magetan_release_entry_update",
                id=planned["id"],
                planned_at=(when + dt.timedelta(days=1)).isoformat(),
                reason="Bertepatan dengan hari libur")
    assert moved["changes"][-1]["kind"] == "moved"
    assert moved["changes"][-1]["reason"] == "Bertepatan dengan hari libur"
    # filters
    assert only_entry(sector="kesehatan")["id"] == planned["id"]
    assert only_entry(owner_org=people["org"]["name"])["id"] == planned["id"]
    assert only_entry(q="puskesmas")["id"] == planned["id"]
    assert public_calendar(q="stunting")["count"] == 0
    assert public_calendar(status="cancelled")["count"] == 0
    assert public_calendar(upcoming=False)["count"] == 0


def test_bad_input_is_a_clear_error(people):
    for params in ({"start": "2027-13-01"}, {"status": "rahasia"},
                   {"limit": "-1"}, {"limit": 10 ** 30}, {"owner_org": ["a"]},
                   {"q": "a\x00b"}, {"upcoming": "maybe"}):
        with pytest.raises(tk.ValidationError):
            public_calendar(**params)
    with pytest.raises(tk.ValidationError):
        public_calendar(owner_org="tidak-ada")
    with pytest.raises(tk.ObjectNotFound):
        act(None, "magetan_release_entry_show", id="tidak-ada")
    for params in ({"title": ""}, {"title": "x" * 600},
                   {"title": "a", "planned_month": "2027-00"},
                   {"title": "a", "planned_at": "9999-12-31T23:59"},
                   {"title": "a", "planned_at": "2001-01-01T09:00"},
                   {"title": "a", "package": "tidak-ada"},
                   {"title": "a", "period": "tidak-ada"}):
        with pytest.raises(tk.ValidationError):
            act(people["staf"], "magetan_release_entry_create", **params)


def test_dataset_filter_tells_nothing_of_hidden_datasets(people, scheduled):
    dataset = scheduled()
    with pytest.raises(tk.ObjectNotFound):
        public_calendar(dataset=dataset["id"])
    assert act(people["pengelola"], "magetan_release_calendar",
               dataset=dataset["id"])["count"] == 1


def _period(people, name, deadline, release):
    return act(people["staf"], "magetan_release_period_create", name=name,
               title=f"Rilis {name}", kind="quarterly",
               deadline_at=deadline.isoformat(),
               release_at=release.isoformat())


def test_a_release_whose_data_is_late_moves_to_the_next_period(people):
    first = _period(people, "tw1", in_hours(10), in_hours(20))
    second = _period(people, "tw2", in_hours(100), in_hours(200))
    late = indikator(people["org"], private=True, title="Data terlambat")
    on_time = indikator(people["org"], private=True, title="Data tepat")
    extended = indikator(people["org"], private=True, title="Diperpanjang")
    entries = {}
    for dataset in (late, on_time, extended):
        entries[dataset["title"]] = act(
            people["staf"], "magetan_release_entry_create",
            title=dataset["title"], period="tw1", package=dataset["name"],
            status="confirmed")
    assert entries["Data tepat"]["planned_date"] == first["release_at"]
    walk_to(people, on_time, "submitted")
    with pytest.raises(tk.NotAuthorized):
        act(people["staf"], "magetan_release_entry_extend",
            id=entries["Diperpanjang"]["id"],
            until=in_hours(15).isoformat(), reason="x")
    act(people["kasi"], "magetan_release_entry_extend",
        id=entries["Diperpanjang"]["id"], until=in_hours(15).isoformat(),
        reason="Petugas lapangan sakit")
    moved = calendar.move_missed(in_hours(11))
    assert [m["id"] for m in moved] == [entries["Data terlambat"]["id"]]
    shown = act(None, "magetan_release_entry_show",
                id=entries["Data terlambat"]["id"])
    assert shown["status"] == "postponed"
    assert shown["release_period"]["name"] == "tw2"
    assert shown["planned_date"] == second["release_at"]
    assert "Rilis tw1" in shown["notice"] and "Rilis tw2" in shown["notice"]
    assert shown["changes"][-1]["kind"] == "auto_moved"
    assert shown["changes"][-1]["previous_date"] == first["release_at"]
    # the extension holds until it runs out
    assert calendar.move_missed(in_hours(12)) == []
    moved = calendar.move_missed(in_hours(16))
    assert [m["id"] for m in moved] == [entries["Diperpanjang"]["id"]]
    assert act(None, "magetan_release_entry_show",
               id=entries["Data tepat"]["id"])["status"] == "confirmed"
    # nothing moves twice
    assert calendar.move_missed(in_hours(17)) == []


def test_period_deadline_must_come_first(people):
    with pytest.raises(tk.ValidationError) as error:
        _period(people, "salah", in_hours(30), in_hours(20))
    assert "deadline_at" in error.value.error_dict
    _period(people, "benar", in_hours(10), in_hours(20))
    with pytest.raises(tk.ValidationError):
        _period(people, "benar", in_hours(10), in_hours(20))
    assert [p["name"] for p in act(
        None, "magetan_release_period_list")] == ["benar"]


def test_ical_feed_is_valid_and_updates_moved_events(people, scheduled, app):
    dataset = scheduled(in_hours(2), title="Produksi Padi")
    act(people["staf"], "magetan_release_entry_create", title="Bulanan",
        planned_month="2027-05")
    act(people["staf"], "magetan_release_entry_create", title="Belum ada "
        "tanggal")

    def events():
        response = app.get("/release-calendar.ics")
        assert response.headers["Content-Type"].startswith("text/calendar")
        parsed = icalendar.Calendar.from_ical(response.data)
        assert parsed["VERSION"] == "2.0" and parsed["PRODID"]
        return {str(e["SUMMARY"]): e for e in parsed.walk("VEVENT")}

    before = events()
    assert set(before) == {"Produksi Padi", "[Provisional] Bulanan"} or \
        set(before) == {"Produksi Padi", "[Direncanakan] Bulanan"}
    padi = before["Produksi Padi"]
    assert padi["STATUS"] == "CONFIRMED"
    assert dataset["name"] not in padi.to_ical().decode()
    for event in before.values():
        assert event["UID"] and event["DTSTAMP"]
    entry = only_entry(q="padi")
    act(people["kadin"], "magetan_release_entry_postpone", id=entry["id"],
        planned_at=in_hours(30).isoformat(), reason="Menunggu BPS")
    after = {key.replace("[Ditunda] ", "").replace("[Postponed] ", ""): e
             for key, e in events().items()}
    moved = after["Produksi Padi"]
    assert moved["UID"] == padi["UID"]
    assert int(moved["SEQUENCE"]) > int(padi["SEQUENCE"])
    assert moved.decoded("DTSTART") > padi.decoded("DTSTART")
    act(people["kadin"], "magetan_release_entry_cancel", id=entry["id"],
        notice="Dibatalkan")
    cancelled = {key.split("] ")[-1]: e for key, e in events().items()}
    assert cancelled["Produksi Padi"]["STATUS"] == "CANCELLED"
    assert cancelled["Produksi Padi"]["UID"] == padi["UID"]


def test_atom_feed_lists_releases(people, scheduled, app):
    release = in_hours(1)
    dataset = scheduled(release, title="Jumlah Penduduk")
    scheduled(in_hours(5), title="Belum rilis")
    calendar.publish_due(release)
    response = app.get("/release-calendar/releases.atom")
    assert "atom" in response.headers["Content-Type"]
    feed = feedparser.parse(response.data)
    assert not feed.bozo, feed.bozo_exception
    assert [e.title for e in feed.entries] == ["Jumlah Penduduk"]
    assert feed.entries[0].link.endswith(f"/indikator/{dataset['name']}")


def test_calendar_pages(people, scheduled, app):
    scheduled(in_hours(3), title="Indeks Pembangunan Manusia")
    body = app.get("/release-calendar").body
    assert "Indeks Pembangunan Manusia" in body
    assert "Kalender Rilis" in body
    month = in_hours(3).astimezone(workflow.JAKARTA).strftime("%Y-%m")
    body = app.get(f"/release-calendar?view=month&month={month}").body
    assert "Indeks Pembangunan Manusia" in body
    body = app.get("/release-calendar?view=past").body
    assert "Indeks Pembangunan Manusia" not in body
    entry = only_entry()
    body = app.get(f"/release-calendar/{entry['id']}").body
    assert "Terkonfirmasi" in body
    for bad in ("/release-calendar?view=month&month=99999-99",
                "/release-calendar?page=abc", "/release-calendar?limit=x",
                "/release-calendar?start=2027-99-99&view=x"):
        assert app.get(bad, status=None).status_code == 200, bad
    assert app.get("/release-calendar/tidak-ada", status=404)
    assert app.get("/release-calendar/kelola", status=None,
                   follow_redirects=False).status_code == 302  # log in


def test_the_clock_never_publishes_a_release_postponed_meanwhile(
        people, scheduled):
    dataset = scheduled(in_hours(1))
    move_release(dataset["id"], in_hours(-1))
    due = calendar.due_versions()
    assert due == [dataset["id"]]
    entry = only_entry()
    act(people["kadin"], "magetan_release_entry_postpone", id=entry["id"],
        planned_at=in_hours(5).isoformat(), reason="Ditunda")
    assert calendar.publish_one(dataset["id"]) == {
        "id": dataset["id"], "skipped": "postponed"}
    assert workflow.state_of(dataset["id"]) == "scheduled"


def test_the_schedule_note_stays_internal(people, scheduled):
    dataset = indikator(people["org"], private=True)
    walk_to(people, dataset, "approved")
    step(people["kadin"], dataset, "schedule",
         release_at=in_hours(4).isoformat(), reason="Catatan internal KaDin")
    entry = only_entry()
    assert "Catatan internal" not in repr(entry)
    act(people["staf"], "magetan_release_entry_create", title="Lain",
        package=dataset["name"], planned_month="2027-06")
    step(people["kadin"], dataset, "postpone",
         release_at=in_hours(8).isoformat(), reason="Alasan publik")
    assert "Catatan internal" not in repr(public_calendar())


def test_hostile_input_to_the_calendar(people, app):
    with pytest.raises(tk.ValidationError):
        public_calendar(end="9999-12-31")
    with pytest.raises(tk.ValidationError):
        public_calendar(start="0001-01-01")
    for title in ("   ", "a\x0bb", "dua\nbaris"):
        with pytest.raises(tk.ValidationError):
            act(people["staf"], "magetan_release_entry_create", title=title)
    entry = act(people["staf"], "magetan_release_entry_create", title="Ada")
    with pytest.raises(tk.ValidationError):
        act(people["staf"], "magetan_release_entry_update", id=entry["id"],
            title="")
    period = _period(people, "p1", in_hours(10), in_hours(20))
    for params in ({"release_at": ""}, {"deadline_at": ""}, {"kind": ""},
                   {"deadline_at": in_hours(-1).isoformat()}):
        with pytest.raises(tk.ValidationError):
            act(people["kasi"], "magetan_release_period_update",
                id=period["id"], **params)
    with pytest.raises(tk.NotAuthorized):
        act(people["staf"], "magetan_release_period_update", id=period["id"],
            title="Baru")
    response = app.post("/release-calendar/subscribe", data={
        "email": "a@b.magetan.test", "follow": "opd:x",
        "came_from": "/release-calendar\r\nSet-Cookie: x=1"},
        follow_redirects=False)
    assert response.status_code == 302
    assert "Set-Cookie: x" not in str(response.headers)
    for path in ("/release-calendar?view=month&month=2027-13",
                 "/release-calendar.ics?owner_org=tidak-ada",
                 "/release-calendar/releases.atom?sector=%5B%5D"):
        assert app.get(path, status=None).status_code in (200, 400), path


def test_feeds_survive_control_characters_in_dataset_titles(
        people, scheduled, app):
    release = in_hours(1)
    scheduled(release, title="Produksi\x0b Padi\x1f")
    calendar.publish_due(release)
    feed = feedparser.parse(app.get("/release-calendar/releases.atom").data)
    assert not feed.bozo and feed.entries[0].title == "Produksi Padi"
    parsed = icalendar.Calendar.from_ical(
        app.get("/release-calendar.ics").data)
    assert [str(e["SUMMARY"]) for e in parsed.walk("VEVENT")] == [
        "Produksi Padi"]


def test_more_time_is_later_and_moves_go_to_the_same_kind(people):
    first = _period(people, "q1", in_hours(10), in_hours(20))
    act(people["staf"], "magetan_release_period_create", name="buku",
        title="Buku", kind="annual", deadline_at=in_hours(30).isoformat(),
        release_at=in_hours(40).isoformat())
    second = _period(people, "q2", in_hours(50), in_hours(60))
    dataset = indikator(people["org"], private=True)
    entry = act(people["staf"], "magetan_release_entry_create", title="T",
                period="q1", package=dataset["name"])
    with pytest.raises(tk.ValidationError) as error:
        act(people["kasi"], "magetan_release_entry_extend", id=entry["id"],
            until=in_hours(5).isoformat(), reason="Lebih pendek")
    assert "until" in error.value.error_dict
    calendar.move_missed(in_hours(11))
    moved = act(None, "magetan_release_entry_show", id=entry["id"])
    assert moved["release_period"]["name"] == "q2"
    assert moved["planned_date"] == second["release_at"]
    assert first["name"] in moved["changes"][-1]["reason"] or \
        "Rilis q1" in moved["changes"][-1]["reason"]
