"""Walking datasets through the SOP in tests: the people of an OPD and of
Walidata, and the steps between them."""
from __future__ import annotations

import datetime as dt
from typing import Any

from ckan.tests import factories, helpers


def act(actor: dict[str, Any] | None, action: str, **params: Any) -> Any:
    context = {"user": actor["name"] if actor else "", "ignore_auth": False}
    return helpers.call_action(action, context=context, **params)


def step(actor: dict[str, Any], dataset: dict[str, Any], transition: str,
         **params: Any) -> dict[str, Any]:
    return act(actor, "magetan_workflow_transition", id=dataset["id"],
               transition=transition, **params)


def future(days: int = 7) -> str:
    return (dt.datetime.now(dt.timezone.utc)
            + dt.timedelta(days=days)).isoformat()


FORUM = {"forum_date": "2026-11-30", "forum_minutes_number": "BA-12/2026",
         "forum_notes": "Sesuai"}


def make_people() -> dict[str, dict[str, Any]]:
    """An OPD with its data manager and head, Walidata, and a stranger."""
    sysadmin = factories.Sysadmin()
    found = {"sysadmin": sysadmin,
             "pengelola": factories.User(), "pimpinan": factories.User(),
             "member": factories.User(), "stranger": factories.User()}
    for role in ("staf", "statistisi", "kasi", "kabid", "kadin"):
        found[role] = factories.User()
        act(sysadmin, "magetan_role_assign", user=found[role]["name"],
            role=role)
    found["org"] = factories.Organization(users=[
        {"name": found["pengelola"]["name"], "capacity": "editor"},
        {"name": found["pimpinan"]["name"], "capacity": "admin"},
        {"name": found["member"]["name"], "capacity": "member"},
    ])
    found["other_org"] = factories.Organization(users=[
        {"name": found["stranger"]["name"], "capacity": "editor"}])
    return found


SOP_PATH = (("draft", "submit", "pengelola"),
            ("opd_review", "approve_opd", "pimpinan"),
            ("submitted", "verify", "kasi"), ("verified", "approve", "kabid"),
            ("approved", "schedule", "kadin"),
            ("scheduled", "publish", "kadin"))


def settle_validation(dataset: dict[str, Any]) -> None:
    """Let the worker validate the dataset's pending tables, as it does
    in the background while people work."""
    from ckanext.magetan import validation
    from tests.conftest import run_worker

    if any(status == validation.PENDING
           for _resource, status in validation.blocking(dataset["id"])):
        run_worker()


def walk_to(people: dict[str, Any], dataset: dict[str, Any],
            state: str) -> dict[str, Any]:
    """Take ``dataset`` from where it is to ``state`` with the right
    people."""
    shown = act(people["sysadmin"], "magetan_workflow_show",
                id=dataset["id"])
    for source, transition, who in SOP_PATH:
        if shown["state"] == state:
            break
        if shown["state"] != source:
            continue
        settle_validation(dataset)
        params = FORUM if transition == "verify" else (
            {"release_at": future()} if transition == "schedule" else {})
        shown = step(people[who], dataset, transition, **params)
    assert shown["state"] == state
    return shown
