"""The release calendar: release periods, one entry per announced release,
the public log of date changes, and the embargo that publishes a scheduled
version at its time (docs/calendar.md).

An entry announces a release before the data exists (planned by Walidata,
or from the Matriks Indikator) and follows the version that fulfils it
through the workflow (``gates.py``): scheduling confirms its date,
postponing or cancelling it is the head of office's step, publishing it
links the entry to the public dataset. The calendar never shows a version's
content: an entry holds its own title, OPD, sector, period and date.

The clock is :func:`ckanext.magetan.workflow.now`: :func:`publish_due`
publishes every version whose time has come, :func:`move_missed` moves
entries whose data missed their period's deadline to the next period. The
worker runs both every few seconds (``jobs.py``), ``ckan magetan
publish-due`` from cron.
"""
from __future__ import annotations

import datetime as dt
import logging
import uuid
from typing import Any, Mapping

import babel.dates
import sqlalchemy as sa

from ckan import model
from ckan.plugins import toolkit as tk

from ckanext.magetan import workflow
from ckanext.magetan.calendar import tables as ct
from ckanext.magetan.workflow import tables as wm

log = logging.getLogger(__name__)

PROVISIONAL, CONFIRMED, POSTPONED, CANCELLED, PUBLISHED = (
    "provisional", "confirmed", "postponed", "cancelled", "published")
STATUSES = (PROVISIONAL, CONFIRMED, POSTPONED, CANCELLED, PUBLISHED)
UPCOMING = (PROVISIONAL, CONFIRMED, POSTPONED)

PERIOD_KINDS = ("annual", "semester", "quarterly", "monthly", "ad_hoc")

# who plans (every Walidata role), grants extensions, and decides releases
PLANNERS = workflow.WALIDATA_ROLES
EXTENDERS = (workflow.KASI, workflow.KABID, workflow.KADIN)
RELEASERS = (workflow.KADIN,)

# the states a version must have reached by its period's deadline
_ORDER = {state: number for number, state in enumerate(workflow.STATES)}


def status_label(status: str) -> str:
    labels = {
        PROVISIONAL: tk._("Provisional"),
        CONFIRMED: tk._("Confirmed"),
        POSTPONED: tk._("Postponed"),
        CANCELLED: tk._("Cancelled"),
        PUBLISHED: tk._("Released"),
    }
    return labels.get(status, status)


def kind_label(kind: str) -> str:
    labels = {
        "annual": tk._("Annual"),
        "semester": tk._("Semi-annual"),
        "quarterly": tk._("Quarterly"),
        "monthly": tk._("Monthly"),
        "ad_hoc": tk._("Ad hoc"),
    }
    return labels.get(kind, kind)


def change_label(kind: str) -> str:
    labels = {
        "planned": tk._("Announced"),
        "edited": tk._("Details changed"),
        "confirmed": tk._("Date confirmed"),
        "moved": tk._("Date changed"),
        "postponed": tk._("Postponed"),
        "auto_moved": tk._("Moved to the next release period"),
        "extended": tk._("Deadline extended"),
        "cancelled": tk._("Cancelled"),
        "published": tk._("Released"),
        "withdrawn": tk._("Release withdrawn"),
    }
    return labels.get(kind, kind)


def now() -> dt.datetime:
    return workflow.now()


def locale() -> str:
    try:
        return tk.h.lang() or "id"
    except RuntimeError:  # outside a request (the worker)
        return tk.config.get("ckan.locale_default") or "id"


def time_text(moment: dt.datetime) -> str:
    """A time as people read it, in Jakarta's time and the page's
    language: ``5 Maret 2027 09.00 WIB``."""
    local = moment.astimezone(workflow.JAKARTA)
    return tk._("{date} {time} WIB").format(
        date=babel.dates.format_date(local.date(), "d MMMM y",
                                     locale=locale()),
        time=local.strftime("%H.%M"))


