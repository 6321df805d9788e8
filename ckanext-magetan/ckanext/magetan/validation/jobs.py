"""The background validation of a resource (CKAN's RQ worker)."""
from __future__ import annotations

import logging
from typing import Any

from ckan.plugins import toolkit as tk

from ckanext.magetan import validation

log = logging.getLogger(__name__)


def validate_resource(resource_id: str, force: bool = False) -> None:
    """Validate ``resource_id`` unless its current result is known
    (``force``: again anyway).

    The worker runs each job in a process of its own (a fork): its memory is
    capped here (``memory_mb``), and RQ stops it after ``timeout`` seconds;
    either ends as an ``error`` result, never as a stuck job."""
    validation.limit_memory(int(tk.config.get(
        "ckanext.magetan.validation.memory_mb")))
    validation.run(resource_id, wait=True, force=force)


def validation_failed(job: Any, connection: Any, kind: type,
                      value: BaseException, traceback: Any) -> None:
    """RQ's failure callback: a job whose exception escaped (or that was
    abandoned) ends as an ``error`` result, not as a pending one."""
    if job.args:
        log.error("Validation job %s failed: %s: %s", job.id,
                  kind.__name__, value)
        validation.record_job_failure(
            job.args[0], job.id,
            f"the validation job stopped ({kind.__name__})")
