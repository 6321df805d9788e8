"""The leak matrix: every state × every kind of person × every channel.

A version not yet published is seen by its OPD, by Walidata and by
sysadmins; a deleted dataset by sysadmins only; a published one by
everyone. Later issues add their channels to ``CHANNELS``.
"""
from __future__ import annotations

import io
from typing import Any, Callable, Optional

import pytest
from werkzeug.datastructures import FileStorage

from ckan.plugins import toolkit as tk
from ckan.tests import factories, helpers

from tests.conftest import indikator

STATES = ("draft", "opd_review", "submitted", "verified", "approved",
          "scheduled", "published", "deleted")
PERSONAS = ("anonymous", "other_editor", "own_member", "own_editor",
            "own_admin", "staf", "statistisi", "kasi", "kabid", "kadin",
            "sysadmin")
WALIDATA = ("staf", "statistisi", "kasi", "kabid", "kadin")
FORUM = {"forum_date": "2026-11-30", "forum_minutes_number": "BA-1"}
PATH = (("submit", "own_editor", {}), ("approve_opd", "own_admin", {}),
        ("verify", "kasi", FORUM), ("approve", "kabid", {}),
        ("schedule", "kadin", {"release_at": "2030-01-01T09:00"}),
        ("publish", "kadin", {}))


def entitled(state: str, persona: str) -> bool:
    """Whom the workflow lets see a dataset in ``state``."""
    if persona == "sysadmin":
        return True
    if state == "deleted":
        return False
    if state == "published":
        return True
    return persona in ("own_member", "own_editor", "own_admin", *WALIDATA)


def indexed(state: str, persona: str) -> bool:
    """Search: as ``entitled``, but a deleted dataset leaves the index
    (``ckan.search.remove_deleted_packages``)."""
    return state != "deleted" and entitled(state, persona)


def listed(state: str, persona: str) -> Optional[bool]:
    """Tags and formats: as the search; a sysadmin gets CKAN's own lists
    (nothing is hidden from sysadmins, so nothing to check)."""
    return None if persona == "sysadmin" else indexed(state, persona)


def internal(state: str, persona: str) -> bool:
    """Review comments: the OPD, Walidata and sysadmins, in every state
    but deleted (a deleted dataset has no review to read)."""
    return state != "deleted" and persona in (
        "own_member", "own_editor", "own_admin", *WALIDATA, "sysadmin")


def alive(state: str, persona: str) -> bool:
    """Validation results: as ``entitled``, but a deleted dataset's tables
    have none to show, to anyone."""
    return state != "deleted" and entitled(state, persona)


def public_only(state: str, persona: str) -> bool:
    """Channels that list published datasets only, to everyone."""
    return state == "published"