def ready_state() -> str:
    state = tk.config.get("ckanext.magetan.calendar.ready_state")
    return state if state in workflow.STATES else workflow.SUBMITTED


# -- reading -------------------------------------------------------------------

def entry_row(entry_id: str, lock: bool = False) -> dict[str, Any] | None:
    query = sa.select(ct.entry).where(ct.entry.c.id == entry_id)
    if lock:
        query = query.with_for_update()
    found = model.Session.execute(query).mappings().first()
    return dict(found) if found else None


def period_row(id_or_name: str) -> dict[str, Any] | None:
    found = model.Session.execute(sa.select(ct.period).where(sa.or_(
        ct.period.c.id == id_or_name, ct.period.c.name == id_or_name))
    ).mappings().first()
    return dict(found) if found else None


def changes(entry_id: str) -> list[dict[str, Any]]:
    return [dict(found) for found in model.Session.execute(
        sa.select(ct.change).where(ct.change.c.entry_id == entry_id)
        .order_by(ct.change.c.id)).mappings()]


def entry_for(indicator_id: str, version_id: str,
              lock: bool = False) -> dict[str, Any] | None:
    """The upcoming entry a version fulfils: the one it was scheduled for,
    else the earliest planned one of its indicator."""
    query = (sa.select(ct.entry)
             .where(ct.entry.c.status.in_(UPCOMING),
                    sa.or_(ct.entry.c.version_id == version_id,
                           ct.entry.c.package_id.in_(
                               {indicator_id, version_id})))
             .order_by(sa.func.coalesce(ct.entry.c.version_id == version_id,
                                        False).desc(),
                       sa.func.coalesce(ct.entry.c.planned_at,
                                        ct.entry.c.planned_month),
                       ct.entry.c.created_at)
             .limit(1))
    if lock:
        query = query.with_for_update()
    found = model.Session.execute(query).mappings().first()
    return dict(found) if found else None


def next_period(missed: Mapping[str, Any], entry: Mapping[str, Any],
                at: dt.datetime) -> dict[str, Any] | None:
    """The release period a release that missed ``missed`` moves to: the
    next one of the same kind whose deadline is still ahead, released
    after both the missed period and the release's own date."""
    later_than = max(filter(None, (missed["release_at"],
                                   entry["planned_at"])))
    found = model.Session.execute(
        sa.select(ct.period).where(ct.period.c.kind == missed["kind"],
                                   ct.period.c.id != missed["id"],
                                   ct.period.c.deadline_at > at,
                                   ct.period.c.release_at > later_than)
        .order_by(ct.period.c.release_at).limit(1)).mappings().first()
    return dict(found) if found else None


def period_on(moment: dt.datetime) -> dict[str, Any] | None:
    """The release period released on the same day (Asia/Jakarta)."""
    day = moment.astimezone(workflow.JAKARTA).date()
    start = dt.datetime.combine(day, dt.time(), workflow.JAKARTA)
    found = model.Session.execute(
        sa.select(ct.period)
        .where(ct.period.c.release_at >= start,
               ct.period.c.release_at < start + dt.timedelta(days=1))
        .order_by(ct.period.c.release_at).limit(1)).mappings().first()
    return dict(found) if found else None


# -- writing -------------------------------------------------------------------

def create_entry(values: Mapping[str, Any], by: str,
                 reason: str | None = None) -> dict[str, Any]:
    """A new entry, announced in the log."""
    at = now()
    row = {
        **{column: None for column in ct.entry.c.keys()},
        "id": str(uuid.uuid4()), "status": PROVISIONAL, "sequence": 0,
        "created_at": at, "created_by": by, "modified_at": at,
        **{key: value for key, value in values.items()
           if key in ct.entry.c},
    }
    model.Session.execute(sa.insert(ct.entry).values(**row))
    log_change(row, by, "planned", None, None, reason)
    return row


