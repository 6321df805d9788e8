"""The release calendar's actions: the public calendar, planning by
Walidata, the head of office's decisions, and subscriptions."""
from __future__ import annotations

import datetime as dt
import uuid
from typing import Any, Mapping

import babel.dates
import sqlalchemy as sa

from ckan import model
from ckan.plugins import toolkit as tk
from ckan.types import Context, DataDict

from ckanext.magetan import calendar, entities, inputs, workflow
from ckanext.magetan.calendar import schema, subscriptions
from ckanext.magetan.calendar import tables as ct

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


def _user(context: Context) -> model.User | None:
    return workflow.user_object(context.get("user"))


def _by(context: Context) -> str:
    user = _user(context)
    return user.name if user else "site"


def may_manage(context: Context) -> bool:
    """Whether the caller plans the calendar (Walidata, sysadmins): they see
    who changed what, and the extensions."""
    user = _user(context)
    if context.get("ignore_auth") or (user is not None and user.sysadmin):
        return True
    return bool(user and workflow.walidata_roles(user.id))


# -- what the public sees -------------------------------------------------------------

def _group_ref(group_id: str | None) -> dict[str, Any] | None:
    group = model.Group.get(group_id) if group_id else None
    if group is None or group.state != "active":
        return None
    return {"id": group.id, "name": group.name,
            "title": group.title or group.name}


def _published_dataset(entry: Mapping[str, Any]) -> dict[str, Any] | None:
    """The dataset a released entry links to, when it is public now."""
    if entry["status"] != calendar.PUBLISHED or not entry["package_id"]:
        return None
    package = model.Package.get(entry["package_id"])
    found = workflow.row(package.id) if package is not None else None
    if package is None or package.state != "active" or found is None \
            or not workflow.is_public(found):
        return None
    return {"id": package.id, "name": package.name,
            "title": package.title or package.name,
            "url": tk.url_for(f"{package.type}.read", id=package.name,
                              _external=True)}


def planned_text(entry: Mapping[str, Any]) -> str:
    """The planned date as the public reads it: a time, a month, or to be
    announced."""
    if entry["planned_at"] is not None:
        return calendar.time_text(entry["planned_at"])
    if entry["planned_month"] is not None:
        return babel.dates.format_date(entry["planned_month"], "LLLL y",
                                       locale=calendar.locale())
    return tk._("To be announced")


def _moment_text(at: dt.datetime | None, month: dt.date | None) -> str | None:
    if at is None and month is None:
        return None
    return planned_text({"planned_at": at, "planned_month": month})


def _change_dict(change: Mapping[str, Any], manager: bool) -> dict[str, Any]:
    shown = {
        "at": schema.jakarta(change["at"]),
        "at_text": calendar.time_text(change["at"]),
        "kind": change["kind"],
        "kind_label": calendar.change_label(change["kind"]),
        "status": change["status"],
        "status_label": calendar.status_label(change["status"]),
        "previous_status": change["previous_status"],
        "previous_date": schema.jakarta(change["previous_at"]),
        "previous_month": change["previous_month"].strftime("%Y-%m")
        if change["previous_month"] else None,
        "previous_text": _moment_text(change["previous_at"],
                                      change["previous_month"]),
        "planned_date": schema.jakarta(change["planned_at"]),
        "planned_month": change["planned_month"].strftime("%Y-%m")
        if change["planned_month"] else None,
        "planned_text": _moment_text(change["planned_at"],
                                     change["planned_month"]),
        "reason": change["reason"],
    }
    if manager:
        shown["user"] = change["user_name"]
    return shown


