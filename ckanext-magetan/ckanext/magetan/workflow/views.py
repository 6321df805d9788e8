"""Pages of the workflow: the steps from a dataset's page, Tugas saya, the
history as CSV, and the Walidata roles (sysadmins)."""
from __future__ import annotations

import csv
import io
from typing import Any

from flask import Blueprint, Response, request

from ckan import model
from ckan.plugins import toolkit as tk

from ckanext.magetan import web, workflow

workflow_pages = Blueprint("magetan_workflow", __name__)

FORM_FIELDS = ("reason", "forum_date", "forum_minutes_number", "forum_notes",
               "release_at", "expected_state", "override_reason")


@workflow_pages.route("/dataset/<id>/workflow", methods=["POST"])
def transition(id: str) -> Any:
    """One step, from the dialog on the dataset's page."""
    if not tk.current_user.is_authenticated:
        return tk.abort(403, tk._("Log in to take a step of the workflow."))
    params = {key: request.form[key] for key in FORM_FIELDS
              if request.form.get(key)}
    name = request.form.get("transition", "")
    landing = id
    try:
        shown = tk.get_action("magetan_workflow_transition")(
            web.user_context(), {"id": id, "transition": name, **params})
    except tk.ObjectNotFound:
        return tk.abort(404, tk._("Dataset not found"))
    except tk.NotAuthorized as error:
        tk.h.flash_error(str(error) or tk._(
            "Your role may not take this step on this version."))
    except tk.ValidationError as error:
        tk.h.flash_error(web.errors_text(error))
    else:
        tk.h.flash_success(tk._("Done: the version is now \u201c{state}\u201d.")
                           .format(state=shown["state_label"]))
        # a published revision is merged into the public dataset and gone
        landing = shown["id"]
    package = model.Package.get(landing)
    if package is None:
        return tk.redirect_to("dataset.search")
    return tk.redirect_to(f"{package.type}.read", id=package.name)


@workflow_pages.route("/dataset/<id>/revision", methods=["POST"])
def start_revision(id: str) -> Any:
    """Mulai revisi: a hidden copy to edit, then the SOP again."""
    if not tk.current_user.is_authenticated:
        return tk.abort(403, tk._("Log in to take a step of the workflow."))
    try:
        shown = tk.get_action("magetan_workflow_revision_start")(
            web.user_context(), {"id": id,
                         "change_note": request.form.get("change_note", "")})
    except tk.ObjectNotFound:
        return tk.abort(404, tk._("Dataset not found"))
    except (tk.NotAuthorized, tk.ValidationError) as error:
        tk.h.flash_error(web.errors_text(error)
                         if isinstance(error, tk.ValidationError)
                         else str(error))
        package = model.Package.get(id)
        return tk.redirect_to(f"{package.type}.read", id=package.name) \
            if package else tk.redirect_to("dataset.search")
    tk.h.flash_success(tk._(
        "The revision was created. Edit it, then submit it: the public keeps "
        "seeing the published version until the revision is published."))
    package = model.Package.get(shown["id"])
    return tk.redirect_to(f"{package.type}.read", id=package.name)


@workflow_pages.route("/dataset/<id>/workflow/history.csv")
def history_csv(id: str) -> Any:
    """The audit trail the caller may see, as CSV."""
    try:
        shown = tk.get_action("magetan_workflow_show")(
            web.user_context(), {"id": id})
    except (tk.ObjectNotFound, tk.NotAuthorized):
        return tk.abort(404, tk._("Dataset not found"))
    columns = ("at", "user_name", "role", "transition", "from_state",
               "to_state", "reason", "forum_date", "forum_minutes_number",
               "forum_notes", "release_at", "override_reason")
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(columns)
    for event in shown["history"]:
        writer.writerow([_safe_cell(event.get(c)) for c in columns])
    return Response(out.getvalue(), mimetype="text/csv", headers={
        "Content-Disposition":
            f'attachment; filename="riwayat-{shown["name"]}.csv"'})


def _safe_cell(value: Any) -> str:
    """A cell a spreadsheet will not run as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


@workflow_pages.route("/tugas-saya")
def tasks() -> Any:
    """Tugas saya: what waits for the user, per role."""
    if not tk.current_user.is_authenticated:
        return tk.redirect_to("user.login", came_from=request.path)
    found = tk.get_action("magetan_task_list")(web.user_context(), {})
    return tk.render("workflow/tasks.html", {"tasks": found})


@workflow_pages.route("/walidata/versi")
def versions() -> Any:
    """Every version the user may see, by state and OPD (for Walidata)."""
    if not tk.current_user.is_authenticated:
        return tk.redirect_to("user.login", came_from=request.path)
    state = request.args.get("state", "")
    org = request.args.get("organization", "")
    fq = []
    if state in workflow.STATES:
        fq.append(f'workflow_state:"{state}"')
    orgs = tk.get_action("organization_list")(
        web.user_context(), {"all_fields": True, "limit": 1000})
    if org in {o["name"] for o in orgs}:
        fq.append(f'organization:"{org}"')
    page = max(1, tk.h.get_page_number(request.args))
    found = tk.get_action("package_search")(web.user_context(), {
        "fq": " ".join(fq), "include_private": True, "rows": 50,
        "start": (page - 1) * 50, "sort": "metadata_modified desc",
        "facet.field": ["workflow_state"], "facet.limit": -1})
    counts = {item["name"]: item["count"] for item in
              found["search_facets"].get("workflow_state", {}).get("items", [])}
    return tk.render("workflow/versions.html", {
        "found": found, "state": state, "organization": org,
        "organizations": orgs, "counts": counts,
        "states": workflow.STATES})


@workflow_pages.route("/ckan-admin/walidata", methods=["GET", "POST"])
def roles() -> Any:
    """Sysadmins give and take Walidata roles."""
    context = web.user_context()
    try:
        tk.check_access("magetan_role_assign", context, {})
    except tk.NotAuthorized:
        return tk.abort(403, tk._("Only a sysadmin may assign Walidata roles."))
    if request.method == "POST":
        action = "magetan_role_revoke" if request.form.get("revoke") \
            else "magetan_role_assign"
        try:
            tk.get_action(action)(context, {
                "user": request.form.get("user", ""),
                "role": request.form.get("role", "")})
        except tk.ValidationError as error:
            tk.h.flash_error(web.errors_text(error))
        else:
            tk.h.flash_success(tk._("The roles were saved."))
        return tk.redirect_to("magetan_workflow.roles")
    held = tk.get_action("magetan_role_list")(context, {})
    return tk.render("workflow/roles.html", {
        "held": held, "roles": [(r, workflow.role_label(r))
                                for r in workflow.WALIDATA_ROLES]})
