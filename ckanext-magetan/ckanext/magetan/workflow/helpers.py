"""Template helpers of the workflow."""
from __future__ import annotations

from typing import Any

from ckan.plugins import toolkit as tk

from ckanext.magetan import web, workflow

__all__ = ["magetan_workflow", "magetan_task_count",
           "magetan_workflow_state_label",
           "magetan_jakarta_time", "magetan_dataset_name"]


def magetan_workflow(package_id: str) -> dict[str, Any] | None:
    """The workflow of a dataset as the current user may see it."""
    try:
        return tk.get_action("magetan_workflow_show")(
            web.user_context(), {"id": package_id})
    except (tk.ObjectNotFound, tk.NotAuthorized):
        return None


def magetan_task_count() -> int:
    """How many versions wait for the current user (0 when signed out)."""
    if not tk.current_user.is_authenticated:
        return 0
    return tk.get_action("magetan_task_list")(web.user_context(), {})["count"]


def magetan_workflow_state_label(state: str) -> str:
    return workflow.state_label(state)


def magetan_jakarta_time(iso: str) -> str:
    """An ISO time as Asia/Jakarta's wall clock (``2027-03-01 09:00``)."""
    import datetime as dt
    try:
        moment = dt.datetime.fromisoformat(iso)
        return moment.astimezone(workflow.JAKARTA).strftime("%Y-%m-%d %H:%M")
    except (TypeError, ValueError, OverflowError):
        return iso or ""


def magetan_dataset_name(package_id: str) -> str | None:
    """The name of a dataset the current user may see, else None."""
    shown = magetan_workflow(package_id)
    return shown["name"] if shown else None
