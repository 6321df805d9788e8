"""Subscriptions end to end, through a real SMTP server: the address is
confirmed by its link, a release sends one e-mail per address with an
unsubscribe link, and after unsubscribing nothing more comes."""
from __future__ import annotations

import re

import pytest

from ckan.plugins import toolkit as tk
from ckan.tests import factories

from ckanext.magetan import calendar
from tests.conftest import indikator, run_worker
from tests.magetan.calendar.conftest import in_hours
from tests.mail import free_port, running_inbox
from tests.sop import act

PORT = free_port()

pytestmark = [pytest.mark.usefixtures("clean_queues"),
              pytest.mark.ckan_config("smtp.server", f"127.0.0.1:{PORT}"),
              pytest.mark.ckan_config("smtp.mail_from",
                                      "satudata@magetan.test")]


@pytest.fixture
def inbox():
    with running_inbox(PORT) as handler:
        yield handler


def _to(inbox, address):
    return [m for m in inbox.messages if address in m["to"]]


def _link(message, kind):
    pattern = r"https?://\S+/release-calendar/subscription/[\w-]+"
    if kind == "unsubscribe":
        pattern += "/unsubscribe"
    found = re.findall(pattern, message["body"])
    assert found, message["body"]
    return found[-1] if kind == "unsubscribe" else found[0]


def _path(url):
    return "/" + url.split("/", 3)[3]


def test_subscribe_confirm_receive_unsubscribe(people, scheduled, inbox,
                                               app):
    sector = factories.Group(name="pendidikan", title="Pendidikan")
    org = people["org"]
    address = "warga@contoh.magetan.test"
    # the same address follows the OPD and the sector: one e-mail a release
    for kind, target in (("opd", org["name"]), ("sector", "pendidikan")):
        response = app.post("/release-calendar/subscribe", data={
            "email": address, "follow": f"{kind}:{target}",
            "came_from": "/release-calendar"})
        assert response.status_code == 200
    # a second request does not send another confirmation at once
    act(None, "magetan_release_subscribe", email=address, target_kind="opd",
        target=org["name"])
    run_worker()
    confirmations = _to(inbox, address)
    assert len(confirmations) == 2
    assert "List-Unsubscribe" in confirmations[0]["headers"]
    # a link opened by a mail scanner (GET) confirms nothing
    first = _path(_link(confirmations[0], "confirm"))
    assert "Konfirmasi" in app.get(first).body
    dataset = scheduled(in_hours(1), title="Angka Melek Huruf",
                        groups=[{"name": "pendidikan"}])
    calendar.publish_due(in_hours(1))
    run_worker()
    assert [m for m in _to(inbox, address)
            if "Angka Melek Huruf" in m["subject"]] == []
    # the person confirms both
    for message in confirmations:
        app.post(_path(_link(message, "confirm")))
    second = scheduled(in_hours(2), title="Rasio Guru Murid",
                       groups=[{"name": "pendidikan"}])
    calendar.publish_due(in_hours(2))
    run_worker()
    released = [m for m in _to(inbox, address)
                if "Rasio Guru Murid" in m["subject"]]
    assert len(released) == 1
    assert f"/indikator/{second['name']}" in released[0]["body"]
    assert "List-Unsubscribe" in released[0]["headers"]
    # unsubscribing from the link ends both subscriptions' mails for the
    # one whose link it is; the other still sends
    app.post(_path(_link(released[0], "unsubscribe")))
    third = scheduled(in_hours(3), title="Jumlah Sekolah",
                      groups=[{"name": "pendidikan"}])
    calendar.publish_due(in_hours(3))
    run_worker()
    assert len([m for m in _to(inbox, address)
                if "Jumlah Sekolah" in m["subject"]]) == 1
    # running the worker again sends nothing twice
    run_worker()
    last = [m for m in _to(inbox, address) if "Jumlah Sekolah" in m["subject"]]
    assert len(last) == 1
    assert last[0]["headers"]["List-Unsubscribe-Post"] == \
        "List-Unsubscribe=One-Click"
    # a mail client's one-click unsubscribe ends every subscription
    app.post(_path(_link(last[0], "unsubscribe")),
             data={"List-Unsubscribe": "One-Click"})
    scheduled(in_hours(4), title="Angka Putus Sekolah",
              groups=[{"name": "pendidikan"}])
    calendar.publish_due(in_hours(4))
    run_worker()
    assert [m for m in _to(inbox, address)
            if "Angka Putus Sekolah" in m["subject"]] == []
    assert dataset and third and sector


def test_subscriptions_refuse_what_the_public_cannot_see(people):
    hidden = indikator(people["org"], private=True)
    with pytest.raises(tk.ObjectNotFound):
        act(None, "magetan_release_subscribe", email="a@b.magetan.test",
            target_kind="indicator", target=hidden["id"])
    for email in ("bukan-alamat", "a@b", "a b@c.id", "x" * 300 + "@a.id",
                  "a@b.id\nBcc: c@d.id"):
        with pytest.raises(tk.ValidationError):
            act(None, "magetan_release_subscribe", email=email,
                target_kind="opd", target=people["org"]["name"])
    with pytest.raises(tk.ValidationError):
        act(None, "magetan_release_subscribe", email="a@b.magetan.test",
            target_kind="semua", target="x")
    with pytest.raises(tk.ObjectNotFound):
        act(None, "magetan_release_subscription_confirm", token="palsu")
    with pytest.raises(tk.ObjectNotFound):
        act(None, "magetan_release_unsubscribe", token="x" * 1000)
