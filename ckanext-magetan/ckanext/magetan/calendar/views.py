"""Pages of the release calendar: the public list and month views, an
entry's page, the feeds, subscriptions, and Walidata's planning page."""
from __future__ import annotations

import calendar as month_grid
import datetime as dt
import re
from typing import Any

from flask import Blueprint, Response, request

from ckan.plugins import toolkit as tk

from ckanext.magetan import calendar, web, workflow
from ckanext.magetan.calendar import feeds

calendar_pages = Blueprint("magetan_calendar", __name__)

FILTERS = ("owner_org", "sector", "status", "q", "period")
PER_PAGE = 50
ENTRY_FIELDS = ("title", "owner_org", "sector", "period_covered", "period",
                "planned_at", "planned_month", "status", "notice", "contact",
                "package", "reason")


def _filters() -> dict[str, Any]:
    return {key: request.args[key] for key in FILTERS
            if request.args.get(key)}


def _call(action: str, data: dict[str, Any]) -> Any:
    return tk.get_action(action)(web.user_context(), data)


def _month(value: str | None) -> dt.date:
    today = workflow.now().astimezone(workflow.JAKARTA).date()
    try:
        year, month = (int(part) for part in (value or "").split("-"))
        return dt.date(year, month, 1) if 2000 <= year <= 2100 else \
            today.replace(day=1)
    except ValueError:
        return today.replace(day=1)


def _choices() -> dict[str, Any]:
    organizations = tk.get_action("organization_list")(
        web.user_context(), {"all_fields": True})
    sectors = tk.get_action("group_list")(web.user_context(),
                                          {"all_fields": True})
    return {"organizations": organizations, "sectors": sectors,
            "statuses": [(s, calendar.status_label(s))
                         for s in calendar.STATUSES]}


@calendar_pages.route("/release-calendar")
def index() -> Any:
    """Upcoming and past releases, as a list or a month."""
    view = request.args.get("view", "upcoming")
    if view not in ("upcoming", "past", "month"):
        view = "upcoming"
    filters = _filters()
    params: dict[str, Any] = dict(filters)
    month = None
    weeks: list[list[dict[str, Any]]] = []
    try:
        page = max(1, min(int(request.args.get("page", 1)), 10_000))
    except ValueError:
        page = 1
    if view == "month":
        month = _month(request.args.get("month"))
        last = month.replace(day=month_grid.monthrange(month.year,
                                                       month.month)[1])
        params.update(start=month.isoformat(), end=last.isoformat(),
                      limit=1000)
    else:
        if "status" not in filters:
            params["upcoming"] = view == "upcoming"
        params.update(limit=PER_PAGE, offset=(page - 1) * PER_PAGE)
    try:
        found = _call("magetan_release_calendar", params)
    except tk.ValidationError as error:
        tk.h.flash_error(web.errors_text(error))
        found = {"count": 0, "entries": []}
    if month is not None:
        by_day: dict[int, list[dict[str, Any]]] = {}
        for entry in found["entries"]:
            moment = entry["released_at"] or entry["planned_date"]
            if moment:
                by_day.setdefault(int(moment[8:10]), []).append(entry)
        for week in month_grid.Calendar(firstweekday=0).monthdayscalendar(
                month.year, month.month):
            weeks.append([{"day": day, "entries": by_day.get(day, [])}
                          for day in week])
        undated = [e for e in found["entries"]
                   if not (e["released_at"] or e["planned_date"])]
    else:
        undated = []
    return tk.render("calendar/index.html", {
        "view": view, "found": found, "filters": filters, "page": page,
        "per_page": PER_PAGE, "month": month, "weeks": weeks,
        "undated": undated,
        "previous_month": (month - dt.timedelta(days=1)).strftime("%Y-%m")
        if month else None,
        "next_month": (month + dt.timedelta(days=32)).strftime("%Y-%m")
        if month else None,
        "may_manage": _may_manage(),
        **_choices()})


def _allowed(action: str) -> bool:
    """Whether the person may call ``action`` (its auth function decides;
    the pages' buttons only follow it)."""
    try:
        return tk.check_access(action, web.user_context(), {})
    except tk.NotAuthorized:
        return False


def _may_manage() -> bool:
    return _allowed("magetan_release_entry_create")


@calendar_pages.route("/release-calendar/<id>")
def entry(id: str) -> Any:
    try:
        shown = _call("magetan_release_entry_show", {"id": id})
    except tk.ObjectNotFound:
        return tk.abort(404, tk._("Release not found"))
    except tk.ValidationError:
        return tk.abort(404, tk._("Release not found"))
    return tk.render("calendar/entry.html", {
        "entry": shown, "may_manage": _may_manage(),
        "may_release": _allowed("magetan_release_entry_postpone"),
        "may_extend": _allowed("magetan_release_entry_extend"),
        **_choices(),
        "periods": _call("magetan_release_period_list", {})})


