"""Who may call the review actions. The version's state is checked again
in the action, under the workflow's lock."""
from __future__ import annotations

from ckan import model
from ckan.plugins import toolkit as tk
from ckan.types import AuthResult, Context, DataDict

from ckanext.magetan import entities, review, workflow

__all__ = ["magetan_review_comment_create", "magetan_review_comment_respond",
           "magetan_review_list"]


def _package(data_dict: DataDict) -> model.Package | None:
    return model.Package.get(str((data_dict or {}).get("id") or ""))


def _readable(context: Context, package: model.Package | None) -> bool:
    return package is not None and \
        entities.may_read(context, "package_show", package.id)


def magetan_review_comment_create(context: Context,
                                  data_dict: DataDict) -> AuthResult:
    """A reviewer of the version: a role some review state waits for."""
    package = _package(data_dict)
    user = workflow.user_object(context.get("user"))
    if not _readable(context, package) or not any(
            review.reviewer_role(user, package, state)
            for state in workflow.REVIEW_STATES):
        return {"success": False, "msg": tk._(
            "Only a reviewer of this version may comment on it.")}
    return {"success": True}


def magetan_review_comment_respond(context: Context,
                                   data_dict: DataDict) -> AuthResult:
    """The OPD's data managers, and sysadmins."""
    package = _package(data_dict)
    user = workflow.user_object(context.get("user"))
    if not _readable(context, package) or user is None or not (
            user.sysadmin
            or workflow.PENGELOLA in workflow.roles_on(user, package)):
        return {"success": False, "msg": tk._(
            "Only a data manager of this OPD may answer review comments.")}
    return {"success": True}


def magetan_review_list(context: Context, data_dict: DataDict) -> AuthResult:
    """The OPD, Walidata and sysadmins, for a version they may see."""
    package = _package(data_dict)
    user = workflow.user_object(context.get("user"))
    if not _readable(context, package) or \
            not review.internal_reader(user, package):
        return {"success": False, "msg": tk._(
            "Review comments are for the OPD and Walidata.")}
    return {"success": True}
