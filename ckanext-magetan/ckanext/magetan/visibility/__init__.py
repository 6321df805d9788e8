"""What a person may see through CKAN's channels other than the dataset.

Stock CKAN 2.12 lists the tags and resource formats of private datasets to
anyone (``tag_list``, ``tag_search``, ``tag_autocomplete``, ``tag_show``,
``format_autocomplete``), names private datasets in ``member_list``, and
keeps showing a deleted or purged dataset's activities, with the stored
copy of the dataset, to whoever could see it when they were recorded. This
package closes those channels with the same permission labels that decide
``package_show`` and ``package_search`` (docs/workflow.md, "Visibility").
"""
from __future__ import annotations

from typing import Any, Iterable

import sqlalchemy as sa

from ckan import authz, model
from ckan.lib.plugins import get_permission_labels
from ckan.plugins import toolkit as tk
from ckan.types import Context

# the label of a deleted dataset's activities (the workflow's: sysadmins only)
HIDDEN_LABELS = ["workflow-sysadmin"]


def is_sysadmin(context: Context) -> bool:
    return bool(context.get("ignore_auth")) or authz.is_sysadmin(
        context.get("user"))


def _user(context: Context) -> Any:
    user = context.get("auth_user_obj")
    if user is None and context.get("user"):
        user = model.User.get(context["user"])
    return user


def user_labels(context: Context) -> set[str]:
    return set(get_permission_labels().get_user_dataset_labels(_user(context)))


def may_see_package(package: model.Package | None, labels: set[str]) -> bool:
    if package is None:
        return False
    return bool(labels & set(
        get_permission_labels().get_dataset_labels(package)))


def visible_facet(context: Context, field: str) -> set[str]:
    """The values of ``field`` (``tags``, ``res_format``) over the datasets
    the user may see, from the search (which filters by labels)."""
    found = tk.get_action("package_search")(
        {"user": context.get("user") or "", "ignore_auth": False}, {
            "rows": 0, "include_private": True, "facet.field": [field],
            "facet.limit": -1})
    return set(found["facets"].get(field, {}))


def hide_activities(package_ids: Iterable[str]) -> None:
    """Relabel the activities of deleted or purged datasets: sysadmins
    only (the labels stored with an activity are those it had then)."""
    ids = list(package_ids)
    if not ids:
        return
    from ckanext.activity.model import Activity  # the activity plugin's
    model.Session.execute(
        sa.update(Activity).where(Activity.object_id.in_(ids))
        .values(permission_labels=HIDDEN_LABELS))
