"""CKAN's listing actions, limited to what the caller may see."""
from __future__ import annotations

from typing import Any

from ckan import model
from ckan.plugins import plugin_loaded
from ckan.plugins import toolkit as tk
from ckan.types import Action, Context, DataDict

from ckanext.magetan import visibility

__all__ = ["tag_list", "tag_search", "tag_autocomplete", "tag_show",
           "format_autocomplete", "member_list", "group_show",
           "organization_show", "dataset_purge"]


def _free_tags(data_dict: DataDict) -> bool:
    """Free tags (the search's ``tags``); vocabulary tags are listed as
    CKAN lists them (the portal has no vocabularies)."""
    return not (data_dict or {}).get("vocabulary_id")


def _name(item: Any) -> str:
    return item["name"] if isinstance(item, dict) else item


@tk.chained_action
@tk.side_effect_free
def tag_list(up_func: Action, context: Context, data_dict: DataDict) -> Any:
    """CKAN's ``tag_list``, without tags only hidden datasets carry."""
    found = up_func(context, data_dict)
    if visibility.is_sysadmin(context) or not _free_tags(data_dict):
        return found
    seen = visibility.visible_facet(context, "tags")
    return [item for item in found if _name(item) in seen]


@tk.chained_action
@tk.side_effect_free
def tag_search(up_func: Action, context: Context, data_dict: DataDict) -> Any:
    """CKAN's ``tag_search``, without tags only hidden datasets carry (the
    count is of the tags shown)."""
    found = up_func(context, data_dict)
    if visibility.is_sysadmin(context) or not _free_tags(data_dict):
        return found
    seen = visibility.visible_facet(context, "tags")
    results = [item for item in found["results"] if _name(item) in seen]
    return dict(found, results=results, count=len(results))


@tk.chained_action
@tk.side_effect_free
def tag_autocomplete(up_func: Action, context: Context,
                     data_dict: DataDict) -> Any:
    """CKAN's ``tag_autocomplete``, without tags only hidden datasets carry."""
    found = up_func(context, data_dict)
    if visibility.is_sysadmin(context) or not _free_tags(data_dict):
        return found
    seen = visibility.visible_facet(context, "tags")
    return [name for name in found if name in seen]


@tk.chained_action
@tk.side_effect_free
def tag_show(up_func: Action, context: Context, data_dict: DataDict) -> Any:
    """CKAN's ``tag_show``; a tag only hidden datasets carry is not found."""
    found = up_func(context, data_dict)
    if visibility.is_sysadmin(context) or found.get("vocabulary_id"):
        return found
    if found["name"] not in visibility.visible_facet(context, "tags"):
        raise tk.ObjectNotFound(tk._("Tag not found"))
    return found


@tk.chained_action
@tk.side_effect_free
def format_autocomplete(up_func: Action, context: Context,
                        data_dict: DataDict) -> Any:
    """CKAN's ``format_autocomplete``, over the resources the caller may
    see."""
    found = up_func(context, data_dict)
    if visibility.is_sysadmin(context):
        return found
    seen = {f.lower() for f in visibility.visible_facet(context, "res_format")}
    return [name for name in found if name.lower() in seen]


@tk.chained_action
@tk.side_effect_free
def member_list(up_func: Action, context: Context,
                data_dict: DataDict) -> Any:
    """CKAN's ``member_list``, naming only the datasets the caller may see."""
    found = up_func(context, data_dict)
    if visibility.is_sysadmin(context):
        return found
    labels = visibility.user_labels(context)
    return [member for member in found
            if member[1] != "package" or visibility.may_see_package(
                model.Package.get(member[0]), labels)]


def _with_visible_datasets(found: dict[str, Any], context: Context
                           ) -> dict[str, Any]:
    """The count (and list) of a group's or organization's datasets, as
    the caller's search finds them.

    CKAN counts private datasets only for an organization's own members
    and never in groups; the permission labels decide instead, so that
    Walidata, who read every OPD's unpublished versions, get the count
    that the organization's page shows them.
    """
    if "package_count" not in found or "dataset_counts" in context:
        # organization_list/group_list give counts from one search as the
        # caller already (context["dataset_counts"])
        return found
    group = model.Group.get(found["id"])
    if group is None:
        return found
    query: dict[str, Any] = {
        "fq": f'+owner_org:"{group.id}"' if group.is_organization
        else f'+groups:"{group.name}"',
        "include_private": True, "facet": "false", "rows": 0}
    with_datasets = "packages" in found
    if with_datasets:
        limit = (context.get("limits") or {}).get("packages")
        if limit is None:
            del query["rows"]
        else:
            query["rows"] = limit
    # always as the caller, never with ignore_auth (which drops the labels):
    # CKAN's featured groups on the home page call with ignore_auth
    searched = tk.get_action("package_search")(
        {"user": context.get("user") or "",
         "auth_user_obj": context.get("auth_user_obj"),
         "ignore_auth": False}, query)
    found["package_count"] = searched["count"]
    if with_datasets:
        found["packages"] = searched["results"]
    return found


@tk.chained_action
@tk.side_effect_free
def group_show(up_func: Action, context: Context,
               data_dict: DataDict) -> Any:
    """CKAN's ``group_show``, counting the datasets the caller may see."""
    return _with_visible_datasets(up_func(context, data_dict), context)


@tk.chained_action
@tk.side_effect_free
def organization_show(up_func: Action, context: Context,
                      data_dict: DataDict) -> Any:
    """CKAN's ``organization_show``, counting the datasets the caller may
    see."""
    return _with_visible_datasets(up_func(context, data_dict), context)


@tk.chained_action
def dataset_purge(up_func: Action, context: Context,
                  data_dict: DataDict) -> Any:
    """CKAN's ``dataset_purge``; the dataset's activities (with their copy
    of it) are hidden first, as CKAN keeps them after a purge."""
    package = model.Package.get(str((data_dict or {}).get("id") or ""))
    if package is not None and plugin_loaded("activity"):
        tk.check_access("dataset_purge", context, data_dict)
        visibility.hide_activities([package.id])
    return up_func(context, data_dict)