FEED_SIZE = 1000


def _feed_entries(released_only: bool) -> list[dict[str, Any]]:
    """What a feed carries: the latest releases (and cancellations), and
    for the iCalendar every upcoming release too."""
    params: dict[str, Any] = {key: request.args[key]
                              for key in ("owner_org", "sector")
                              if request.args.get(key)}
    try:
        found = _call("magetan_release_calendar", {
            **params, "upcoming": False, "limit": FEED_SIZE,
            **({"status": calendar.PUBLISHED} if released_only else {})}
        )["entries"]
        if not released_only:
            found += _call("magetan_release_calendar", {
                **params, "upcoming": True, "limit": FEED_SIZE})["entries"]
    except (tk.ValidationError, tk.ObjectNotFound) as error:
        return tk.abort(400, web.errors_text(error)
                        if isinstance(error, tk.ValidationError)
                        else str(error))
    return found


@calendar_pages.route("/release-calendar.ics")
def ics() -> Any:
    """The calendar as iCalendar, for a calendar application to subscribe
    to (``?owner_org=…&sector=…``)."""
    body = feeds.ical(_feed_entries(False), tk._("Release calendar") +
                      f" – {tk.config.get('ckan.site_title')}")
    return Response(body, mimetype="text/calendar", headers={
        "Content-Disposition": 'inline; filename="kalender-rilis.ics"'})


@calendar_pages.route("/release-calendar/releases.atom")
def atom() -> Any:
    """Released data, latest first, as Atom."""
    body = feeds.atom(
        _feed_entries(True),
        tk._("Releases") + f" – {tk.config.get('ckan.site_title')}",
        tk.url_for("magetan_calendar.index", view="past", _external=True),
        tk.url_for("magetan_calendar.atom", _external=True,
                   **{key: request.args[key] for key in ("owner_org",
                                                         "sector")
                      if request.args.get(key)}))
    return Response(body, mimetype="application/atom+xml")


# -- subscriptions ------------------------------------------------------------------

def _local_path(value: str) -> str:
    """Where to go back to: a path of this site, nothing else."""
    if not re.fullmatch(r"/(?![/\\])[\x21-\x7e]{0,2000}", value or ""):
        return tk.url_for("magetan_calendar.index")
    return value


@calendar_pages.route("/release-calendar/subscribe", methods=["POST"])
def subscribe() -> Any:
    back = _local_path(request.form.get("came_from", ""))
    kind, target = request.form.get("target_kind", ""), \
        request.form.get("target", "")
    if request.form.get("follow"):  # one select of "kind:name"
        kind, _sep, target = request.form["follow"].partition(":")
    try:
        result = _call("magetan_release_subscribe", {
            "email": request.form.get("email", ""),
            "target_kind": kind, "target": target})
    except tk.ValidationError as error:
        tk.h.flash_error(web.errors_text(error))
    except tk.ObjectNotFound as error:
        tk.h.flash_error(str(error) or tk._("Nothing to follow by that "
                                            "name."))
    else:
        tk.h.flash_success(result["message"])
    return tk.redirect_to(back)


@calendar_pages.route("/release-calendar/subscription/<token>",
                      methods=["GET", "POST"])
def confirm(token: str) -> Any:
    return _subscription_page(token, "confirm")


@calendar_pages.route("/release-calendar/subscription/<token>/unsubscribe",
                      methods=["GET", "POST"])
def unsubscribe(token: str) -> Any:
    return _subscription_page(token, "unsubscribe")


def _subscription_page(token: str, what: str) -> Any:
    """A page with one button: a link in an e-mail is opened by scanners
    too, so only a person's POST confirms or unsubscribes."""
    from ckanext.magetan.calendar import subscriptions
    found = subscriptions.by_token(token)
    if found is None:
        return tk.abort(404, tk._("This link is not valid."))
    done = None
    if request.method == "POST":
        action = "magetan_release_subscription_confirm" if what == "confirm" \
            else "magetan_release_unsubscribe"
        params: dict[str, Any] = {"token": token}
        if what == "unsubscribe" and (
                request.form.get("all") == "true"
                # RFC 8058: a mail client's one-click unsubscribe
                or request.form.get("List-Unsubscribe") == "One-Click"):
            params["all"] = True
        try:
            done = _call(action, params)
        except tk.ObjectNotFound as error:
            tk.h.flash_error(str(error))
        found = subscriptions.by_token(token)
    return tk.render("calendar/subscription.html", {
        "what": what, "done": done, "token": token,
        "confirmed": found["confirmed_at"] is not None,
        "active": found["unsubscribed_at"] is None,
        "target_title": subscriptions.target_title(found["target_kind"],
                                                   found["target_id"]),
        "target_kind": found["target_kind"]})