def entry_dict(entry: Mapping[str, Any], context: Context,
               with_changes: bool = True) -> dict[str, Any]:
    """An entry as the calendar shows it: never anything of an unpublished
    version but what the entry itself holds."""
    manager = may_manage(context)
    period = None
    if entry["period_id"]:
        found = model.Session.execute(sa.select(ct.period).where(
            ct.period.c.id == entry["period_id"])).mappings().first()
        if found is not None:
            period = {"id": found["id"], "name": found["name"],
                      "title": found["title"]}
    shown: dict[str, Any] = {
        "id": entry["id"],
        "title": entry["title"],
        "status": entry["status"],
        "status_label": calendar.status_label(entry["status"]),
        "organization": _group_ref(entry["owner_org"]),
        "sector": _group_ref(entry["sector"]),
        "period_covered": entry["period_covered"],
        "release_period": period,
        "planned_date": schema.jakarta(entry["planned_at"]),
        "planned_month": entry["planned_month"].strftime("%Y-%m")
        if entry["planned_month"] else None,
        "planned_text": planned_text(entry),
        "notice": entry["notice"],
        "contact": entry["contact"],
        "released_at": schema.jakarta(entry["released_at"]),
        "released_text": calendar.time_text(entry["released_at"])
        if entry["released_at"] else None,
        "dataset": _published_dataset(entry),
        "sequence": entry["sequence"],
        "modified": schema.jakarta(entry["modified_at"]),
        "url": tk.url_for("magetan_calendar.entry", id=entry["id"],
                          _external=True),
        "date_changed": False,
    }
    if with_changes:
        # an extension is between Walidata and the OPD
        shown["changes"] = [_change_dict(c, manager)
                            for c in calendar.changes(entry["id"])
                            if manager or c["kind"] != "extended"]
        shown["date_changed"] = any(
            c["previous_text"] and c["previous_text"] != c["planned_text"]
            for c in shown["changes"] if c["kind"] != "planned")
    if manager:
        shown["extension_until"] = schema.jakarta(entry["extension_until"])
        shown["extension_text"] = calendar.time_text(entry["extension_until"]) \
            if entry["extension_until"] else None
        shown["extension_reason"] = entry["extension_reason"]
        shown["scheduled_version"] = _scheduled_version(entry) is not None
        shown["package_id"] = entry["package_id"]
    return shown


def _scheduled_version(entry: Mapping[str, Any]) -> str | None:
    """The version scheduled for this entry's release, if one is."""
    if not entry["version_id"] or entry["status"] not in calendar.UPCOMING:
        return None
    return entry["version_id"] if workflow.state_of(entry["version_id"]) \
        == workflow.SCHEDULED else None


def _group_id(value: str | None, kind: str, field: str) -> str | None:
    if not value:
        return None
    group = model.Group.get(value)
    if group is None or group.state != "active" or group.is_organization \
            != (kind == "organization"):
        raise tk.ValidationError({field: [
            tk._("OPD not found") if kind == "organization"
            else tk._("Sector not found")]})
    return group.id


@tk.side_effect_free
def magetan_release_calendar(context: Context,
                             data_dict: DataDict) -> dict[str, Any]:
    """The release calendar: announced, released and cancelled releases,
    for anyone, with the log of their date changes.

    :param start: from this date (YYYY-MM-DD, Asia/Jakarta; by planned or
        release date)
    :type start: string
    :param end: up to and including this date
    :type end: string
    :param status: ``provisional``, ``confirmed``, ``postponed``,
        ``cancelled``, ``published``; one, a comma-separated list or a list
    :type status: string or list
    :param owner_org: the OPD (id or name)
    :type owner_org: string
    :param sector: the sector (group id or name)
    :type sector: string
    :param period: the release period (id or name)
    :type period: string
    :param dataset: the releases of this indicator (id or name)
    :type dataset: string
    :param q: words in the title or the period covered
    :type q: string
    :param upcoming: true: upcoming releases only (soonest first); false:
        released and cancelled ones (latest first)
    :type upcoming: boolean
    :param limit: at most this many (default 100, at most 1000)
    :type limit: int
    :param offset: skip this many
    :type offset: int
    :returns: ``{"count": n, "entries": [...]}``
    :rtype: dictionary
    """
    data = inputs.validated(data_dict, schema.calendar_schema(), context)
    tk.check_access("magetan_release_calendar", context, data)
    entry = ct.entry
    when = sa.func.coalesce(entry.c.released_at, entry.c.planned_at,
                            sa.cast(entry.c.planned_month,
                                    sa.DateTime(timezone=True)))
    query = sa.select(entry)
    if data.get("status"):
        query = query.where(entry.c.status.in_(data["status"]))
    if data.get("upcoming") is True:
        query = query.where(entry.c.status.in_(calendar.UPCOMING))
    elif data.get("upcoming") is False:
        query = query.where(entry.c.status.in_((calendar.PUBLISHED,
                                                calendar.CANCELLED)))
    if data.get("owner_org"):
        query = query.where(entry.c.owner_org == _group_id(
            data["owner_org"], "organization", "owner_org"))
    if data.get("sector"):
        query = query.where(entry.c.sector == _group_id(
            data["sector"], "group", "sector"))
    if data.get("period"):
        period = calendar.period_row(data["period"])
        if period is None:
            raise tk.ValidationError({"period": [tk._(
                "Release period not found")]})
        query = query.where(entry.c.period_id == period["id"])
    if data.get("dataset"):
        query = query.where(entry.c.package_id == _readable_dataset(
            context, data["dataset"]))
    if data.get("start"):
        start = dt.datetime.combine(data["start"], dt.time(),
                                    workflow.JAKARTA)
        query = query.where(when >= start)
    if data.get("end"):
        end = dt.datetime.combine(data["end"], dt.time(), workflow.JAKARTA) \
            + dt.timedelta(days=1)
        query = query.where(when < end)
    for word in (data.get("q") or "").split()[:10]:
        pattern = "%" + word.replace("\\", "\\\\").replace("%", "\\%") \
            .replace("_", "\\_") + "%"
        query = query.where(sa.or_(entry.c.title.ilike(pattern),
                                   entry.c.period_covered.ilike(pattern)))
    total = model.Session.execute(
        sa.select(sa.func.count()).select_from(query.subquery())).scalar_one()
    ascending = data.get("upcoming") is not False
    order = when.asc().nulls_last() if ascending else when.desc().nulls_last()
    rows = model.Session.execute(
        query.order_by(order, entry.c.title, entry.c.id)
        .limit(data.get("limit", 100)).offset(data.get("offset", 0))
    ).mappings().all()
    return {"count": total,
            "entries": [entry_dict(found, context) for found in rows]}


