"""The `ckan pgindex ...` commands.

CKAN's own `ckan search-index rebuild` works with this backend too (it
indexes through the same index class); `ckan pgindex rebuild` stands beside
it, with batched commits and a progress bar.
"""
from __future__ import annotations

import sys

import click

from ckanext.pgindex import rebuild as index_rebuild

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
    """Index every dataset again (or one), with a progress bar."""
    if package_id:
        index_rebuild.rebuild([package_id])
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
    if not keep_orphans and not only_missing:
        index_rebuild.remove(index_rebuild.orphan_ids())
    if ids:
        index_rebuild.analyze()
