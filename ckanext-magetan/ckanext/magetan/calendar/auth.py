"""Who may call the release calendar's actions: the public reads it and
subscribes; Walidata plans; the head of office decides releases."""
from __future__ import annotations

from typing import Iterable

from ckan.plugins import toolkit as tk
from ckan.types import AuthResult, Context, DataDict

from ckanext.magetan import calendar, workflow

__all__ = [
    "magetan_release_calendar", "magetan_release_entry_show",
    "magetan_release_entry_create", "magetan_release_entry_update",
    "magetan_release_entry_postpone", "magetan_release_entry_cancel",
    "magetan_release_entry_publish", "magetan_release_entry_extend",
    "magetan_release_period_create", "magetan_release_period_update",
    "magetan_release_period_list", "magetan_release_period_show",
    "magetan_release_subscribe", "magetan_release_subscription_confirm",
    "magetan_release_unsubscribe",
]


def holds(context: Context, roles: Iterable[str]) -> bool:
    """Whether the caller holds one of the Walidata ``roles`` (sysadmins
    are let through by CKAN before this is asked)."""
    user = workflow.user_object(context.get("user"))
    return bool(user and set(workflow.walidata_roles(user.id)) & set(roles))


@tk.auth_allow_anonymous_access
def magetan_release_calendar(context: Context, data_dict: DataDict
                             ) -> AuthResult:
    """Everyone: the calendar is public."""
    return {"success": True}


@tk.auth_allow_anonymous_access
def magetan_release_entry_show(context: Context, data_dict: DataDict
                               ) -> AuthResult:
    return {"success": True}


@tk.auth_allow_anonymous_access
def magetan_release_period_list(context: Context, data_dict: DataDict
                                ) -> AuthResult:
    return {"success": True}


@tk.auth_allow_anonymous_access
def magetan_release_period_show(context: Context, data_dict: DataDict
                                ) -> AuthResult:
    return {"success": True}


def _planner(context: Context) -> AuthResult:
    if holds(context, calendar.PLANNERS):
        return {"success": True}
    return {"success": False, "msg": tk._(
        "Only Walidata plans the release calendar.")}


def magetan_release_entry_create(context: Context, data_dict: DataDict
                                 ) -> AuthResult:
    """Walidata (every role)."""
    return _planner(context)


def magetan_release_entry_update(context: Context, data_dict: DataDict
                                 ) -> AuthResult:
    return _planner(context)


def magetan_release_period_create(context: Context, data_dict: DataDict
                                  ) -> AuthResult:
    return _planner(context)


def magetan_release_period_update(context: Context, data_dict: DataDict
                                  ) -> AuthResult:
    """The heads of section, division and office: moving a period's
    deadline or release moves its releases."""
    if holds(context, calendar.EXTENDERS):
        return {"success": True}
    return {"success": False, "msg": tk._(
        "Only the head of section, of division or of office changes a "
        "release period.")}


def _releaser(context: Context) -> AuthResult:
    if holds(context, calendar.RELEASERS):
        return {"success": True}
    return {"success": False, "msg": tk._(
        "Only the head of office decides when data is released.")}


def magetan_release_entry_postpone(context: Context, data_dict: DataDict
                                   ) -> AuthResult:
    """The head of office."""
    return _releaser(context)


def magetan_release_entry_cancel(context: Context, data_dict: DataDict
                                 ) -> AuthResult:
    return _releaser(context)


def magetan_release_entry_publish(context: Context, data_dict: DataDict
                                  ) -> AuthResult:
    return _releaser(context)


def magetan_release_entry_extend(context: Context, data_dict: DataDict
                                 ) -> AuthResult:
    """The heads of section, division and office."""
    if holds(context, calendar.EXTENDERS):
        return {"success": True}
    return {"success": False, "msg": tk._(
        "Only the head of section, of division or of office grants more "
        "time.")}


@tk.auth_allow_anonymous_access
def magetan_release_subscribe(context: Context, data_dict: DataDict
                              ) -> AuthResult:
    """Anyone: the address is confirmed by its own link."""
    return {"success": True}


@tk.auth_allow_anonymous_access
def magetan_release_subscription_confirm(context: Context,
                                         data_dict: DataDict) -> AuthResult:
    """Whoever holds the link (its token is the secret)."""
    return {"success": True}


@tk.auth_allow_anonymous_access
def magetan_release_unsubscribe(context: Context, data_dict: DataDict
                                ) -> AuthResult:
    return {"success": True}