@pytest.fixture(scope="module")
def world(module_db) -> dict[str, Any]:
    people: dict[str, Any] = {"anonymous": None,
                              "sysadmin": factories.Sysadmin()}
    for persona in PERSONAS[1:-1]:
        people[persona] = factories.User()
    for role in WALIDATA:
        helpers.call_action(
            "magetan_role_assign", context={"user": people["sysadmin"]["name"]},
            user=people[role]["name"], role=role)
    own = factories.Organization(users=[
        {"name": people["own_member"]["name"], "capacity": "member"},
        {"name": people["own_editor"]["name"], "capacity": "editor"},
        {"name": people["own_admin"]["name"], "capacity": "admin"}])
    factories.Organization(users=[
        {"name": people["other_editor"]["name"], "capacity": "editor"}])
    group = factories.Group(users=[
        {"name": people["own_editor"]["name"], "capacity": "member"}])
    for persona, user in people.items():
        if user is not None and persona != "sysadmin":
            helpers.call_action("follow_group", context={"user": user["name"]},
                                id=own["id"])
    datasets = {}
    for number, state in enumerate(STATES):
        tag = f"rahasia-{state.replace('_', '-')}"
        dataset = indikator(own, private=True, name=f"leak-{state}",
                            tags=[{"name": tag}])
        helpers.call_action(
            "resource_create", context={"user": people["own_editor"]["name"]},
            package_id=dataset["id"], name="Tabel", format=f"LEAKFMT{number}",
            upload=FileStorage(io.BytesIO(b"a,b\n1,2\n"), filename="t.csv",
                               content_type="text/csv"))
        helpers.call_action(
            "member_create", context={"user": people["sysadmin"]["name"]},
            id=group["id"], object=dataset["id"], object_type="package",
            capacity="public")
        for transition, who, params in PATH:
            if state in ("draft", "deleted") or helpers.call_action(
                    "magetan_workflow_show", id=dataset["id"])["state"] == state:
                break
            if transition == "approve_opd":
                helpers.call_action(
                    "magetan_review_comment_create",
                    context={"user": people["own_admin"]["name"],
                             "ignore_auth": False},
                    id=dataset["id"], field="unit", verdict="tidak_sesuai",
                    feedback=f"catatan-{state}")
            helpers.call_action(
                "magetan_workflow_transition",
                context={"user": people[who]["name"], "ignore_auth": False},
                id=dataset["id"], transition=transition, **params)
        if state == "deleted":
            helpers.call_action(
                "package_delete",
                context={"user": people["sysadmin"]["name"]},
                id=dataset["id"])
        datasets[state] = helpers.call_action(
            "package_show", context={"ignore_auth": True},
            id=dataset["id"]) | {"tag": tag}
    return {"people": people, "datasets": datasets, "org": own,
            "group": group}


def _context(world: dict[str, Any], persona: str) -> dict[str, Any]:
    user = world["people"][persona]
    return {"user": user["name"] if user else "", "ignore_auth": False}


def _call(world, persona, action, **params) -> Any:
    return helpers.call_action(action, context=_context(world, persona),
                               **params)


def _shown(world, persona, dataset) -> bool:
    try:
        _call(world, persona, "package_show", id=dataset["id"])
        return True
    except (tk.NotAuthorized, tk.ObjectNotFound):
        return False


def _resource(world, persona, dataset) -> bool:
    try:
        _call(world, persona, "resource_show",
              id=dataset["resources"][0]["id"])
        return True
    except (tk.NotAuthorized, tk.ObjectNotFound):
        return False


def _workflow(world, persona, dataset) -> bool:
    try:
        _call(world, persona, "magetan_workflow_show", id=dataset["id"])
        return True
    except (tk.NotAuthorized, tk.ObjectNotFound):
        return False


def _search(world, persona, dataset) -> bool:
    found = _call(world, persona, "package_search", q=f"name:{dataset['name']}",
                  include_private=True, include_deleted=True)
    ids = [d["id"] for d in found["results"]]
    assert found["count"] == len(ids)
    return dataset["id"] in ids


def _facets(world, persona, dataset) -> bool:
    found = _call(world, persona, "package_search", rows=0,
                  include_private=True, include_deleted=True,
                  **{"facet.field": ["tags"], "facet.limit": -1})
    return dataset["tag"] in found["facets"]["tags"]


def _state_facet(world, persona, dataset) -> bool:
    found = _call(world, persona, "package_search", rows=0,
                  include_private=True,
                  fq=f"workflow_state:{dataset['workflow_state']} "
                     f"name:{dataset['name']}")
    return found["count"] == 1


def _package_list(world, persona, dataset) -> bool:
    return dataset["name"] in _call(world, persona, "package_list")


def _page(world, persona, dataset, app) -> bool:
    response = app.get(f"/indikator/{dataset['name']}",
                       headers=_headers(world, persona), status=None)
    assert response.status_code in (200, 403, 404), response.status_code
    return response.status_code == 200


def never_unentitled(state: str, persona: str) -> Optional[bool]:
    """Lists of what waits for someone: never a version they may not see
    (whether an entitled one is listed depends on their role)."""
    return None if entitled(state, persona) else False


def _autocomplete(world, persona, dataset) -> bool:
    found = _call(world, persona, "package_autocomplete", q=dataset["name"])
    return dataset["name"] in [d["name"] for d in found]


