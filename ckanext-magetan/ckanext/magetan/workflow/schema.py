"""Parameters of the workflow's actions."""
from __future__ import annotations

import datetime as dt
from typing import Any

from ckan.plugins import toolkit as tk
from ckan.types import Schema

from ckanext.magetan import inputs, workflow

MAX_REASON = 5000
MAX_RELEASE_AHEAD = dt.timedelta(days=3653)


def text(value: Any) -> Any:
    """Text without NUL bytes (inputs.problem), at most MAX_REASON long,
    stripped."""
    if value is tk.missing or value is None:
        return value
    if not isinstance(value, str):
        raise tk.Invalid(tk._("Must be text."))
    problem = inputs.problem({"value": value})
    if problem:
        raise tk.Invalid(problem)
    if len(value) > MAX_REASON:
        raise tk.Invalid(tk._("Longer than {limit} characters.").format(
            limit=MAX_REASON))
    return value.strip()


def transition_name(value: Any) -> Any:
    if not isinstance(value, str) or value not in workflow.TRANSITIONS:
        raise tk.Invalid(tk._("Unknown transition; one of: {names}").format(
            names=", ".join(workflow.TRANSITIONS)))
    return value


def state_name(value: Any) -> Any:
    if value is tk.missing or value in (None, ""):
        return value
    if not isinstance(value, str) or value not in workflow.STATES:
        raise tk.Invalid(tk._("Unknown state; one of: {names}").format(
            names=", ".join(workflow.STATES)))
    return value


def iso_date(value: Any) -> Any:
    if value is tk.missing or value in (None, ""):
        return None
    if isinstance(value, dt.date):
        return value
    try:
        day = dt.date.fromisoformat(text(value))
    except (ValueError, tk.Invalid):
        raise tk.Invalid(tk._("Use a date as YYYY-MM-DD."))
    if day > workflow.now().astimezone(workflow.JAKARTA).date():
        raise tk.Invalid(tk._("The forum cannot have met in the future."))
    return day


def release_time(value: Any) -> Any:
    """An ISO 8601 time; without an offset it is Asia/Jakarta's."""
    if value is tk.missing or value in (None, ""):
        return None
    try:
        moment = dt.datetime.fromisoformat(text(value))
    except (ValueError, TypeError, tk.Invalid):
        raise tk.Invalid(tk._(
            "Use a date and time such as 2027-03-01T09:00 (Asia/Jakarta)."))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=workflow.JAKARTA)
    try:
        moment = moment.astimezone(dt.timezone.utc)
    except (OverflowError, ValueError):
        raise tk.Invalid(tk._("The date is out of range."))
    if moment > workflow.now() + MAX_RELEASE_AHEAD:
        raise tk.Invalid(tk._(
            "A release is scheduled at most ten years ahead."))
    return moment


def role_name(value: Any) -> Any:
    if not isinstance(value, str) or value not in workflow.WALIDATA_ROLES:
        raise tk.Invalid(tk._("Unknown role; one of: {names}").format(
            names=", ".join(workflow.WALIDATA_ROLES)))
    return value


def transition_schema() -> Schema:
    not_empty = tk.get_validator("not_empty")
    ignore_missing = tk.get_validator("ignore_missing")
    unicode_safe = tk.get_validator("unicode_safe")
    return {
        "id": [not_empty, unicode_safe, text],
        "transition": [not_empty, transition_name],
        "reason": [ignore_missing, text],
        "forum_date": [ignore_missing, iso_date],
        "forum_minutes_number": [ignore_missing, text],
        "forum_notes": [ignore_missing, text],
        "release_at": [ignore_missing, release_time],
        "expected_state": [ignore_missing, state_name],
        "override_reason": [ignore_missing, text],
    }


def show_schema() -> Schema:
    not_empty = tk.get_validator("not_empty")
    unicode_safe = tk.get_validator("unicode_safe")
    return {"id": [not_empty, unicode_safe, text]}


def task_list_schema() -> Schema:
    ignore_missing = tk.get_validator("ignore_missing")
    return {"state": [ignore_missing, state_name],
            "owner_org": [ignore_missing, text]}


def role_schema() -> Schema:
    not_empty = tk.get_validator("not_empty")
    unicode_safe = tk.get_validator("unicode_safe")
    return {"user": [not_empty, unicode_safe, text],
            "role": [not_empty, role_name]}


def role_list_schema() -> Schema:
    ignore_missing = tk.get_validator("ignore_missing")
    return {"user": [ignore_missing, text],
            "role": [ignore_missing, role_name]}


def revision_schema() -> Schema:
    not_empty = tk.get_validator("not_empty")
    unicode_safe = tk.get_validator("unicode_safe")
    return {"id": [not_empty, unicode_safe, text],
            "change_note": [not_empty, text]}