def _readable_dataset(context: Context, id_or_name: str) -> str:
    """The id of a dataset the caller may read (its published indicator,
    for a revision); not found otherwise, so that the filter tells nothing
    of datasets the caller may not see."""
    package = model.Package.get(id_or_name)
    if package is None or not entities.may_read(context, "package_show",
                                                package.id):
        raise tk.ObjectNotFound(tk._("Dataset not found"))
    found = workflow.row(package.id)
    return (found or {}).get("revision_of") or package.id


def _entry(entry_id: str, lock: bool = False) -> dict[str, Any]:
    found = calendar.entry_row(entry_id, lock=lock) \
        if isinstance(entry_id, str) else None
    if found is None:
        raise tk.ObjectNotFound(tk._("Release not found"))
    return found


@tk.side_effect_free
def magetan_release_entry_show(context: Context,
                               data_dict: DataDict) -> dict[str, Any]:
    """One release of the calendar, with its log of date changes.

    :param id: the entry's id
    :type id: string
    :rtype: dictionary
    """
    data = inputs.validated(data_dict, schema.entry_id_schema(), context)
    tk.check_access("magetan_release_entry_show", context, data)
    return entry_dict(_entry(data["id"]), context)


# -- planning ---------------------------------------------------------------------------

def _package_id(value: str | None) -> str | None:
    if not value:
        return None
    package = model.Package.get(value)
    if package is None or package.state == "deleted" \
            or workflow.row(package.id) is None:
        raise tk.ValidationError({"package": [tk._("Dataset not found")]})
    found = workflow.row(package.id)
    return found["revision_of"] or package.id


def _planned(data: Mapping[str, Any], current: Mapping[str, Any] | None,
             errors: dict[str, list[str]]) -> dict[str, Any]:
    """The date fields of an entry from the parameters (a period's release
    time when neither a time nor a month is given)."""
    values: dict[str, Any] = {}
    if "period" in data:
        period = calendar.period_row(data["period"]) if data["period"] \
            else None
        if data["period"] and period is None:
            errors["period"] = [tk._("Release period not found")]
        values["period_id"] = period["id"] if period else None
        if period and "planned_at" not in data and \
                "planned_month" not in data:
            values["planned_at"] = period["release_at"]
            values["planned_month"] = None
    if "planned_at" in data:
        given = data["planned_at"]
        if given is not None and current is not None and \
                current["planned_at"] is not None and \
                current["planned_at"].replace(second=0, microsecond=0) \
                == given:
            given = current["planned_at"]  # a form gives minutes only
        values["planned_at"] = given
        if given is not None:
            values["planned_month"] = None
    if "planned_month" in data and data["planned_month"] is not None:
        values["planned_month"] = data["planned_month"]
        if "planned_at" not in data:
            values["planned_at"] = None
    at = values.get("planned_at")
    if at is not None and at <= calendar.now() and (
            current is None or at != current["planned_at"]):
        errors["planned_at"] = [tk._("The planned time must be in the "
                                     "future.")]
    return values