def _tasks(world, persona, dataset) -> bool:
    if world["people"][persona] is None:
        return False
    found = _call(world, persona, "magetan_task_list")
    return dataset["id"] in [t["id"] for g in found["roles"]
                             for t in g["tasks"]]


def _tag_list(world, persona, dataset) -> bool:
    return dataset["tag"] in _call(world, persona, "tag_list")


def _tag_search(world, persona, dataset) -> bool:
    found = _call(world, persona, "tag_search", query=dataset["tag"])
    return dataset["tag"] in [t["name"] for t in found["results"]]


def _tag_autocomplete(world, persona, dataset) -> bool:
    return dataset["tag"] in _call(world, persona, "tag_autocomplete",
                                   q=dataset["tag"])


def _tag_show(world, persona, dataset) -> bool:
    try:
        _call(world, persona, "tag_show", id=dataset["tag"])
        return True
    except tk.ObjectNotFound:
        return False


def _format_autocomplete(world, persona, dataset) -> bool:
    wanted = dataset["resources"][0]["format"].lower()
    return wanted in [f.lower() for f in _call(
        world, persona, "format_autocomplete", q=wanted)]


def _member_list(world, persona, dataset, of: str = "org") -> bool:
    members = _call(world, persona, "member_list", id=world[of]["id"],
                    object_type="package")
    return dataset["id"] in [m[0] for m in members]


def _group_member_list(world, persona, dataset) -> bool:
    return _member_list(world, persona, dataset, of="group")


def _review(world, persona, dataset) -> bool:
    try:
        found = _call(world, persona, "magetan_review_list",
                      id=dataset["id"])
    except (tk.NotAuthorized, tk.ObjectNotFound):
        return False
    reviewed = dataset["workflow_state"] not in ("draft", "opd_review")
    assert bool(found["comments"]) == reviewed, found
    return True


# the people who took the steps of the walks, and the sysadmin who deleted
ACTORS = ("own_editor", "own_admin", "kasi", "kabid", "kadin", "sysadmin")


def _user_activities(world, persona, dataset) -> bool:
    seen = set()
    for actor in ACTORS:
        found = _call(world, persona, "user_activity_list",
                      id=world["people"][actor]["id"], limit=100)
        seen |= {a["object_id"] for a in found}
    return dataset["id"] in seen


def _dashboard(world, persona, dataset) -> bool:
    if world["people"][persona] is None:
        return False
    found = _call(world, persona, "dashboard_activity_list", limit=100)
    return dataset["id"] in [a["object_id"] for a in found]


def _activities(action: str, **params: Any) -> Callable[..., bool]:
    def probe(world, persona, dataset) -> bool:
        given = {k: (world["org"]["id"] if v == "ORG" else
                     world["group"]["id"] if v == "GROUP" else v)
                 for k, v in params.items()}
        try:
            found = _call(world, persona, action, **given)
        except (tk.NotAuthorized, tk.ObjectNotFound):
            return False
        return dataset["id"] in [a["object_id"] for a in found]
    return probe


def _package_activities(world, persona, dataset) -> bool:
    try:
        return bool(_call(world, persona, "package_activity_list",
                          id=dataset["id"]))
    except (tk.NotAuthorized, tk.ObjectNotFound):
        return False


def _validation(world, persona, dataset) -> bool:
    try:
        found = _call(world, persona, "resource_validation_show",
                      resource_id=dataset["resources"][0]["id"])
    except (tk.NotAuthorized, tk.ObjectNotFound):
        return False
    assert found["status"] == "success"
    return True


def _validation_page(world, persona, dataset, app) -> bool:
    resource = dataset["resources"][0]
    response = app.get(
        f"/dataset/{dataset['id']}/resource/{resource['id']}/validation",
        headers=_headers(world, persona), status=None)
    assert response.status_code in (200, 403, 404), response.status_code
    return response.status_code == 200


def _download(world, persona, dataset, app) -> bool:
    resource = dataset["resources"][0]
    response = app.get(
        f"/dataset/{dataset['id']}/resource/{resource['id']}/download/t.csv",
        headers=_headers(world, persona), status=None)
    assert response.status_code in (200, 403, 404), response.status_code
    return response.status_code == 200


