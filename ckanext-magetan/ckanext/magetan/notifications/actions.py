"""The caller's notifications."""
from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from ckan import model
from ckan.plugins import toolkit as tk
from ckan.types import Context, DataDict

from ckanext.magetan import entities, notifications, workflow
from ckanext.magetan.notifications.tables import notification

__all__ = ["magetan_notification_list", "magetan_notification_mark_read"]

# the newest notices looked at for the list and the unread count
UNREAD_WINDOW = 1000


def _readable(context: Context):
    """Whether the caller may still see a notice's dataset (a role revoked,
    a member removed, a dataset deleted: its notices are no longer shown)."""
    seen: dict[str, bool] = {}

    def check(package_id: str) -> bool:
        if package_id not in seen:
            seen[package_id] = model.Package.get(package_id) is not None \
                and entities.may_read(context, "package_show", package_id)
        return seen[package_id]
    return check


def _user(context: Context) -> model.User:
    user = model.User.get(context.get("user") or "")
    if user is None:
        raise tk.NotAuthorized(tk._("Log in to see your notifications."))
    return user


@tk.side_effect_free
def magetan_notification_list(context: Context,
                              data_dict: DataDict) -> dict[str, Any]:
    """The caller's notifications, newest first, and how many are unread.

    :param limit: how many (default 50, at most 200)
    :type limit: int
    :param unread_only: only the unread ones
    :type unread_only: bool
    Notices of datasets the caller may no longer see are left out.

    :returns: ``{"unread": n, "notifications": [{"id", "kind", "text",
        "url", "created", "read"}]}``
    :rtype: dictionary
    """
    tk.check_access("magetan_notification_list", context, data_dict)
    user = _user(context)
    data, errors = tk.navl_validate(dict(data_dict or {}), {
        "limit": [tk.get_validator("ignore_missing"),
                  tk.get_validator("natural_number_validator")],
        "unread_only": [tk.get_validator("ignore_missing"),
                        tk.get_validator("boolean_validator")],
    }, context)
    if errors:
        raise tk.ValidationError(errors)
    limit = min(int(data.get("limit") or 50), 200)
    readable = _readable(context)
    query = (sa.select(notification)
             .where(notification.c.user_id == user.id)
             .order_by(notification.c.id.desc()).limit(UNREAD_WINDOW))
    if data.get("unread_only"):
        query = query.where(notification.c.read_at.is_(None))
    rows = [row for row in model.Session.execute(query).mappings()
            if readable(row["package_id"])]
    unread = sum(1 for row in model.Session.execute(
        sa.select(notification.c.package_id)
        .where(notification.c.user_id == user.id,
               notification.c.read_at.is_(None))
        .order_by(notification.c.id.desc()).limit(UNREAD_WINDOW)
    ).mappings() if readable(row["package_id"]))
    items = []
    for row in rows[:limit]:
        text = notifications.message(row)
        items.append({"id": row["id"], "kind": row["kind"],
                      "text": text["text"], "url": text["url"],
                      "created": row["created"].isoformat(),
                      "read": row["read_at"] is not None})
    return {"unread": unread, "notifications": items}


def magetan_notification_mark_read(context: Context,
                                   data_dict: DataDict) -> dict[str, Any]:
    """Mark the caller's notifications read: those ``ids``, or all.

    :param ids: the notifications' ids (optional: all)
    :type ids: list of int
    :returns: ``{"unread": n}``
    :rtype: dictionary
    """
    tk.check_access("magetan_notification_mark_read", context, data_dict)
    user = _user(context)
    ids = (data_dict or {}).get("ids")
    query = sa.update(notification).where(
        notification.c.user_id == user.id, notification.c.read_at.is_(None))
    if ids is not None:
        if not isinstance(ids, list) or not all(
                isinstance(i, int) and not isinstance(i, bool) for i in ids):
            raise tk.ValidationError({"ids": [tk._(
                "Give a list of notification numbers.")]})
        query = query.where(notification.c.id.in_(ids))
    model.Session.execute(query.values(read_at=workflow.now()))
    model.repo.commit()
    return {"unread": model.Session.execute(
        sa.select(sa.func.count()).select_from(notification)
        .where(notification.c.user_id == user.id,
               notification.c.read_at.is_(None))).scalar()}
