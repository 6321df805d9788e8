"""Each step notifies whoever must act next, in the portal and by e-mail
from the background worker, through a real SMTP server; a failing SMTP
server never blocks or undoes a step."""
from __future__ import annotations

from typing import Any

import pytest

from ckan.plugins import toolkit as tk
from ckan.tests import factories

from tests.conftest import indikator, run_worker
from tests.mail import free_port, running_inbox
from tests.sop import FORUM, act, future, step

pytestmark = pytest.mark.usefixtures("clean_db", "clean_queues")


PORT = free_port()


@pytest.fixture
def inbox():
    with running_inbox(PORT) as handler:
        yield handler


@pytest.fixture
def people():
    sysadmin = factories.Sysadmin()
    found = {"sysadmin": sysadmin}
    for name in ("pengelola", "pimpinan", "kasi", "staf", "kabid", "kadin",
                 "follower"):
        found[name] = factories.User(email=f"{name}@magetan.test")
    for role in ("kasi", "staf", "kabid", "kadin"):
        act(sysadmin, "magetan_role_assign", user=found[role]["name"],
            role=role)
    found["org"] = factories.Organization(users=[
        {"name": found["pengelola"]["name"], "capacity": "editor"},
        {"name": found["pimpinan"]["name"], "capacity": "admin"}])
    return found


def notices(person) -> dict[str, Any]:
    return act(person, "magetan_notification_list")


@pytest.mark.ckan_config("smtp.server", f"127.0.0.1:{PORT}")
@pytest.mark.ckan_config("smtp.mail_from", "satudata@magetan.test")
def test_each_step_tells_whoever_acts_next(people, inbox):
    dataset = indikator(people["org"], private=True, title="Angka Stunting")
    step(people["pengelola"], dataset, "submit")
    assert notices(people["pimpinan"])["unread"] == 1
    assert notices(people["kasi"])["unread"] == 0
    assert notices(people["pengelola"])["unread"] == 0  # not the actor
    run_worker()
    assert [m["to"] for m in inbox.messages] == [["pimpinan@magetan.test"]]
    assert "Angka Stunting" in inbox.messages[0]["subject"]
    assert "/tugas-saya" in inbox.messages[0]["body"]
    # in the portal's language, though the worker serves no request
    assert inbox.messages[0]["body"].startswith("Yth. ")

    step(people["pimpinan"], dataset, "approve_opd")
    assert notices(people["kasi"])["unread"] == 1
    assert notices(people["staf"])["unread"] == 1
    step(people["kasi"], dataset, "reject", reason="Isi kolom 2024")
    returned = notices(people["pengelola"])
    assert returned["unread"] == 1
    assert "Isi kolom 2024" in returned["notifications"][0]["text"]
    act(people["pengelola"], "magetan_notification_mark_read")
    assert notices(people["pengelola"])["unread"] == 0

    for transition, who, params in (
            ("submit", "pengelola", {}), ("approve_opd", "pimpinan", {}),
            ("verify", "staf", FORUM), ("approve", "kabid", {}),
            ("schedule", "kadin", {"release_at": future()})):
        step(people[who], dataset, transition, **params)
    act(people["sysadmin"], "magetan_workflow_transition", id=dataset["id"],
        transition="publish")
    for who in ("pengelola", "pimpinan", "kasi", "staf", "kabid", "kadin"):
        texts = [n["text"] for n in notices(people[who])["notifications"]]
        assert any("dipublikasikan" in t or "published" in t
                   for t in texts), who
    inbox.messages.clear()
    run_worker()
    assert {m["to"][0] for m in inbox.messages} >= {
        f"{who}@magetan.test" for who in ("pengelola", "pimpinan", "kasi",
                                          "staf", "kabid", "kadin")}


@pytest.mark.ckan_config("smtp.server", f"127.0.0.1:{free_port()}")
def test_a_dead_smtp_server_does_not_undo_a_step(people):
    dataset = indikator(people["org"], private=True)
    shown = step(people["pengelola"], dataset, "submit")
    assert shown["state"] == "opd_review"
    run_worker()  # the job fails: nobody listens on that port
    assert act(people["sysadmin"], "magetan_workflow_show",
               id=dataset["id"])["state"] == "opd_review"
    assert notices(people["pimpinan"])["unread"] == 1


def test_followers_hear_of_a_publication(people):
    dataset = indikator(people["org"])
    revision = act(people["pengelola"], "magetan_workflow_revision_start",
                   id=dataset["id"], change_note="Tambah 2025")
    act(people["follower"], "follow_dataset", id=dataset["id"])
    for transition, who, params in (
            ("submit", "pengelola", {}), ("approve_opd", "pimpinan", {}),
            ("verify", "staf", FORUM), ("approve", "kabid", {}),
            ("schedule", "kadin", {"release_at": future()}),
            ("publish", "kadin", {})):
        step(people[who], revision, transition, **params)
    texts = [n["text"] for n in notices(people["follower"])["notifications"]]
    assert len(texts) == 1
    assert act(people["follower"], "magetan_notification_list")[
        "notifications"][0]["url"] == f"/indikator/{dataset['name']}"


def test_notifications_are_their_owners(people):
    with pytest.raises(tk.NotAuthorized):
        act(None, "magetan_notification_list")
    with pytest.raises(tk.ValidationError):
        act(people["kasi"], "magetan_notification_mark_read", ids="semua")
