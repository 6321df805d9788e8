"""The validation report page of a resource, and the button that
validates it again."""
from __future__ import annotations

from typing import Any

from flask import Blueprint

from ckan import model
from ckan.plugins import toolkit as tk

from ckanext.magetan import web

validation_pages = Blueprint("magetan_validation", __name__)


def _resource(id: str, resource_id: str) -> tuple[dict[str, Any],
                                                   dict[str, Any]]:
    """The dataset and resource as the person may see them (404 for a
    resource that is not of this dataset, 403 for one they may not see)."""
    context = web.user_context()
    try:
        package = tk.get_action("package_show")(dict(context), {"id": id})
        resource = tk.get_action("resource_show")(dict(context),
                                                  {"id": resource_id})
    except (tk.ObjectNotFound, tk.NotAuthorized):
        # as CKAN's own pages: a private dataset's existence is not told
        return tk.abort(404, tk._("Resource not found"))
    if resource.get("package_id") != package["id"]:
        return tk.abort(404, tk._("Resource not found"))
    return package, resource


@validation_pages.route("/dataset/<id>/resource/<resource_id>/validation")
def report(id: str, resource_id: str) -> Any:
    """The report: which row, which column, what is wrong, how to fix it."""
    package, resource = _resource(id, resource_id)
    try:
        tk.get_action("resource_validation_show")(
            web.user_context(), {"resource_id": resource["id"]})
    except tk.ObjectNotFound:
        return tk.abort(404, tk._(
            "This resource is not a table: it has no validation."))
    except tk.NotAuthorized:
        return tk.abort(403, tk._("Not authorized to see this resource"))
    may_run = tk.h.check_access("resource_validation_run",
                                {"resource_id": resource["id"]})
    return tk.render("validation/report.html", {
        "pkg_dict": package, "package": package, "res": resource,
        "resource": resource, "may_run": may_run})


@validation_pages.route(
    "/dataset/<id>/resource/<resource_id>/validation/run", methods=["POST"])
def run(id: str, resource_id: str) -> Any:
    """Validate again: at once for a small upload, else in the
    background."""
    if not tk.current_user.is_authenticated:
        return tk.abort(403, tk._("Log in to validate this resource."))
    package, resource = _resource(id, resource_id)
    stored = model.Resource.get(resource["id"])
    from ckanext.magetan import validation

    data = {"resource_id": resource["id"],
            "async": not (stored is not None and validation.inline(stored))}
    try:
        result = tk.get_action("resource_validation_run")(
            web.user_context(), data)
    except tk.NotAuthorized as error:
        tk.h.flash_error(str(error) or tk._("Not authorized"))
    except tk.ValidationError as error:
        tk.h.flash_error(web.errors_text(error))
    else:
        tk.h.flash_success(
            tk._("The file is validated again in the background.")
            if result["status"] == validation.PENDING
            else tk._("The file is validated."))
    return tk.redirect_to("magetan_validation.report", id=package["name"],
                          resource_id=resource["id"])
