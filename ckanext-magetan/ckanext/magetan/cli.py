"""The `ckan magetan ...` command group; its commands live in the packages
(``demo/cli.py``, ...)."""
from __future__ import annotations

import click

from ckanext.magetan import packages

__all__ = ["magetan"]


@click.group(short_help="Commands of the Magetan portal (ckanext-magetan)")
def magetan() -> None:
    """Commands of the Magetan sectoral-statistics portal."""


for _command in packages.cli_commands():
    magetan.add_command(_command)
