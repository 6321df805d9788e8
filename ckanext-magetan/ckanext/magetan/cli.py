"""The `ckan magetan ...` commands.

Importing this module also gives CKAN's own `ckan search-index rebuild` a
progress bar and batched commits while datasets are searched on PostgreSQL.
"""
from __future__ import annotations

import sys

import click

from ckan.cli.search_index import search_index as core_search_index

from ckanext.magetan import demo, search
from ckanext.magetan.search import rebuild as index_rebuild

__all__ = ["magetan"]

_core_rebuild = core_search_index.commands["rebuild"]


@click.group(short_help="Commands of the Magetan portal (ckanext-magetan)")
def magetan() -> None:
    """Commands of the Magetan sectoral-statistics portal."""


@magetan.group("demo")
def demo_group() -> None:
    """The Magetan demo data."""


@demo_group.command("load")
def demo_load() -> None:
    """Create the demo OPDs, sectors, accounts and indicators (idempotent)."""
    summary = demo.load(progress=lambda msg: click.echo(f"  {msg}"))
    click.secho(
        f"Demo data ready: {summary.users} accounts, {summary.organizations} "
        f"OPDs, {summary.groups} sectors and {summary.datasets} datasets "
        "created now (the rest was there).", fg="green")


@demo_group.command("accounts")
def demo_accounts() -> None:
    """List the demo accounts and their password."""
    rows = demo.accounts()
    width = max(len(r["name"]) for r in rows)
    click.secho(f"Demo accounts (password: {demo.demo_password()})",
                bold=True)
    for row in rows:
        click.echo(f"  {row['name']:<{width}}  {row['sop_role']}")


@magetan.group("search-index")
def search_index_group() -> None:
    """The PostgreSQL search index of datasets."""


def _rebuild(only_missing: bool, force: bool, quiet: bool,
             keep_orphans: bool, package_id: str | None) -> None:
    if package_id:
        index_rebuild.rebuild([package_id])
        return
    ids = index_rebuild.dataset_ids(only_missing=only_missing)
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
    if ids and failures:
        click.secho(f"{failures} datasets could not be indexed (see the log)",
                    fg="red", err=True)
    if not keep_orphans and not only_missing:
        index_rebuild.remove(index_rebuild.orphan_ids())
    if ids:
        index_rebuild.analyze()


@search_index_group.command("rebuild")
@click.option("-o", "--only-missing", is_flag=True,
              help="Index only datasets that have no index row yet.")
@click.option("-i", "--force", is_flag=True,
              help="Carry on past datasets that fail to index.")
@click.option("-q", "--quiet", is_flag=True, help="No progress bar.")
@click.option("--keep-orphans", is_flag=True,
              help="Keep index rows of datasets that no longer exist.")
@click.argument("package_id", required=False)
def search_index_rebuild(only_missing: bool, force: bool, quiet: bool,
                         keep_orphans: bool, package_id: str | None) -> None:
    """Index every dataset again, with a progress bar."""
    _rebuild(only_missing, force, quiet, keep_orphans, package_id)


@click.command("rebuild", short_help="Rebuild search index")
@click.option("-v", "--verbose", is_flag=True)
@click.option("-i", "--force", is_flag=True,
              help="Ignore exceptions when rebuilding the index")
@click.option("-o", "--only-missing", is_flag=True,
              help="Index non indexed datasets only")
@click.option("-q", "--quiet", is_flag=True,
              help="Do not output index rebuild progress")
@click.option("-e", "--commit-each", is_flag=True,
              help="Commit after each dataset (the PostgreSQL index commits "
                   "in batches either way)")
@click.option("--keep-orphans", is_flag=True,
              help="Keep orphaned packages in search index after rebuild.")
@click.argument("package_id", required=False)
@click.pass_context
def core_rebuild(ctx: click.Context, verbose: bool, force: bool,
                 only_missing: bool, quiet: bool, commit_each: bool,
                 keep_orphans: bool, package_id: str | None) -> None:
    """Rebuild search index (with a progress bar on PostgreSQL)."""
    if search.active_backend() != "postgresql":
        ctx.forward(_core_rebuild)
        return
    _rebuild(only_missing, force, quiet and not verbose, keep_orphans,
             package_id)


core_search_index.add_command(core_rebuild, "rebuild")
