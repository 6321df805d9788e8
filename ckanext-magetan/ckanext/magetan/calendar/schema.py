"""Parameters of the release calendar's actions."""
from __future__ import annotations

import datetime as dt
import re
from typing import Any

from ckan.plugins import toolkit as tk
from ckan.types import Schema

from ckanext.magetan import calendar, inputs, workflow
from ckanext.magetan.workflow.schema import release_time, text

MAX_TITLE = 500
MAX_LIMIT = 1000
_NAME = re.compile(r"^[a-z0-9_-]{2,100}$")
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


# C0 control characters other than tab and line breaks: no feed (XML,
# iCalendar) or e-mail header can carry them
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def public_text(value: Any) -> Any:
    """Text the calendar publishes: without control characters."""
    value = text(value)
    if isinstance(value, str) and _CONTROL.search(value):
        raise tk.Invalid(tk._("Text must not contain control characters."))
    return value


def title(value: Any) -> Any:
    """A one-line text, not blank, at most MAX_TITLE long."""
    value = public_text(value)
    if isinstance(value, str):
        if not value:
            raise tk.Invalid(tk._("Missing value"))
        if "\n" in value or "\r" in value:
            raise tk.Invalid(tk._("Use one line."))
        if len(value) > MAX_TITLE:
            raise tk.Invalid(tk._("Longer than {limit} characters.").format(
                limit=MAX_TITLE))
    return value


def optional_title(value: Any) -> Any:
    """As ``title``, but blank clears it."""
    if isinstance(value, str) and not value.strip():
        return ""
    return title(value)


def name(value: Any) -> Any:
    value = text(value)
    if not isinstance(value, str) or not _NAME.match(value):
        raise tk.Invalid(tk._(
            "Use 2 to 100 lowercase letters, digits, - or _."))
    return value


def moment(value: Any) -> Any:
    """A date and time (ISO 8601, Asia/Jakarta without an offset), at most
    ten years ahead; or a date alone, at 00:00 WIB."""
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}",
                                               value.strip()):
        value = value.strip() + "T00:00"
    return release_time(value)


def month(value: Any) -> Any:
    """``YYYY-MM``: a provisional "Month YYYY" window (its first day)."""
    if value is tk.missing or value in (None, ""):
        return None
    value = text(value)
    found = _MONTH.match(value) if isinstance(value, str) else None
    if found is None or not 1 <= int(found.group(2)) <= 12 \
            or not 2000 <= int(found.group(1)) <= 2100:
        raise tk.Invalid(tk._("Use a month as YYYY-MM, e.g. 2027-03."))
    return dt.date(int(found.group(1)), int(found.group(2)), 1)


def day(value: Any) -> Any:
    if value is tk.missing or value in (None, ""):
        return None
    if not isinstance(value, dt.date):
        try:
            value = dt.date.fromisoformat(text(value))
        except (ValueError, TypeError, tk.Invalid):
            raise tk.Invalid(tk._("Use a date as YYYY-MM-DD."))
    if not 2000 <= value.year <= 2100:
        raise tk.Invalid(tk._("Use a date between 2000 and 2100."))
    return value


def required_moment(value: Any) -> Any:
    """``moment``, which may not be blanked."""
    found = moment(value)
    if found is None:
        raise tk.Invalid(tk._("Missing value"))
    return found


def one_of(choices: tuple[str, ...], blank: bool = True) -> Any:
    def check(value: Any) -> Any:
        if value is tk.missing or value is None or (blank and value == ""):
            return value
        if not isinstance(value, str) or value not in choices:
            raise tk.Invalid(tk._("Unknown value; one of: {names}").format(
                names=", ".join(choices)))
        return value
    return check


def statuses(value: Any) -> Any:
    """One status, a comma-separated list, or a list of them."""
    if value is tk.missing or value in (None, "", []):
        return value
    if isinstance(value, str):
        value = [part.strip() for part in value.split(",") if part.strip()]
    if not isinstance(value, list) or len(value) > len(calendar.STATUSES) \
            or not all(isinstance(v, str) and v in calendar.STATUSES
                       for v in value):
        raise tk.Invalid(tk._("Unknown status; use: {names}").format(
            names=", ".join(calendar.STATUSES)))
    return value


def count(limit: int) -> Any:
    def check(value: Any) -> Any:
        if value is tk.missing or value in (None, ""):
            return value
        if isinstance(value, bool):
            raise tk.Invalid(tk._("Must be a whole number."))
        try:
            number = int(value)
        except (TypeError, ValueError, OverflowError):
            raise tk.Invalid(tk._("Must be a whole number."))
        if not 0 <= number <= limit:
            raise tk.Invalid(tk._("Must be between 0 and {limit}.").format(
                limit=limit))
        return number
    return check