def magetan_release_entry_create(context: Context,
                                 data_dict: DataDict) -> dict[str, Any]:
    """Announce a release (Walidata), before or after the data exists.

    :param title: what is released (required)
    :type title: string
    :param owner_org: the OPD that produces it
    :type owner_org: string
    :param sector: its sector (group id or name)
    :type sector: string
    :param period_covered: the period the data covers (``2025``,
        ``Triwulan III 2026``)
    :type period_covered: string
    :param period: the release period it belongs to; its release time is
        the default date
    :type period: string
    :param planned_at: the release time (ISO 8601, Asia/Jakarta without an
        offset)
    :type planned_at: string
    :param planned_month: or, while provisional, a month (``YYYY-MM``)
    :type planned_month: string
    :param status: ``provisional`` (default) or ``confirmed`` (needs
        ``planned_at``)
    :type status: string
    :param notice: a note for the public
    :type notice: string
    :param contact: who answers questions about it
    :type contact: string
    :param package: the indicator (dataset id or name) that will fulfil it
    :type package: string
    :rtype: dictionary
    """
    data = inputs.validated(data_dict, schema.entry_create_schema(), context)
    tk.check_access("magetan_release_entry_create", context, data)
    errors: dict[str, list[str]] = {}
    values = _entry_values(data, None, errors)
    if errors:
        raise tk.ValidationError(errors)
    created = calendar.create_entry(values, _by(context),
                                    data.get("reason") or None)
    model.repo.commit()
    return entry_dict(calendar.entry_row(created["id"]), context)