def _feed(world, persona, dataset, app) -> bool:
    body = app.get("/feeds/dataset.atom",
                   headers=_headers(world, persona)).body
    return dataset["name"] in body


def _listing(kind: str) -> Callable[..., bool]:
    """An organization's or group's page lists the dataset."""
    def probe(world, persona, dataset, app) -> bool:
        body = _listing_body(world, persona, kind, app)
        return f"/indikator/{dataset['name']}\"" in body
    return probe


def _listing_body(world, persona, kind, app) -> str:
    key = f"page-{kind}-{persona}"
    if key not in world:
        entity = world["org" if kind == "organization" else "group"]
        response = app.get(f"/{kind}/{entity['name']}",
                           headers=_headers(world, persona))
        world[key] = response.body
    return world[key]


def _headers(world, persona) -> dict[str, str]:
    user = world["people"][persona]
    if not user:
        return {}
    key = f"token-{persona}"
    if key not in world:
        world[key] = factories.APIToken(user=user["name"])["token"]
    return {"Authorization": world[key]}


def linked(state: str, persona: str) -> bool:
    """The release calendar names a dataset once it is published; Walidata
    (who plans the calendar) also sees which version is scheduled."""
    return state == "published" or (
        state == "scheduled" and persona in (*WALIDATA, "sysadmin"))


def _names_dataset(dataset: dict[str, Any], text: str) -> bool:
    return dataset["id"] in text or f"/indikator/{dataset['name']}" in text \
        or dataset["tag"] in text


def _release_calendar(world, persona, dataset) -> bool:
    found = _call(world, persona, "magetan_release_calendar", limit=1000)
    return _names_dataset(dataset, repr(found))


def _release_entries(world, persona, dataset) -> bool:
    found = _call(world, persona, "magetan_release_calendar", limit=1000)
    return any(_names_dataset(dataset, repr(_call(
        world, persona, "magetan_release_entry_show", id=entry["id"])))
        for entry in found["entries"])


def _calendar_page(path: str) -> Callable[..., bool]:
    def probe(world, persona, dataset, app) -> bool:
        key = f"calendar-{path}-{persona}"
        if key not in world:
            world[key] = app.get(path, headers=_headers(world, persona)).body
        return _names_dataset(dataset, world[key])
    return probe


def _calendar_entry_pages(world, persona, dataset, app) -> bool:
    found = _call(world, "sysadmin", "magetan_release_calendar", limit=1000)
    return any(_names_dataset(dataset, app.get(
        f"/release-calendar/{entry['id']}",
        headers=_headers(world, persona)).body)
        for entry in found["entries"])