def _common() -> tuple[Any, Any, Any]:
    return (tk.get_validator("not_empty"), tk.get_validator("ignore_missing"),
            tk.get_validator("unicode_safe"))


def calendar_schema() -> Schema:
    _not_empty, ignore_missing, _unicode = _common()
    return {
        "start": [ignore_missing, day],
        "end": [ignore_missing, day],
        "status": [ignore_missing, statuses],
        "owner_org": [ignore_missing, inputs.text, text],
        "sector": [ignore_missing, inputs.text, text],
        "period": [ignore_missing, inputs.text, text],
        "dataset": [ignore_missing, inputs.text, text],
        "q": [ignore_missing, inputs.text, text],
        "upcoming": [ignore_missing, inputs.strict_boolean],
        "limit": [ignore_missing, count(MAX_LIMIT)],
        "offset": [ignore_missing, count(10_000_000)],
    }


def entry_fields(creating: bool) -> Schema:
    not_empty, ignore_missing, unicode_safe = _common()
    first = [not_empty] if creating else [ignore_missing]
    return {
        "title": [*first, inputs.text, unicode_safe, title],
        "owner_org": [ignore_missing, inputs.text, text],
        "sector": [ignore_missing, inputs.text, text],
        "period_covered": [ignore_missing, inputs.text, optional_title],
        "period": [ignore_missing, inputs.text, text],
        "planned_at": [ignore_missing, moment],
        "planned_month": [ignore_missing, month],
        "status": [ignore_missing,
                   one_of((calendar.PROVISIONAL, calendar.CONFIRMED))],
        "notice": [ignore_missing, inputs.text, public_text],
        "contact": [ignore_missing, inputs.text, optional_title],
        "package": [ignore_missing, inputs.text, text],
        "reason": [ignore_missing, inputs.text, public_text],
    }


def entry_create_schema() -> Schema:
    return entry_fields(creating=True)


def entry_update_schema() -> Schema:
    not_empty, _ignore, unicode_safe = _common()
    return {"id": [not_empty, inputs.text, unicode_safe, text],
            **entry_fields(creating=False)}


def entry_id_schema() -> Schema:
    not_empty, _ignore, unicode_safe = _common()
    return {"id": [not_empty, inputs.text, unicode_safe, text]}


def postpone_schema() -> Schema:
    not_empty, ignore_missing, unicode_safe = _common()
    return {"id": [not_empty, inputs.text, unicode_safe, text],
            "planned_at": [ignore_missing, moment],
            "planned_month": [ignore_missing, month],
            "reason": [not_empty, inputs.text, public_text]}


def cancel_schema() -> Schema:
    not_empty, _ignore, unicode_safe = _common()
    return {"id": [not_empty, inputs.text, unicode_safe, text],
            "notice": [not_empty, inputs.text, public_text]}


def extend_schema() -> Schema:
    not_empty, _ignore, unicode_safe = _common()
    return {"id": [not_empty, inputs.text, unicode_safe, text],
            "until": [not_empty, moment],
            "reason": [not_empty, inputs.text, text]}


def period_schema(creating: bool) -> Schema:
    not_empty, ignore_missing, unicode_safe = _common()
    first = [not_empty] if creating else [ignore_missing]
    schema: Schema = {
        "name": [*first, inputs.text, unicode_safe, name],
        "title": [*first, inputs.text, unicode_safe, title],
        "kind": [*first, one_of(calendar.PERIOD_KINDS, blank=False)],
        "release_at": [*first, required_moment],
        "deadline_at": [*first, required_moment],
        "description": [ignore_missing, inputs.text, public_text],
    }
    if not creating:
        schema["id"] = [not_empty, inputs.text, unicode_safe, text]
        schema["reason"] = [ignore_missing, inputs.text, public_text]
    return schema


def period_list_schema() -> Schema:
    _not_empty, ignore_missing, _unicode = _common()
    return {"upcoming": [ignore_missing, inputs.strict_boolean]}


def subscribe_schema() -> Schema:
    not_empty, _ignore, unicode_safe = _common()
    return {"email": [not_empty, inputs.text, unicode_safe, text],
            "target_kind": [not_empty, one_of(("sector", "opd",
                                               "indicator"))],
            "target": [not_empty, inputs.text, unicode_safe, text]}


def token_schema() -> Schema:
    not_empty, _ignore, unicode_safe = _common()
    return {"token": [not_empty, inputs.text, unicode_safe, text]}


def unsubscribe_schema() -> Schema:
    _not_empty, ignore_missing, _unicode = _common()
    return {**token_schema(), "all": [ignore_missing, inputs.strict_boolean]}


def jakarta(value: dt.datetime | None) -> str | None:
    return value.astimezone(workflow.JAKARTA).isoformat() if value else None