def update_entry(current: dict[str, Any], values: Mapping[str, Any],
                 by: str, kind: str, reason: str | None = None
                 ) -> dict[str, Any]:
    """Change an entry; a change of date or status is logged with the
    previous date, and raises the iCalendar SEQUENCE."""
    changed = {key: value for key, value in values.items()
               if key in ct.entry.c and current.get(key) != value}
    if not changed and kind not in ("extended",):
        return current
    visible = bool({"planned_at", "planned_month", "status", "title",
                    "notice", "owner_org", "sector", "period_covered",
                    "contact"} & set(changed))
    changed["modified_at"] = now()
    if visible:
        changed["sequence"] = current["sequence"] + 1
    model.Session.execute(sa.update(ct.entry)
                          .where(ct.entry.c.id == current["id"])
                          .values(**changed))
    updated = {**current, **changed}
    # what the public read before stays on record
    before = [tk._("Previous {field}: \u201c{text}\u201d").format(
        field=label, text=current[key])
        for key, label in (("title", tk._("title")),
                           ("notice", tk._("notice")))
        if key in changed and current[key]]
    if before and kind == "edited":
        reason = " ".join(filter(None, [reason, *before]))
    dated = {"planned_at", "planned_month", "status"} & set(changed)
    if dated or kind == "extended" or (kind == "edited" and visible):
        log_change(updated, by, kind, current, current["status"], reason)
    return updated


def log_change(entry: Mapping[str, Any], by: str, kind: str,
               previous: Mapping[str, Any] | None,
               previous_status: str | None, reason: str | None) -> None:
    model.Session.execute(sa.insert(ct.change).values(
        entry_id=entry["id"], at=now(), user_name=by, kind=kind,
        previous_status=previous_status, status=entry["status"],
        previous_at=previous["planned_at"] if previous else None,
        previous_month=previous["planned_month"] if previous else None,
        planned_at=entry["planned_at"], planned_month=entry["planned_month"],
        reason=reason))


def _sector_of(package: model.Package) -> str | None:
    for group in package.get_groups("group"):
        if group.state == "active":
            return group.id
    return None


def _fields_of(package: model.Package) -> dict[str, Any]:
    """What an entry shows of a version: its title, OPD, sector and
    period (never its content)."""
    from ckanext.magetan.calendar.feeds import clean
    extras = package.extras or {}
    return {
        "title": " ".join(clean(package.title or package.name).split())[:500],
        "owner_org": package.owner_org,
        "sector": _sector_of(package),
        "period_covered": " ".join(clean(
            extras.get("reference_period")).split())[:500] or None,
        "contact": tk.config.get("ckanext.magetan.calendar.contact") or None,
    }


# -- following the workflow ------------------------------------------------------

def follow_transition(package_id: str, event: Mapping[str, Any]) -> None:
    """Keep the calendar in step with a version (``gates.after_transition``):
    ``package_id`` is the dataset the public sees change (the published
    dataset, for a revision), ``event`` the step just recorded."""
    transition = event["transition"]
    version_id = event["package_id"]
    indicator_id = event["indicator_id"]
    by = event["user_name"]
    if transition == "schedule":
        _scheduled(indicator_id, version_id, event, by)
    elif transition == "postpone":
        found = entry_for(indicator_id, version_id, lock=True)
        if found is not None:
            update_entry(found, {"planned_at": event["release_at"],
                                 "planned_month": None, "status": POSTPONED,
                                 "notice": event["reason"]},
                         by, "postponed", event["reason"])
    elif transition == "cancel_release":
        found = entry_for(indicator_id, version_id, lock=True)
        if found is not None:
            update_entry(found, {"status": CANCELLED,
                                 "notice": event["reason"]},
                         by, "cancelled", event["reason"])
    elif transition == "reject" and event["from_state"] == workflow.SCHEDULED:
        found = entry_for(indicator_id, version_id, lock=True)
        if found is not None:
            # the entry keeps its version: scheduled again, it is this one
            notice = tk._("The release is postponed: the data went back to "
                          "the OPD for correction. A new date will be "
                          "announced.")
            update_entry(found, {"planned_at": None, "planned_month": None,
                                 "status": POSTPONED, "notice": notice},
                         by, "withdrawn", notice)
    elif transition == "publish":
        found = entry_for(indicator_id, version_id, lock=True)
        package = model.Package.get(package_id)
        if found is None and package is not None:
            found = create_entry({**_fields_of(package),
                                  "package_id": package_id,
                                  "planned_at": event["at"],
                                  "status": CONFIRMED}, by)
        if found is not None:
            published = update_entry(
                found, {"status": PUBLISHED, "released_at": event["at"],
                        "package_id": package_id, "version_id": version_id},
                by, "published", None)
            from ckanext.magetan.calendar import subscriptions
            subscriptions.queue_release(published)


