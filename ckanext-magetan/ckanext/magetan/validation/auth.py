"""Who may call the validation actions (the names ckanext-validation
gives them)."""
from __future__ import annotations

from ckan import model
from ckan.plugins import toolkit as tk
from ckan.types import AuthResult, Context, DataDict

from ckanext.magetan import entities

__all__ = ["resource_validation_show", "resource_validation_run",
           "resource_validation_delete"]


def _package_id(data_dict: DataDict) -> str | None:
    resource = model.Resource.get(str((data_dict or {}).get(
        "resource_id") or ""))
    return resource.package_id if resource is not None else None


@tk.auth_allow_anonymous_access
def resource_validation_show(context: Context,
                             data_dict: DataDict) -> AuthResult:
    """Whoever may read the resource: its report holds its cells."""
    package_id = _package_id(data_dict)
    if package_id is None or not entities.may_read(
            context, "package_show", package_id):
        return {"success": False, "msg": tk._(
            "Not authorized to see this resource's validation.")}
    return {"success": True}


def resource_validation_run(context: Context,
                            data_dict: DataDict) -> AuthResult:
    """Whoever may edit the dataset."""
    package_id = _package_id(data_dict)
    if package_id is None or not entities.may_read(
            context, "package_update", package_id):
        return {"success": False, "msg": tk._(
            "Only an editor of this dataset may validate its resources.")}
    return {"success": True}


def resource_validation_delete(context: Context,
                               data_dict: DataDict) -> AuthResult:
    """As running: a deleted result only makes the resource pending."""
    return resource_validation_run(context, data_dict)
