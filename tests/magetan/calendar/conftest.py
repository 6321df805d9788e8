"""Fixtures of the release calendar's tests: the SOP's people, and
versions walked to ``scheduled`` at a chosen time."""
from __future__ import annotations

import datetime as dt
from typing import Any, Callable

import pytest
import sqlalchemy as sa

from ckan import model
from ckan.lib import jobs
from ckan.lib.jobs import get_queue
from rq.registry import ScheduledJobRegistry

from ckanext.magetan.workflow import tables as wm
from tests.conftest import indikator
from tests.sop import act, make_people, walk_to


@pytest.fixture
def people(clean_db) -> dict[str, Any]:
    return make_people()


def in_hours(hours: float) -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc) + dt.timedelta(hours=hours)


@pytest.fixture
def scheduled(people) -> Callable[..., dict[str, Any]]:
    """A new indicator walked to ``scheduled`` for ``release_at``."""

    def make(release_at: dt.datetime | None = None, **fields: Any
             ) -> dict[str, Any]:
        dataset = indikator(people["org"], private=True, **fields)
        walk_to(people, dataset, "approved")
        act(people["kadin"], "magetan_workflow_transition", id=dataset["id"],
            transition="schedule",
            release_at=(release_at or in_hours(2)).isoformat())
        return dataset

    return make


def move_release(package_id: str, release_at: dt.datetime) -> None:
    """Set a scheduled version's release time directly, as if the clock
    had moved on (the workflow refuses times in the past)."""
    model.Session.execute(sa.update(wm.workflow)
                          .where(wm.workflow.c.package_id == package_id)
                          .values(release_at=release_at))
    model.Session.commit()


@pytest.fixture
def no_ticks():
    """No tick of the clock left scheduled in Redis for a later test."""
    yield
    registry = ScheduledJobRegistry(queue=get_queue())
    for job_id in registry.get_job_ids():
        registry.remove(job_id, delete_job=True)
    for queue in jobs.get_all_queues():
        queue.empty()