def _scheduled(indicator_id: str, version_id: str,
               event: Mapping[str, Any], by: str) -> None:
    release_at = event["release_at"]
    found = entry_for(indicator_id, version_id, lock=True)
    if found is None:
        package = model.Package.get(version_id)
        if package is None:
            return
        period = period_on(release_at)
        create_entry({**_fields_of(package),
                      "package_id": indicator_id, "version_id": version_id,
                      "period_id": period["id"] if period else None,
                      "planned_at": release_at, "status": CONFIRMED}, by)
        return
    kind = "moved" if found["status"] in (CONFIRMED, POSTPONED) \
        and found["planned_at"] else "confirmed"
    status = POSTPONED if found["status"] == POSTPONED else CONFIRMED
    if found["planned_at"] == release_at and found["status"] == status:
        kind = "confirmed"
    # the step's own note is internal (the workflow's history): the public
    # reads a fixed text
    reason = tk._("The head of office set the release time.") \
        if kind == "moved" else None
    update_entry(found, {"planned_at": release_at, "planned_month": None,
                         "status": status, "version_id": version_id},
                 by, kind, reason)


# -- the clock -----------------------------------------------------------------------

def due_versions(at: dt.datetime | None = None) -> list[str]:
    """The scheduled versions whose release time has come, oldest first."""
    return list(model.Session.execute(
        sa.select(wm.workflow.c.package_id)
        .join(model.Package, model.Package.id == wm.workflow.c.package_id)
        .where(wm.workflow.c.state == workflow.SCHEDULED,
               wm.workflow.c.release_at <= (at or now()),
               model.Package.state == "active")
        .order_by(wm.workflow.c.release_at, wm.workflow.c.package_id))
        .scalars())


def publish_due(at: dt.datetime | None = None) -> list[dict[str, Any]]:
    """Publish every version whose release time has come (also those missed
    while the portal was down). Each is published once: the workflow locks
    the version and checks its state, so a second worker finds it
    published and passes. Returns what was published (and what failed)."""
    at = at or now()
    return [publish_one(package_id, at) for package_id in due_versions(at)]


def publish_one(package_id: str, at: dt.datetime | None = None
                ) -> dict[str, Any]:
    """Publish one due version as the release schedule; what happened.
    A failure is logged and reported, never raised: the next versions and
    the next tick go on."""
    result: dict[str, Any] = {"id": package_id}
    at = at or now()
    try:
        shown = tk.get_action("magetan_workflow_transition")(
            {"ignore_auth": True, "user": "", "magetan_release_job": True,
             "magetan_release_clock": at},
            {"id": package_id, "transition": "publish",
             "expected_state": workflow.SCHEDULED})
    except tk.ObjectNotFound:
        model.Session.rollback()
        result["skipped"] = "gone"
    except Exception as error:  # noqa: BLE001 - one release never stops the rest
        model.Session.rollback()
        found = workflow.row(package_id)
        if found is None or found["state"] != workflow.SCHEDULED:
            # another worker (or the head of office) was first
            result["skipped"] = found["state"] if found else "gone"
        elif found["release_at"] is None or found["release_at"] > at:
            result["skipped"] = "postponed"
        else:
            result["error"] = getattr(error, "error_dict", None) \
                or f"{error.__class__.__name__}: {error}"
            log.exception("The scheduled release of %s failed", package_id)
    else:
        result["published"] = shown["id"]
        result["name"] = shown["name"]
    return result


