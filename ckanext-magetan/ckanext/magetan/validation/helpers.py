"""Template helpers of validation: the badge of a resource, its report in
words, the state of its background job."""
from __future__ import annotations

from typing import Any, Optional

from ckan import model
from ckan.plugins import toolkit as tk

from ckanext.magetan import validation
from ckanext.magetan.validation import engine, messages

__all__ = ["magetan_validation_badge", "magetan_validation_report",
           "magetan_validation_dataset_summary"]


def _labels() -> dict[str, tuple[str, str, str]]:
    # status: (label, Bootstrap colour, Font Awesome icon)
    return {
        validation.SUCCESS: (tk._("Valid"), "success", "check"),
        validation.FAILURE: (tk._("Invalid"), "danger", "times"),
        validation.ERROR: (tk._("Not validated"), "warning",
                           "exclamation-triangle"),
        validation.PENDING: (tk._("Being validated"), "secondary",
                             "hourglass-half"),
    }


def magetan_validation_badge(resource: dict[str, Any]
                             ) -> Optional[dict[str, Any]]:
    """The badge of a shown resource (its ``validation_status``), or None
    for a resource that is not a table."""
    status = (resource or {}).get("validation_status")
    if status not in validation.STATUSES:
        return None
    label, colour, icon = _labels()[status]
    return {"status": status, "label": label, "colour": colour,
            "icon": icon, "timestamp": resource.get("validation_timestamp")}


def magetan_validation_report(resource_id: str) -> Optional[dict[str, Any]]:
    """A resource's result for its report page: the badge, the errors and
    warnings in words, the dialect used, and where its job is."""
    resource = model.Resource.get(resource_id)
    if resource is None:
        return None
    row = validation.rows([resource_id]).get(resource_id)
    state = validation.status_of(resource, row)
    if state is None:
        return None
    current = state["row"]
    report = current["report"] if current is not None else None
    errors = engine.errors_of(report)
    task = (report or {}).get("tasks", [{}])[0] if report else {}
    label, colour, icon = _labels()[state["status"]]
    return {
        "status": state["status"], "label": label, "colour": colour,
        "icon": icon, "timestamp": state["timestamp"],
        "errors": [messages.describe(e) for e in errors],
        "error_count": (report or {}).get("stats", {}).get(
            "errors", len(errors)),
        "limited": len(errors) >= validation.config_int("limit_errors"),
        "warnings": [messages.describe_warning(w) for w in (
            current["warnings"] if current is not None else [])],
        "problem": messages.error_message(
            current["error"] if current is not None else None),
        "labels": task.get("labels") or [],
        "rows": (task.get("stats") or {}).get("rows"),
        "dialect": current["inferred_dialect"] if current is not None
        else None,
        "job": _job(resource, row) if state["status"] == validation.PENDING
        else None,
        "started": row["started"].isoformat()
        if row is not None and row["started"] else None,
    }


def _job(resource: model.Resource, row: Any) -> dict[str, Any]:
    """Where the background validation of the resource is: queued (and at
    which place), running, or not queued at all."""
    from rq.job import Job
    from rq.exceptions import NoSuchJobError

    from ckan.lib import jobs

    job_id = validation.job_id(resource.id, validation.fingerprint(resource))
    try:
        job = Job.fetch(job_id, connection=jobs.get_queue().connection)
        status = job.get_status(refresh=True)
        position = job.get_position() if status == "queued" else None
    except NoSuchJobError:
        return {"status": "missing", "position": None}
    except Exception:  # noqa: BLE001 - the queue is down: say unknown
        return {"status": "unknown", "position": None}
    status = getattr(status, "value", status)
    return {"status": status,
            "position": position + 1 if position is not None else None}


def magetan_validation_dataset_summary(pkg_dict: dict[str, Any]
                                       ) -> Optional[dict[str, Any]]:
    """The worst validation status among a dataset's tables, for a badge
    in dataset lists (None when all are valid or there are none)."""
    found = validation.statuses(pkg_dict.get("id") or "")
    order = (validation.FAILURE, validation.ERROR, validation.PENDING)
    for status in order:
        count = sum(1 for s in found.values() if s["status"] == status)
        if count:
            label, colour, icon = _labels()[status]
            return {"status": status, "label": label, "colour": colour,
                    "icon": icon, "count": count}
    return None
