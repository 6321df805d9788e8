"""`ckan magetan publish-due` (for cron) and `ckan magetan worker` (CKAN's
worker with the release calendar's clock)."""
from __future__ import annotations

import click

from ckan import model
from ckan.lib import jobs as ckan_jobs

from ckanext.magetan import calendar, web, workflow
from ckanext.magetan.calendar import jobs

__all__ = ["publish_due", "worker"]


@click.command("publish-due")
@click.option("--dry-run", is_flag=True,
              help="List what is due without publishing it.")
def publish_due(dry_run: bool) -> None:
    """Publish every scheduled version whose release time has come (also
    those missed while the portal was down), and move releases whose data
    missed their period's deadline. Safe to run beside the worker: each
    version is published once."""
    due = calendar.due_versions()
    if dry_run:
        for package_id in due:
            package = model.Package.get(package_id)
            found = workflow.row(package_id) or {}
            click.echo(f"{package.name if package else package_id}\t"
                       f"{found.get('release_at')}")
        click.echo(f"{len(due)} version(s) due")
        return
    with web.request_context():
        done = []
        with click.progressbar(due, label="Publishing") as items:
            for package_id in items:
                done.append(calendar.publish_one(package_id))
        moved = calendar.move_missed()
        model.repo.commit()
    published = [item for item in done if item.get("published")]
    failed = [item for item in done if item.get("error")]
    for item in published:
        click.echo(f"published {item['name']}")
    for item in moved:
        click.echo(f"moved entry {item['id']} to {item['to'] or '(none yet)'}")
    for item in failed:
        click.secho(f"could not publish {item['id']}: {item['error']}",
                    fg="red", err=True)
    click.echo(f"{len(published)} published, {len(moved)} moved, "
               f"{len(failed)} failed")
    if failed:
        raise click.exceptions.Exit(1)


@click.command("worker")
@click.argument("queues", nargs=-1)
@click.option("--burst", is_flag=True,
              help="Start a tick, work until the queues are empty, then "
                   "exit.")
def worker(queues: tuple[str, ...], burst: bool) -> None:
    """CKAN's background worker with RQ's scheduler on, running the release
    calendar's clock: scheduled versions are published at their time (use
    it instead of `ckan jobs worker`)."""
    jobs.schedule_tick()
    # RQ tries to become the scheduler again in its maintenance, between
    # two waits for a job (worker_ttl - 15 seconds): with both at a minute
    # another worker takes the clock over within about two minutes of the
    # death of the one that held it (its lock expires after a minute)
    ckan_jobs.Worker(list(queues), maintenance_interval=60,
                     worker_ttl=75).work(burst=burst, with_scheduler=True)