def _ready(entry: Mapping[str, Any]) -> bool:
    """Whether the data of an entry has reached Walidata (the ready state)."""
    wanted = _ORDER[ready_state()]
    ids = {entry["version_id"], entry["package_id"]} - {None}
    if not ids:
        return False
    rows = model.Session.execute(
        sa.select(wm.workflow.c.state, wm.workflow.c.revision_of)
        .join(model.Package, model.Package.id == wm.workflow.c.package_id)
        .where(model.Package.state == "active", sa.or_(
            wm.workflow.c.package_id.in_(ids),
            wm.workflow.c.revision_of.in_(ids)))).all()
    for state, revision_of in rows:
        if state == workflow.PUBLISHED and revision_of is None:
            # the indicator's published version is an earlier release;
            # this entry waits for a new one (a revision)
            continue
        if _ORDER[state] >= wanted:
            return True
    return False


def move_missed(at: dt.datetime | None = None) -> list[dict[str, Any]]:
    """Move every upcoming entry whose data had not reached Walidata by
    its period's deadline (or its extension) to the next release period,
    with the reason on the calendar (the SOP's warning)."""
    at = at or now()
    late = model.Session.execute(
        sa.select(ct.entry.c.id)
        .join(ct.period, ct.period.c.id == ct.entry.c.period_id)
        .where(ct.entry.c.status.in_(UPCOMING),
               sa.func.coalesce(ct.entry.c.extension_until,
                                ct.period.c.deadline_at) <= at)
        .order_by(ct.entry.c.id)).scalars().all()
    moved = []
    for entry_id in late:
        found = entry_row(entry_id, lock=True)
        if found is None or found["status"] not in UPCOMING:
            continue
        period = model.Session.execute(sa.select(ct.period).where(
            ct.period.c.id == found["period_id"])).mappings().first()
        if period is None or (found["extension_until"] or
                              period["deadline_at"]) > at or _ready(found):
            continue
        following = next_period(period, found, at)
        # the period's own deadline: an extension is not the public's
        deadline = time_text(period["deadline_at"])
        if following is not None:
            reason = tk._(
                "The data had not reached Walidata by the deadline of "
                "{period} ({deadline}); as the SOP provides, it moves to "
                "the next release period, {next}.").format(
                    period=period["title"], deadline=deadline,
                    next=following["title"])
            values = {"period_id": following["id"],
                      "planned_at": following["release_at"]}
        else:
            reason = tk._(
                "The data had not reached Walidata by the deadline of "
                "{period} ({deadline}); it moves to the next release "
                "period, whose date will be announced.").format(
                    period=period["title"], deadline=deadline)
            values = {"period_id": None, "planned_at": None}
        update_entry(found, {**values, "planned_month": None,
                             "status": POSTPONED, "notice": reason,
                             "extension_until": None,
                             "extension_reason": None},
                     "system", "auto_moved", reason)
        moved.append({"id": entry_id, "to": following["name"]
                      if following else None})
    return moved


def sweep(at: dt.datetime | None = None) -> dict[str, Any]:
    """One tick of the clock: publish what is due, then move what missed
    its deadline. Each part commits on its own."""
    published = publish_due(at)
    try:
        moved = move_missed(at)
        model.repo.commit()
    except Exception:  # noqa: BLE001 - the releases stand; next tick again
        model.Session.rollback()
        log.exception("Moving releases that missed their deadline failed")
        moved = []
    return {"published": published, "moved": moved}
