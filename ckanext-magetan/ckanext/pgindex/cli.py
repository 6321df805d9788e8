"""The `ckan pgindex ...` commands.

CKAN's own `ckan search-index rebuild` works with this backend too (it
indexes through the same index class); `ckan pgindex rebuild` stands beside
it, with batched commits, a progress bar, and the format version recorded
when a full rebuild completes.
"""
from __future__ import annotations

import sys

import click

import ckan.model as model

from ckanext.pgindex import rebuild as index_rebuild
from ckanext.pgindex import status as index_status
from ckanext.pgindex.index import prune_terms

__all__ = ["pgindex"]


@click.group(short_help="The PostgreSQL search index (ckanext-pgindex)")
def pgindex() -> None:
    """The PostgreSQL search index of datasets."""


@pgindex.command("rebuild")
@click.option("-o", "--only-missing", is_flag=True,
              help="Index only datasets that have no index row yet.")
@click.option("-i", "--force", is_flag=True,
              help="Carry on past datasets that fail to index.")
@click.option("-q", "--quiet", is_flag=True, help="No progress bar.")
@click.option("--keep-orphans", is_flag=True,
              help="Keep index rows of datasets that no longer exist.")
@click.argument("package_id", required=False)
def rebuild(only_missing: bool, force: bool, quiet: bool,
            keep_orphans: bool, package_id: str | None) -> None:
    """Index every dataset again (or one), with a progress bar.

    A full rebuild (without --only-missing) that indexes every dataset
    records the index's format version and prunes unused facet terms.
    """
    if package_id:
        if not index_rebuild.rebuild_one(package_id) and not quiet:
            click.echo(f"{package_id} is not indexed (deleted or unknown).")
        return
    ids = index_rebuild.dataset_ids(only_missing=only_missing)
    failures = 0
    if not ids:
        if not quiet:
            click.echo("Every dataset is already in the search index.")
    elif quiet:
        failures = index_rebuild.rebuild(ids, force=force)
    else:
        with click.progressbar(length=len(ids), label="Indexing datasets",
                               show_pos=True, show_eta=True,
                               file=sys.stderr) as bar:
            failures = index_rebuild.rebuild(ids, force=force,
                                             advance=bar.update)
    if failures:
        click.secho(f"{failures} datasets could not be indexed (see the log)",
                    fg="red", err=True)
    if not only_missing:
        if not keep_orphans:
            index_rebuild.remove(index_rebuild.orphan_ids())
        if failures:
            click.secho("The format version is not recorded: rebuild again "
                        "once every dataset indexes.", fg="red", err=True)
        else:
            index_rebuild.record_version()
            prune_terms()
    if ids:
        index_rebuild.analyze()


@pgindex.command("prune")
def prune() -> None:
    """Delete facet terms no index row references any more.

    Safe while the site keeps indexing.
    """
    removed = prune_terms()
    click.echo(f"Removed {removed} unused facet terms.")


def _report(state: index_status.Status, verbose: bool) -> None:
    if verbose:
        click.echo(f"Migrations: {state.revision or 'none'} "
                   f"(newest: {state.head_revision})")
        click.echo("Recorded: " + (state.recorded.describe()
                                   if state.recorded else "nothing"))
        click.echo(f"Current:  {state.current.describe()}")
        click.echo(f"Index rows: {state.documents} "
                   f"(active datasets: {state.datasets})")
    for problem in state.problems:
        click.secho(problem, fg="red", err=not verbose)
    if state.ok:
        click.secho("The search index is up to date.", fg="green")


def _state() -> index_status.Status:
    with model.meta.engine.connect() as connection:
        return index_status.check(connection)


@pgindex.command("status")
def status() -> None:
    """Show the index's format version and what it needs, if anything."""
    _report(_state(), verbose=True)


@pgindex.command("check")
def check() -> None:
    """Exit with status 1 if the index needs a migration or a rebuild."""
    state = _state()
    _report(state, verbose=False)
    if not state.ok:
        sys.exit(1)