CHANNELS: dict[str, tuple[Callable[..., bool],
                          Callable[[str, str], Optional[bool]]]] = {
    "package_show": (_shown, entitled),
    "resource_show": (_resource, entitled),
    "magetan_workflow_show": (_workflow, entitled),
    "package_search": (_search, indexed),
    "package_search facets": (_facets, indexed),
    "package_search workflow_state": (_state_facet, indexed),
    "package_list": (_package_list, public_only),
    "package_autocomplete": (_autocomplete, indexed),
    "magetan_task_list": (_tasks, never_unentitled),
    "tag_list": (_tag_list, listed),
    "tag_search": (_tag_search, listed),
    "tag_autocomplete": (_tag_autocomplete, listed),
    "tag_show": (_tag_show, listed),
    "format_autocomplete": (_format_autocomplete, listed),
    # CKAN ends a deleted dataset's membership
    "member_list": (_member_list, indexed),
    "member_list of a group": (_group_member_list, indexed),
    "magetan_review_list": (_review, internal),
    "resource_validation_show": (_validation, alive),
    "package_activity_list": (_package_activities, entitled),
    "organization_activity_list": (
        # CKAN leaves private datasets out of organization streams
        _activities("organization_activity_list", id="ORG"), public_only),
    "group_activity_list": (
        _activities("group_activity_list", id="GROUP"), public_only),
    "recently_changed_packages_activity_list": (
        _activities("recently_changed_packages_activity_list"), entitled),
    "user_activity_list": (_user_activities, entitled),
    # CKAN leaves private datasets out of what following an organization
    # brings; the stream must never show what the person may not see
    "dashboard_activity_list": (_dashboard, never_unentitled),
    "magetan_release_calendar": (_release_calendar, linked),
    "magetan_release_entry_show": (_release_entries, linked),
}
# channels over HTTP, probed through the test app
PAGES: dict[str, tuple[Callable[..., bool],
                       Callable[[str, str], Optional[bool]]]] = {
    "dataset page": (lambda w, p, d, app: _page(w, p, d, app), entitled),
    "file download by URL": (_download, entitled),
    "validation report page": (_validation_page, alive),
    "Atom feed": (_feed, public_only),
    # CKAN's featured group and organization (group_show with ignore_auth)
    "home page": (lambda w, p, d, app: f"/indikator/{d['name']}\"" in app.get(
        "/", headers=_headers(w, p)).body, never_unentitled),
    "organization page": (_listing("organization"), indexed),
    "group page": (_listing("group"), indexed),
    # upcoming releases: no dataset is named before it is released
    "release calendar page": (_calendar_page("/release-calendar"),
                              lambda state, persona: False),
    "release calendar, released": (
        _calendar_page("/release-calendar?view=past"), public_only),
    "release entry pages": (_calendar_entry_pages, public_only),
    "iCalendar feed": (_calendar_page("/release-calendar.ics"), public_only),
    "Atom feed of releases": (
        _calendar_page("/release-calendar/releases.atom"), public_only),
}


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("channel", CHANNELS)
def test_leak_matrix(world, channel, persona):
    probe, expected = CHANNELS[channel]
    wrong = {state: probe(world, persona, dataset)
             for state, dataset in world["datasets"].items()
             if state != "deleted" or channel != "package_search workflow_state"}
    wrong = {state: seen for state, seen in wrong.items()
             if expected(state, persona) is not None
             and seen != expected(state, persona)}
    assert wrong == {}, f"{channel} as {persona}: seen≠entitled in {wrong}"


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("channel", PAGES)
def test_leak_matrix_pages(world, channel, persona, app):
    probe, expected = PAGES[channel]
    wrong = {state: seen for state, dataset in world["datasets"].items()
             if expected(state, persona) is not None
             and (seen := probe(world, persona, dataset, app))
             != expected(state, persona)}
    assert wrong == {}, f"{channel} as {persona}: seen≠entitled in {wrong}"


@pytest.mark.parametrize("persona", PERSONAS)
def test_counts_count_what_the_person_may_see(world, persona, app):
    """Organization and group counts, in the API and on their pages."""
    wanted = sum(indexed(state, persona) for state in STATES)
    org, group = world["org"], world["group"]
    counts = {
        "organization_show": _call(world, persona, "organization_show",
                                   id=org["id"])["package_count"],
        "group_show": _call(world, persona, "group_show",
                            id=group["id"])["package_count"],
        "organization_list": next(
            o["package_count"] for o in _call(
                world, persona, "organization_list", all_fields=True)
            if o["id"] == org["id"]),
        "group_list": next(
            g["package_count"] for g in _call(
                world, persona, "group_list", all_fields=True)
            if g["id"] == group["id"]),
    }
    for kind in ("organization", "group"):
        body = _listing_body(world, persona, kind, app)
        counts[f"{kind} page"] = body.count('class="dataset-item')
    assert counts == {name: wanted for name in counts}, persona


def test_featured_groups_show_only_published_datasets(world):
    """CKAN's home page asks group_show/organization_show for featured
    groups with ignore_auth and no user: the count and datasets are the
    public's."""
    for action, key in (("organization_show", "org"),
                        ("group_show", "group")):
        shown = helpers.call_action(
            action, context={"ignore_auth": True, "limits": {"packages": 20}},
            id=world[key]["id"], include_datasets=True)
        assert shown["package_count"] == 1
        assert [d["name"] for d in shown["packages"]] == ["leak-published"]
