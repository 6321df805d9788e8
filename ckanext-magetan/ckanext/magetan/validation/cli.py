"""`ckan magetan validation ...`: validating tables from the command line
(after an upgrade, after downtime of the worker, from cron)."""
from __future__ import annotations

from typing import Iterable

import click
import sqlalchemy as sa

from ckan import model

from ckanext.magetan import validation

__all__ = ["validation_group"]


@click.group("validation")
def validation_group() -> None:
    """Validation of the tables of the portal."""


def _tables(which: str) -> list[str]:
    """Ids of the active tabular resources: every one (``all``), the
    linked ones (``links``: their file may have changed at its source), or
    those whose result is pending, missing or out of date."""
    ids = model.Session.execute(
        sa.select(model.Resource.id).join(
            model.Package, model.Package.id == model.Resource.package_id)
        .where(model.Resource.state == "active",
               model.Package.state != "deleted")
        .order_by(model.Resource.id)).scalars().all()
    found = validation.rows(ids)
    chosen = []
    for resource_id in ids:
        resource = model.Resource.get(resource_id)
        if resource is None or validation.format_of(resource) is None:
            continue
        if which == "all" or (which == "links"
                              and resource.url_type != "upload"):
            chosen.append(resource_id)
            continue
        if which == "links":
            continue
        state = validation.status_of(resource, found.get(resource_id))
        if state is not None and state["status"] == validation.PENDING:
            chosen.append(resource_id)
    return chosen


def _count(tables: int) -> str:
    return f"{tables} table" if tables == 1 else f"{tables} tables"


@validation_group.command("run")
@click.argument("resource_ids", nargs=-1)
@click.option("--pending", "which", flag_value="pending", default=True,
              help="Tables without a current result (the default).")
@click.option("--all", "which", flag_value="all",
              help="Every table, again.")
@click.option("--links", "which", flag_value="links",
              help="Every linked table, again (its file may have changed "
                   "at its source; from cron).")
@click.option("--background", is_flag=True,
              help="Queue the jobs for the worker instead of running here.")
def validation_run(resource_ids: Iterable[str], which: str,
                   background: bool) -> None:
    """Validate the given resources, or the pending (or all) tables."""
    dead = validation.settle_dead_jobs()
    if dead:
        click.secho(f"{_count(dead)} whose job died: now an error "
                    "(validate them by id, or with --all).", fg="yellow")
    chosen = list(resource_ids) or _tables(which)
    force = bool(resource_ids) or which in ("all", "links")
    counts: dict[str, int] = {}
    if background:
        for resource_id in chosen:
            validation.enqueue(resource_id, force=force)
        click.secho(f"{_count(len(chosen))} queued for the worker.",
                    fg="green")
        return
    with click.progressbar(chosen, label="Validating",
                           show_pos=True) as bar:
        for resource_id in bar:
            row = validation.run(resource_id, wait=True, force=force)
            status = row["status"] if row is not None else "skipped"
            counts[status] = counts.get(status, 0) + 1
    summary = ", ".join(f"{n} {status}" for status, n in sorted(
        counts.items())) or "nothing to do"
    click.secho(f"Validated {_count(len(chosen))}: {summary}.",
                fg="red" if counts.get(validation.FAILURE)
                or counts.get(validation.ERROR) else "green")
