"""Who may call the workflow's actions, and the lock on versions under
review."""
from __future__ import annotations

from ckan import model
from ckan.plugins import toolkit as tk
from ckan.types import AuthFunction, AuthResult, Context, DataDict

from ckanext.magetan import entities, workflow

__all__ = ["magetan_workflow_transition", "magetan_workflow_show",
           "magetan_workflow_revision_start", "magetan_task_list", "magetan_role_assign", "magetan_role_revoke",
           "magetan_role_list", "package_update"]


def _package(data_dict: DataDict) -> model.Package | None:
    return model.Package.get(str((data_dict or {}).get("id") or ""))


def _may_read(context: Context, package: model.Package) -> bool:
    return entities.may_read(context, "package_show", package.id)


def magetan_workflow_transition(context: Context,
                                data_dict: DataDict) -> AuthResult:
    """Only a holder of the role the version's state waits for."""
    package = _package(data_dict)
    transition = workflow.TRANSITIONS.get((data_dict or {}).get("transition"))
    if package is None or transition is None:
        return {"success": False}
    user = workflow.user_object(context.get("user"))
    if not _may_read(context, package) or \
            not workflow.may_ever_take(user, package, transition):
        return {"success": False, "msg": tk._(
            "Your role may not take this step on this version.")}
    return {"success": True}


@tk.auth_allow_anonymous_access
def magetan_workflow_show(context: Context, data_dict: DataDict) -> AuthResult:
    """Whoever may see the dataset."""
    package = _package(data_dict)
    if package is None:
        return {"success": False}
    return {"success": _may_read(context, package)}


def magetan_workflow_revision_start(context: Context,
                                    data_dict: DataDict) -> AuthResult:
    """The OPD's data managers (editors and admins of its organization)."""
    package = _package(data_dict)
    user = workflow.user_object(context.get("user"))
    if package is None or user is None or \
            workflow.PENGELOLA not in workflow.roles_on(user, package):
        return {"success": False, "msg": tk._(
            "Only a data manager of this OPD may start a revision.")}
    return {"success": True}


def magetan_task_list(context: Context, data_dict: DataDict) -> AuthResult:
    """Any signed-in user (the list holds only what waits for them)."""
    return {"success": bool(context.get("user"))}


def magetan_role_assign(context: Context, data_dict: DataDict) -> AuthResult:
    """Sysadmins only (CKAN lets them through before asking)."""
    return {"success": False, "msg": tk._(
        "Only a sysadmin may assign Walidata roles.")}


def magetan_role_revoke(context: Context, data_dict: DataDict) -> AuthResult:
    return {"success": False, "msg": tk._(
        "Only a sysadmin may revoke Walidata roles.")}


def magetan_role_list(context: Context, data_dict: DataDict) -> AuthResult:
    """Sysadmins and holders of a Walidata role."""
    user = workflow.user_object(context.get("user"))
    return {"success": bool(user and workflow.walidata_roles(user.id))}


@tk.chained_auth_function
def package_update(up_func: AuthFunction, context: Context,
                   data_dict: DataDict) -> AuthResult:
    """A version is edited only as a draft: under review it is what the
    reviewers see; published, it changes through a revision. (Resources,
    views and deletion ask this too.)"""
    package = _package(data_dict) or context.get("package")
    state = workflow.state_of(package.id) if package is not None else None
    if state not in (None, workflow.DRAFT):
        return {"success": False, "msg": tk._(
            "This dataset is published; start a revision to change it.")
            if state == workflow.PUBLISHED else tk._(
            "This version is under review and cannot be edited; the "
            "reviewer can return it to the OPD.")}
    return up_func(context, data_dict)
