"""`ckan magetan demo ...`: the Magetan demo data."""
from __future__ import annotations

import click

from ckan.plugins import toolkit as tk

from ckanext.magetan import demo

__all__ = ["demo_group"]


@click.group("demo")
def demo_group() -> None:
    """The Magetan demo data."""


@demo_group.command("load")
def demo_load() -> None:
    """Create the demo OPDs, sectors, accounts and indicators (idempotent)."""
    try:
        summary = demo.load(progress=lambda msg: click.echo(f"  {msg}"))
    except tk.ValidationError as error:
        raise click.ClickException(
            f"the demo data was refused: {error.error_dict}") from error
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
