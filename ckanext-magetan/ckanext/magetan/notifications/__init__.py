"""Notifications of the SOP workflow: whoever must act next, and on
publication the OPD, Walidata (the technical team) and the dataset's
followers, are told in the portal and by e-mail.

The rows are written in the transition's transaction (``gates.py``); the
e-mails are sent by the background worker once it has committed
(``jobs.py``), so a failing SMTP server never blocks or undoes a step.
"""
from __future__ import annotations

import logging
from typing import Any, Iterable

import sqlalchemy as sa

from ckan import model
from ckan.plugins import toolkit as tk

from ckanext.magetan import workflow
from ckanext.magetan.notifications.tables import notification
from ckanext.magetan.workflow import tables as wm

log = logging.getLogger(__name__)

PENDING_KEY = "magetan_notifications_to_mail"
TO_ACT, RETURNED, SCHEDULED, PUBLISHED = (
    "to_act", "returned", "scheduled", "published")


def _members(org_id: str | None, capacities: Iterable[str]) -> set[str]:
    if not org_id:
        return set()
    return set(model.Session.execute(
        sa.select(model.Member.table_id)
        .join(model.User, model.User.id == model.Member.table_id)
        .where(model.Member.group_id == org_id,
               model.Member.table_name == "user",
               model.Member.state == "active",
               model.User.state == "active",
               model.Member.capacity.in_(list(capacities)))).scalars())


def _walidata(roles: Iterable[str]) -> set[str]:
    return set(model.Session.execute(
        sa.select(wm.role.c.user_id)
        .join(model.User, model.User.id == wm.role.c.user_id)
        .where(wm.role.c.role.in_(list(roles)),
               wm.role.c.revoked_at.is_(None),
               model.User.state == "active")).scalars())


def _followers(package_id: str) -> set[str]:
    return set(model.Session.execute(
        sa.select(model.UserFollowingDataset.follower_id)
        .where(model.UserFollowingDataset.object_id == package_id))
        .scalars())


def recipients(package: model.Package, state: str) -> tuple[str, set[str]]:
    """The kind of notice a version reaching ``state`` sends, and to whom."""
    org = package.owner_org
    if state == workflow.DRAFT:
        return RETURNED, _members(org, ("editor", "admin"))
    if state == workflow.PUBLISHED:
        return PUBLISHED, (_members(org, ("member", "editor", "admin"))
                           | _walidata(workflow.WALIDATA_ROLES)
                           | _followers(package.id))
    if state == workflow.SCHEDULED:
        return SCHEDULED, (_walidata((workflow.KADIN,))
                           | _members(org, ("editor", "admin")))
    if state == workflow.OPD_REVIEW:
        return TO_ACT, _members(org, ("admin",))
    return TO_ACT, _walidata(workflow.HOLDERS[state])


def record(package_id: str, event: dict[str, Any]) -> list[int]:
    """Write the notices of ``event``; their e-mails go after the commit."""
    package = model.Package.get(package_id)
    if package is None:
        return []
    kind, users = recipients(package, event["to_state"])
    users.discard(event.get("user_id"))
    if not users:
        return []
    ids = list(model.Session.execute(
        sa.insert(notification).returning(notification.c.id),
        [{"user_id": user_id, "package_id": package_id,
          "event_id": event["id"], "kind": kind,
          "created": event["at"]} for user_id in sorted(users)]).scalars())
    model.Session().info.setdefault(PENDING_KEY, []).extend(ids)
    return ids


def message(row: Any) -> dict[str, str]:
    """The subject and text of a notice, in the portal's language."""
    package = model.Package.get(row["package_id"])
    event = model.Session.execute(
        sa.select(wm.event).where(wm.event.c.id == row["event_id"])
    ).mappings().first()
    title = (package.title or package.name) if package else row["package_id"]
    state = workflow.state_label(event["to_state"]) if event else ""
    texts = {
        TO_ACT: tk._("“{title}” waits for you: {state}."),
        RETURNED: tk._("“{title}” was returned to the OPD: {reason}"),
        SCHEDULED: tk._("“{title}” is scheduled for release on {time} WIB."),
        PUBLISHED: tk._("“{title}” has been published."),
    }
    release = ""
    if event and event["release_at"]:
        try:
            release = event["release_at"].astimezone(workflow.JAKARTA) \
                .strftime("%Y-%m-%d %H:%M")
        except (OverflowError, ValueError):
            release = event["release_at"].isoformat()
    text = texts.get(row["kind"], "{title}").format(
        title=title, state=state, time=release,
        reason=(event["reason"] if event else "") or "")
    return {"subject": text, "text": text,
            "url": f"/{package.type}/{package.name}" if package else ""}


def _after_commit(session: Any) -> None:
    ids = session.info.pop(PENDING_KEY, [])
    if not ids:
        return
    from ckanext.magetan.notifications import jobs
    try:
        tk.enqueue_job(jobs.send_emails, [ids],
                       title="Kirim e-mail notifikasi alur kerja")
    except Exception:  # the step stands; the notices are in the portal
        log.exception("Could not queue the e-mails of notifications %s", ids)


def _after_soft_rollback(session: Any, previous: Any) -> None:
    if not previous.nested and previous.parent is None:
        session.info.pop(PENDING_KEY, None)


sa.event.listen(model.Session, "after_commit", _after_commit)
sa.event.listen(model.Session, "after_soft_rollback", _after_soft_rollback)