# -- planning (Walidata) --------------------------------------------------------------

def _form(fields: tuple[str, ...]) -> dict[str, Any]:
    return {key: request.form[key] for key in fields if key in request.form}


def _act(action: str, data: dict[str, Any], success: str) -> bool:
    try:
        _call(action, data)
    except tk.NotAuthorized as error:
        tk.h.flash_error(str(error) or tk._("Not allowed."))
    except tk.ObjectNotFound as error:
        tk.h.flash_error(str(error) or tk._("Release not found"))
    except tk.ValidationError as error:
        tk.h.flash_error(web.errors_text(error))
    else:
        tk.h.flash_success(success)
        return True
    return False


def _login_first() -> Any:
    if not tk.current_user.is_authenticated:
        return tk.redirect_to("user.login", came_from=request.path)
    return None


@calendar_pages.route("/release-calendar/kelola")
def manage() -> Any:
    """Walidata's planning page: release periods, and a new release."""
    gone = _login_first()
    if gone:
        return gone
    if not _may_manage():
        return tk.abort(403, tk._("Only Walidata plans the release "
                                  "calendar."))
    upcoming = _call("magetan_release_calendar",
                     {"upcoming": True, "limit": 1000})
    return tk.render("calendar/manage.html", {
        "periods": _call("magetan_release_period_list", {}),
        "upcoming": upcoming, **_choices(),
        "kinds": [(k, calendar.kind_label(k))
                  for k in calendar.PERIOD_KINDS]})


@calendar_pages.route("/release-calendar/new", methods=["POST"])
def create() -> Any:
    gone = _login_first()
    if gone:
        return gone
    data = {key: value for key, value in _form(ENTRY_FIELDS).items()
            if value != ""}
    _act("magetan_release_entry_create", data,
         tk._("The release is on the calendar."))
    return tk.redirect_to("magetan_calendar.manage")


@calendar_pages.route("/release-calendar/periods/new", methods=["POST"])
def create_period() -> Any:
    gone = _login_first()
    if gone:
        return gone
    _act("magetan_release_period_create",
         _form(("name", "title", "kind", "release_at", "deadline_at",
                "description")),
         tk._("The release period was added."))
    return tk.redirect_to("magetan_calendar.manage")


@calendar_pages.route("/release-calendar/periods/<id>/edit",
                      methods=["POST"])
def edit_period(id: str) -> Any:
    gone = _login_first()
    if gone:
        return gone
    data = {key: value for key, value in _form(
        ("title", "kind", "release_at", "deadline_at", "description",
         "reason")).items() if value != ""}
    _act("magetan_release_period_update", {"id": id, **data},
         tk._("The release period was changed."))
    return tk.redirect_to("magetan_calendar.manage")


CLEARABLE = ("notice", "contact", "period_covered", "owner_org", "sector",
             "period")

STEPS = {
    "edit": ("magetan_release_entry_update", ENTRY_FIELDS),
    "postpone": ("magetan_release_entry_postpone",
                 ("planned_at", "planned_month", "reason")),
    "cancel": ("magetan_release_entry_cancel", ("notice",)),
    "publish": ("magetan_release_entry_publish", ()),
    "extend": ("magetan_release_entry_extend", ("until", "reason")),
}


def _done(step: str) -> str:
    return {
        "edit": tk._("The release was changed."),
        "postpone": tk._("The release is postponed."),
        "cancel": tk._("The release is cancelled."),
        "publish": tk._("The data is published."),
        "extend": tk._("The deadline is extended."),
    }[step]


@calendar_pages.route("/release-calendar/<id>/<step>", methods=["POST"])
def step(id: str, step: str) -> Any:
    """One of Walidata's or the head of office's steps on a release."""
    gone = _login_first()
    if gone:
        return gone
    if step not in STEPS:
        return tk.abort(404, tk._("Not found"))
    action, fields = STEPS[step]
    # a blank field of the edit form clears it; others mean "unchanged"
    data = {key: value for key, value in _form(fields).items()
            if value != "" or (step == "edit" and key in CLEARABLE)}
    _act(action, {"id": id, **data}, _done(step))
    if calendar.entry_row(id) is None:
        return tk.redirect_to("magetan_calendar.index")
    return tk.redirect_to("magetan_calendar.entry", id=id)
