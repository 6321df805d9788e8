"""The clock of the release calendar in CKAN's worker, and the e-mails to
subscribers.

``ckan magetan worker`` is CKAN's worker with RQ's scheduler switched on
(CKAN's own ``ckan jobs worker`` runs none). At start it schedules a tick
(:func:`tick`) at once, which catches up what was missed while the portal
was down; every tick schedules the next one ``sweep_seconds`` later before
it does its work, so the chain survives a failing tick. Ticks have ids by
time slot: two workers scheduling the same slot schedule one job, and
however many ticks run, the workflow publishes each version once.
"""
from __future__ import annotations

import datetime as dt
import logging
import math
from typing import Any

from ckan.lib import jobs as ckan_jobs
from ckan.plugins import toolkit as tk

from ckanext.magetan import calendar, web

log = logging.getLogger(__name__)

TICK_PREFIX = "magetan-release-tick-"


def sweep_seconds() -> int:
    return max(5, tk.config.get("ckanext.magetan.calendar.sweep_seconds"))


def schedule_tick(at: dt.datetime | None = None) -> Any:
    """Put the tick of the time slot of ``at`` (now by default) on the
    scheduler; a tick already there for that slot is the same job."""
    interval = sweep_seconds()
    at = at or dt.datetime.now(dt.timezone.utc)
    slot = math.floor(at.timestamp() / interval)
    queue = ckan_jobs.get_queue()
    return queue.enqueue_at(
        at, tick, job_id=f"{TICK_PREFIX}{interval}-{slot}",
        description="Jadwal rilis: publikasikan yang sudah waktunya",
        result_ttl=interval * 3, failure_ttl=24 * 3600,
        job_timeout=max(interval * 10, 300))


def tick() -> dict[str, Any]:
    """Schedule the next tick, then publish what is due and move what
    missed its deadline."""
    interval = sweep_seconds()
    now = dt.datetime.now(dt.timezone.utc)
    following = dt.datetime.fromtimestamp(
        (math.floor(now.timestamp() / interval) + 1) * interval,
        dt.timezone.utc)
    schedule_tick(following)
    with web.request_context():
        result = calendar.sweep()
    for item in result["published"]:
        if item.get("published"):
            log.info("Released %s at its scheduled time", item.get("name"))
    return result


def send_release_emails(entry_id: str) -> None:
    """E-mail every confirmed subscriber of a released entry, once."""
    from ckanext.magetan.calendar import subscriptions
    with web.request_context():
        subscriptions.send_release(entry_id)


def send_confirmation(subscription_id: int) -> None:
    """The e-mail with the link that confirms a subscription."""
    from ckanext.magetan.calendar import subscriptions
    with web.request_context():
        subscriptions.send_confirmation(subscription_id)