def _entry_values(data: Mapping[str, Any], current: Mapping[str, Any] | None,
                  errors: dict[str, list[str]]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for key in ("title", "period_covered", "notice", "contact"):
        if key in data:
            values[key] = data[key] or None
    for key, kind in (("owner_org", "organization"), ("sector", "group")):
        if key in data:
            try:
                values[key] = _group_id(data[key], kind, key)
            except tk.ValidationError as error:
                errors.update(error.error_dict)
    if "package" in data:
        try:
            values["package_id"] = _package_id(data["package"])
        except tk.ValidationError as error:
            errors.update(error.error_dict)
    values.update(_planned(data, current, errors))
    status = data.get("status") or (current["status"] if current
                                    else calendar.PROVISIONAL)
    if status == calendar.CONFIRMED and not \
            values.get("planned_at", current["planned_at"] if current
                       else None):
        errors["planned_at"] = [tk._(
            "A confirmed release needs its date and time.")]
    if data.get("status"):
        values["status"] = data["status"]
    return values


def magetan_release_entry_update(context: Context,
                                 data_dict: DataDict) -> dict[str, Any]:
    """Change an upcoming release (Walidata): the parameters of
    ``magetan_release_entry_create``, and ``reason``, required when the date
    of a confirmed or postponed release changes (the public sees it). A
    release with a scheduled version moves only by ``..._postpone``.

    :param id: the entry's id
    :type id: string
    :rtype: dictionary
    """
    data = inputs.validated(data_dict, schema.entry_update_schema(), context)
    tk.check_access("magetan_release_entry_update", context, data)
    current = _entry(data["id"], lock=True)
    if current["status"] not in calendar.UPCOMING:
        raise tk.ValidationError({"id": [tk._(
            "A released or cancelled release cannot be changed.")]})
    errors: dict[str, list[str]] = {}
    values = _entry_values(data, current, errors)
    moved = any(key in values and values[key] != current[key]
                for key in ("planned_at", "planned_month"))
    if moved and _scheduled_version(current):
        errors["planned_at"] = [tk._(
            "This release is scheduled: only the head of office moves it, "
            "by postponing it.")]
    if moved and current["status"] in (calendar.CONFIRMED,
                                       calendar.POSTPONED) \
            and current["planned_at"] and not data.get("reason"):
        errors["reason"] = [tk._(
            "Say why the date changes: the public sees the reason.")]
    if values.get("status") == calendar.PROVISIONAL and \
            current["status"] != calendar.PROVISIONAL and \
            not data.get("reason"):
        errors["reason"] = [tk._(
            "Say why the date is no longer confirmed: the public sees the "
            "reason.")]
    becomes = values.get("status", current["status"])
    if current["status"] == calendar.POSTPONED and becomes == \
            calendar.POSTPONED and "notice" in values and not values["notice"]:
        errors["notice"] = [tk._(
            "A postponed release keeps its notice: the public reads why.")]
    if errors:
        raise tk.ValidationError(errors)
    kind = "confirmed" if becomes == calendar.CONFIRMED and \
        current["status"] == calendar.PROVISIONAL else \
        "moved" if moved else "edited"
    calendar.update_entry(current, values, _by(context), kind,
                          data.get("reason") or None)
    model.repo.commit()
    return entry_dict(calendar.entry_row(current["id"]), context)


# -- the head of office's decisions -----------------------------------------------

def _workflow_step(context: Context, version_id: str, transition: str,
                   **params: Any) -> None:
    tk.get_action("magetan_workflow_transition")(
        {"user": context.get("user") or "",
         "auth_user_obj": context.get("auth_user_obj"),
         "ignore_auth": bool(context.get("ignore_auth"))},
        {"id": version_id, "transition": transition, **params})


def _upcoming(entry_id: str, refusal: str
              ) -> tuple[dict[str, Any], str | None]:
    """An upcoming entry and its scheduled version, if any. The entry is
    locked only when no version is: a scheduled release changes through
    the workflow, which locks the version, then the entry (locking the
    entry first would deadlock with the clock)."""
    for lock in (False, True):
        current = _entry(entry_id, lock=lock)
        if current["status"] not in calendar.UPCOMING:
            raise tk.ValidationError({"id": [refusal]})
        version = _scheduled_version(current)
        if version is not None:
            return current, version
    return current, None


def magetan_release_entry_postpone(context: Context,
                                   data_dict: DataDict) -> dict[str, Any]:
    """Postpone a release (the head of office): a later time, or a month,
    or neither (to be announced), and the reason the public reads. A
    scheduled version moves with it (the workflow's ``postpone``; a time is
    then required).

    :param id: the entry's id
    :type id: string
    :param planned_at: the new time
    :type planned_at: string
    :param planned_month: or a month (``YYYY-MM``)
    :type planned_month: string
    :param reason: why (required; public)
    :type reason: string
    :rtype: dictionary
    """
    data = inputs.validated(data_dict, schema.postpone_schema(), context)
    tk.check_access("magetan_release_entry_postpone", context, data)
    current, version = _upcoming(data["id"], tk._(
        "Only an upcoming release can be postponed."))
    if version is not None:
        if not data.get("planned_at"):
            raise tk.ValidationError({"planned_at": [tk._(
                "This release is scheduled: give its new date and time.")]})
        _workflow_step(context, version, "postpone",
                       release_at=data["planned_at"].isoformat(),
                       reason=data["reason"])
        return entry_dict(calendar.entry_row(current["id"]), context)
    errors: dict[str, list[str]] = {}
    values = _planned({key: data[key] for key in ("planned_at",
                                                  "planned_month")
                       if key in data}, current, errors)
    previous = current["planned_at"]
    if values.get("planned_at") and previous and \
            values["planned_at"] <= previous:
        errors["planned_at"] = [tk._(
            "A postponement moves the release later.")]
    month = values.get("planned_month")
    if month and previous and month <= previous.astimezone(
            workflow.JAKARTA).date().replace(day=1):
        errors["planned_month"] = [tk._(
            "A postponement moves the release later.")]
    if errors:
        raise tk.ValidationError(errors)
    values.setdefault("planned_at", None)
    values.setdefault("planned_month", None)
    calendar.update_entry(current, {**values, "status": calendar.POSTPONED,
                                    "notice": data["reason"]},
                          _by(context), "postponed", data["reason"])
    model.repo.commit()
    return entry_dict(calendar.entry_row(current["id"]), context)


def magetan_release_entry_cancel(context: Context,
                                 data_dict: DataDict) -> dict[str, Any]:
    """Cancel a release (the head of office), with the notice the public
    reads; a scheduled version goes back to ``approved``, unpublished.

    :param id: the entry's id
    :type id: string
    :param notice: why (required; public)
    :type notice: string
    :rtype: dictionary
    """
    data = inputs.validated(data_dict, schema.cancel_schema(), context)
    tk.check_access("magetan_release_entry_cancel", context, data)
    current, version = _upcoming(data["id"], tk._(
        "Only an upcoming release can be cancelled."))
    if version is not None:
        _workflow_step(context, version, "cancel_release",
                       reason=data["notice"])
        return entry_dict(calendar.entry_row(current["id"]), context)
    calendar.update_entry(current, {"status": calendar.CANCELLED,
                                    "notice": data["notice"]},
                          _by(context), "cancelled", data["notice"])
    model.repo.commit()
    return entry_dict(calendar.entry_row(current["id"]), context)


def magetan_release_entry_publish(context: Context,
                                  data_dict: DataDict) -> dict[str, Any]:
    """Publish a scheduled release now (the head of office): the
    workflow's ``publish`` of its version.

    :param id: the entry's id
    :type id: string
    :rtype: dictionary
    """
    data = inputs.validated(data_dict, schema.entry_id_schema(), context)
    tk.check_access("magetan_release_entry_publish", context, data)
    current = _entry(data["id"])
    version = _scheduled_version(current)
    if version is None:
        raise tk.ValidationError({"id": [tk._(
            "No version is scheduled for this release: the head of office "
            "schedules an approved version first.")]})
    _workflow_step(context, version, "publish",
                   expected_state=workflow.SCHEDULED)
    return entry_dict(calendar.entry_row(current["id"]), context)


def magetan_release_entry_extend(context: Context,
                                 data_dict: DataDict) -> dict[str, Any]:
    """Grant an upcoming release more time before its data must reach
    Walidata (the head of section, of division or of office): it is not
    moved to the next period at its period's deadline.

    :param id: the entry's id
    :type id: string
    :param until: the new deadline (before the release time)
    :type until: string
    :param reason: why (required)
    :type reason: string
    :rtype: dictionary
    """
    data = inputs.validated(data_dict, schema.extend_schema(), context)
    tk.check_access("magetan_release_entry_extend", context, data)
    current = _entry(data["id"], lock=True)
    if current["status"] not in calendar.UPCOMING:
        raise tk.ValidationError({"id": [tk._(
            "Only an upcoming release can be given more time.")]})
    if data["until"] <= calendar.now():
        raise tk.ValidationError({"until": [tk._(
            "The new deadline must be in the future.")]})
    period = calendar.period_row(current["period_id"]) \
        if current["period_id"] else None
    deadline = current["extension_until"] or (
        period["deadline_at"] if period else None)
    if deadline is not None and data["until"] <= deadline:
        raise tk.ValidationError({"until": [tk._(
            "More time means a deadline later than the present one, "
            "{time}.").format(time=calendar.time_text(deadline))]})
    if current["planned_at"] and data["until"] > current["planned_at"]:
        raise tk.ValidationError({"until": [tk._(
            "The new deadline must come before the release time; postpone "
            "the release to give more.")]})
    calendar.update_entry(current, {"extension_until": data["until"],
                                    "extension_reason": data["reason"]},
                          _by(context), "extended", data["reason"])
    model.repo.commit()
    return entry_dict(calendar.entry_row(current["id"]), context)


# -- release periods -------------------------------------------------------------

def _period_dict(found: Mapping[str, Any]) -> dict[str, Any]:
    counts = dict(model.Session.execute(
        sa.select(ct.entry.c.status, sa.func.count())
        .where(ct.entry.c.period_id == found["id"])
        .group_by(ct.entry.c.status)).all())
    return {"id": found["id"], "name": found["name"],
            "title": found["title"], "kind": found["kind"],
            "kind_label": calendar.kind_label(found["kind"]),
            "release_at": schema.jakarta(found["release_at"]),
            "deadline_at": schema.jakarta(found["deadline_at"]),
            "description": found["description"],
            "entry_counts": counts,
            "passed": found["release_at"] <= calendar.now()}


def _check_period(values: Mapping[str, Any],
                  errors: dict[str, list[str]]) -> None:
    if values["deadline_at"] > values["release_at"]:
        errors["deadline_at"] = [tk._(
            "The deadline for data comes before the release time.")]


def magetan_release_period_create(context: Context,
                                  data_dict: DataDict) -> dict[str, Any]:
    """A release period (Walidata): the annual book edition, a quarter…

    :param name: a short name for URLs (``2027-tahunan``)
    :type name: string
    :param title: its title
    :type title: string
    :param kind: ``annual``, ``semester``, ``quarterly``, ``monthly`` or
        ``ad_hoc``
    :type kind: string
    :param release_at: when its releases come out (Asia/Jakarta)
    :type release_at: string
    :param deadline_at: when their data must have reached Walidata; a
        release whose data has not moves to the next period
    :type deadline_at: string
    :param description: notes
    :type description: string
    :rtype: dictionary
    """
    data = inputs.validated(data_dict, schema.period_schema(True), context)
    tk.check_access("magetan_release_period_create", context, data)
    errors: dict[str, list[str]] = {}
    _check_period(data, errors)
    if calendar.period_row(data["name"]) is not None:
        errors["name"] = [tk._("This name is taken.")]
    if errors:
        raise tk.ValidationError(errors)
    row = {"id": str(uuid.uuid4()), "name": data["name"],
           "title": data["title"], "kind": data["kind"],
           "release_at": data["release_at"],
           "deadline_at": data["deadline_at"],
           "description": data.get("description") or None,
           "created_at": calendar.now(), "created_by": _by(context)}
    model.Session.execute(sa.insert(ct.period).values(**row))
    model.repo.commit()
    return _period_dict(row)


def magetan_release_period_update(context: Context,
                                  data_dict: DataDict) -> dict[str, Any]:
    """Change a release period (Walidata); its upcoming releases that kept
    the period's time move with it, logged with the reason.

    :param id: the period's id or name
    :type id: string
    :param reason: why the release time changes (required when it does
        and the period has confirmed releases)
    :type reason: string
    :rtype: dictionary
    """
    data = inputs.validated(data_dict, schema.period_schema(False), context)
    reason = data.get("reason") or None
    tk.check_access("magetan_release_period_update", context, data)
    current = calendar.period_row(data["id"])
    if current is None:
        raise tk.ObjectNotFound(tk._("Release period not found"))
    values = {key: data[key] for key in ("name", "title", "kind",
                                          "release_at", "deadline_at",
                                          "description") if key in data}
    merged = {**current, **values}
    errors: dict[str, list[str]] = {}
    _check_period(merged, errors)
    if "name" in values and values["name"] != current["name"] and \
            calendar.period_row(values["name"]) is not None:
        errors["name"] = [tk._("This name is taken.")]
    moving = model.Session.execute(
        sa.select(ct.entry).where(
            ct.entry.c.period_id == current["id"],
            ct.entry.c.status.in_(calendar.UPCOMING),
            ct.entry.c.planned_at == current["release_at"])
        .with_for_update()).mappings().all() \
        if merged["release_at"] != current["release_at"] else []
    moving = [dict(found) for found in moving
              if not _scheduled_version(found)]
    if any(found["status"] != calendar.PROVISIONAL for found in moving) \
            and not reason:
        errors["reason"] = [tk._(
            "Say why the release time changes: the public sees the reason.")]
    if merged["release_at"] != current["release_at"] and \
            merged["release_at"] <= calendar.now():
        errors["release_at"] = [tk._("The release time must be in the "
                                     "future.")]
    if merged["deadline_at"] != current["deadline_at"] and \
            merged["deadline_at"] <= calendar.now():
        errors["deadline_at"] = [tk._(
            "A deadline is moved only to a time still ahead: releases "
            "whose data is late would move at once.")]
    if errors:
        raise tk.ValidationError(errors)
    model.Session.execute(sa.update(ct.period)
                          .where(ct.period.c.id == current["id"])
                          .values(**values))
    for found in moving:
        calendar.update_entry(found, {"planned_at": merged["release_at"]},
                              _by(context), "moved", reason)
    model.repo.commit()
    return _period_dict(calendar.period_row(current["id"]))


@tk.side_effect_free
def magetan_release_period_list(context: Context,
                                data_dict: DataDict) -> list[dict[str, Any]]:
    """The release periods, by release time.

    :param upcoming: true: only those not released yet
    :type upcoming: boolean
    :rtype: list of dictionaries
    """
    data = inputs.validated(data_dict, schema.period_list_schema(), context)
    tk.check_access("magetan_release_period_list", context, data)
    query = sa.select(ct.period).order_by(ct.period.c.release_at)
    if data.get("upcoming"):
        query = query.where(ct.period.c.release_at > calendar.now())
    return [_period_dict(found)
            for found in model.Session.execute(query).mappings()]


@tk.side_effect_free
def magetan_release_period_show(context: Context,
                                data_dict: DataDict) -> dict[str, Any]:
    """One release period.

    :param id: its id or name
    :type id: string
    :rtype: dictionary
    """
    data = inputs.validated(data_dict, schema.entry_id_schema(), context)
    tk.check_access("magetan_release_period_show", context, data)
    found = calendar.period_row(data["id"])
    if found is None:
        raise tk.ObjectNotFound(tk._("Release period not found"))
    return _period_dict(found)


# -- subscriptions -----------------------------------------------------------------

def magetan_release_subscribe(context: Context,
                              data_dict: DataDict) -> dict[str, Any]:
    """Ask for an e-mail at every release of a sector, an OPD or an
    indicator; a confirmation link goes to the address first. The answer
    is the same whether or not the address follows it already.

    :param email: the address
    :type email: string
    :param target_kind: ``sector``, ``opd`` or ``indicator``
    :type target_kind: string
    :param target: the group's or published dataset's id or name
    :type target: string
    :rtype: dictionary
    """
    data = inputs.validated(data_dict, schema.subscribe_schema(), context)
    tk.check_access("magetan_release_subscribe", context, data)
    email = subscriptions.normal_email(data["email"])
    if email is None:
        raise tk.ValidationError({"email": [tk._(
            "This is not an e-mail address.")]})
    found = subscriptions.target(data["target_kind"], data["target"])
    if found is None:
        raise tk.ObjectNotFound(tk._("Nothing to follow by that name."))
    subscriptions.subscribe(email, data["target_kind"], found[0],
                            calendar.locale())
    model.repo.commit()
    return {"email": email, "target_kind": data["target_kind"],
            "target": found[0], "target_title": found[1],
            "message": tk._("If the address can receive e-mail, a message "
                            "with a confirmation link is on its way.")}


def _subscription_dict(found: Mapping[str, Any]) -> dict[str, Any]:
    return {"target_kind": found["target_kind"],
            "target": found["target_id"],
            "target_title": subscriptions.target_title(
                found["target_kind"], found["target_id"]),
            "confirmed": found["confirmed_at"] is not None,
            "active": found["unsubscribed_at"] is None}


def magetan_release_subscription_confirm(context: Context,
                                         data_dict: DataDict
                                         ) -> dict[str, Any]:
    """Confirm a subscription with the token of its e-mail's link.

    :param token: the token
    :type token: string
    :rtype: dictionary
    """
    data = inputs.validated(data_dict, schema.token_schema(), context)
    tk.check_access("magetan_release_subscription_confirm", context, data)
    found = subscriptions.confirm(data["token"])
    if found is None:
        raise tk.ObjectNotFound(tk._(
            "This link is not valid, or the subscription has ended."))
    model.repo.commit()
    return _subscription_dict(found)


def magetan_release_unsubscribe(context: Context,
                                data_dict: DataDict) -> dict[str, Any]:
    """End a subscription with the token of its e-mails' link.

    :param token: the token
    :type token: string
    :param all: true: end every subscription of the same address
    :type all: boolean
    :rtype: dictionary
    """
    data = inputs.validated(data_dict, schema.unsubscribe_schema(), context)
    tk.check_access("magetan_release_unsubscribe", context, data)
    found = subscriptions.unsubscribe(data["token"],
                                      everything=bool(data.get("all")))
    if found is None:
        raise tk.ObjectNotFound(tk._("This link is not valid."))
    model.repo.commit()
    return _subscription_dict(found)
