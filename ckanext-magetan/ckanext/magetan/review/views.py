"""Review comments from a version's page: a reviewer's verdict on a field
or resource, and the OPD's answer."""
from __future__ import annotations

from typing import Any

import re

import sqlalchemy as sa
from flask import Blueprint, request

from ckan import model
from ckan.plugins import toolkit as tk

from ckanext.magetan import web
from ckanext.magetan.review.tables import comment as comment_table

review_pages = Blueprint("magetan_review", __name__)


def _back(id: str) -> Any:
    package = model.Package.get(id)
    if package is None:
        return tk.redirect_to("dataset.search")
    return tk.redirect_to(f"{package.type}.read", id=package.name,
                          _anchor="magetan-review")


def _run(action: str, data: dict[str, Any], done: str) -> None:
    try:
        tk.get_action(action)(web.user_context(), data)
    except tk.ObjectNotFound:
        tk.abort(404, tk._("Dataset not found"))
    except tk.NotAuthorized as error:
        tk.h.flash_error(str(error) or tk._("Not authorized"))
    except tk.ValidationError as error:
        tk.h.flash_error(web.errors_text(error))
    else:
        tk.h.flash_success(done)


@review_pages.route("/dataset/<id>/review", methods=["POST"])
def comment(id: str) -> Any:
    """A reviewer's verdict; ``target`` is ``field:<name>`` or
    ``resource:<id>``."""
    if not tk.current_user.is_authenticated:
        return tk.abort(403, tk._("Log in to review this version."))
    kind, _sep, target = request.form.get("target", "").partition(":")
    data = {"id": id, "verdict": request.form.get("verdict", ""),
            "feedback": request.form.get("feedback", "")}
    if kind == "resource":
        data["resource_id"] = target
    else:
        data["field"] = target
    _run("magetan_review_comment_create", data,
         tk._("The comment is recorded."))
    return _back(id)


def _version_of(comment_id: str) -> str | None:
    """The version a comment (by its number in the URL) is on."""
    if not re.fullmatch(r"[0-9]{1,18}", comment_id):
        return None
    return model.Session.execute(
        sa.select(comment_table.c.package_id)
        .where(comment_table.c.id == int(comment_id))).scalar()


@review_pages.route("/dataset/<id>/review/<comment_id>/response",
                    methods=["POST"])
def respond(id: str, comment_id: str) -> Any:
    """The OPD's answer to one comment."""
    if not tk.current_user.is_authenticated:
        return tk.abort(403, tk._("Log in to review this version."))
    if _version_of(comment_id) != getattr(model.Package.get(id), "id", ""):
        return tk.abort(404, tk._("Comment not found"))
    _run("magetan_review_comment_respond",
         {"id": comment_id, "response": request.form.get("response", "")},
         tk._("Your answer is recorded."))
    return _back(id)
