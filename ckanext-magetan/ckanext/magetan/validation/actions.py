"""The validation actions, under the names and in the layout of
ckanext-validation (docs/validation.md), and the guards that keep clients
from writing the computed fields."""
from __future__ import annotations

from typing import Any, Mapping, Optional

from ckan import model
from ckan.plugins import toolkit as tk
from ckan.types import Action, Context, DataDict

from ckanext.magetan import inputs, validation
from ckanext.magetan.validation import schema

__all__ = ["resource_validation_show", "resource_validation_run",
           "resource_validation_delete", "package_create", "package_update",
           "resource_create", "resource_update"]


def _resource(resource_id: str) -> model.Resource:
    resource = model.Resource.get(resource_id)
    if resource is None or resource.state != "active" or \
            resource.package is None or resource.package.state == "deleted":
        raise tk.ObjectNotFound(tk._("Resource not found"))
    return resource


def shown(resource: model.Resource,
          row: Optional[Mapping[str, Any]]) -> dict[str, Any]:
    """A result as ckanext-validation shows it, with this portal's
    additions (warnings, the dialect used, when it started)."""
    state = validation.status_of(resource, row)
    if state is None:
        raise tk.ObjectNotFound(tk._(
            "This resource is not a table: it has no validation."))
    current = state["row"]
    when = (lambda key: current[key].isoformat()
            if current is not None and current[key] else None)
    return {
        "id": resource.id,
        "resource_id": resource.id,
        "status": state["status"],
        "report": current["report"] if current is not None else None,
        "error": current["error"] if current is not None else None,
        "created": row["created"].isoformat() if row is not None else None,
        "started": when("started"),
        "finished": when("finished"),
        "warnings": list(current["warnings"]) if current is not None else [],
        "dialect": current["inferred_dialect"] if current is not None
        else None,
    }


@tk.side_effect_free
def resource_validation_show(context: Context,
                             data_dict: DataDict) -> dict[str, Any]:
    """The validation of a tabular resource: its ``status`` (``success``,
    ``failure``, ``error`` or ``pending``), the frictionless ``report``,
    the ``error`` that stopped it, and ``created``/``finished`` times.

    :param resource_id: the resource
    :type resource_id: string
    """
    data = inputs.validated(data_dict, schema.resource_id_schema(), context)
    tk.check_access("resource_validation_show", context, data)
    resource = _resource(data["resource_id"])
    row = validation.rows([resource.id]).get(resource.id)
    return shown(resource, row)


def resource_validation_run(context: Context,
                            data_dict: DataDict) -> dict[str, Any]:
    """Validate a tabular resource again (after its linked file changed,
    say).

    :param resource_id: the resource
    :type resource_id: string
    :param async: queue it for the background worker (default) or, with
        false, validate now; a file over the size validated at once must
        go to the worker
    :type async: bool
    """
    data = inputs.validated(data_dict, schema.run_schema(), context)
    tk.check_access("resource_validation_run", context, data)
    resource = _resource(data["resource_id"])
    if validation.format_of(resource) is None:
        raise tk.ValidationError({"resource_id": [tk._(
            "This resource is not a table: it has no validation.")]})
    if not data["async"]:
        if not validation.inline(resource):
            raise tk.ValidationError({"async": [tk._(
                "This file is validated in the background: it is a link, "
                "or larger than what is validated at once.")]})
        row = validation.run(resource.id, force=True)
    else:
        validation.mark_pending(resource)
        model.Session.commit()
        job = validation.enqueue(resource.id)
        validation.note_job(resource.id, job)
        row = validation.rows([resource.id]).get(resource.id)
    return shown(_resource(resource.id), row)


def resource_validation_delete(context: Context,
                               data_dict: DataDict) -> None:
    """Remove a resource's validation result; the resource is pending
    until it is validated again.

    :param resource_id: the resource
    :type resource_id: string
    """
    data = inputs.validated(data_dict, schema.resource_id_schema(), context)
    tk.check_access("resource_validation_delete", context, data)
    resource = _resource(data["resource_id"])
    validation.forget([resource.id])
    model.Session.commit()


def _without_computed(resource: Any) -> None:
    if isinstance(resource, dict):
        for key in validation.COMPUTED_FIELDS:
            resource.pop(key, None)


def _without_computed_in_resources(data_dict: DataDict) -> None:
    resources = (data_dict or {}).get("resources")
    if isinstance(resources, list):
        for resource in resources:
            _without_computed(resource)


@tk.chained_action
def package_create(next_action: Action, context: Context,
                   data_dict: DataDict) -> Any:
    """CKAN's, without validation fields a client sent: they are
    computed."""
    _without_computed_in_resources(data_dict)
    return next_action(context, data_dict)


@tk.chained_action
def package_update(next_action: Action, context: Context,
                   data_dict: DataDict) -> Any:
    """CKAN's, without validation fields a client sent (a dataset shown and
    sent back carries them)."""
    _without_computed_in_resources(data_dict)
    return next_action(context, data_dict)


@tk.chained_action
def resource_create(next_action: Action, context: Context,
                    data_dict: DataDict) -> Any:
    """CKAN's, without validation fields a client sent."""
    _without_computed(data_dict)
    return next_action(context, data_dict)


@tk.chained_action
def resource_update(next_action: Action, context: Context,
                    data_dict: DataDict) -> Any:
    """CKAN's, without validation fields a client sent."""
    _without_computed(data_dict)
    return next_action(context, data_dict)
