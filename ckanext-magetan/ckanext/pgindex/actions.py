"""``package_search``, with its parameters' types checked before core runs.

CKAN's own ``package_search`` reads some parameters with functions that
raise on unexpected types (``asbool`` on ``include_*``, ``int`` on ``rows``,
``' '.join`` on ``fl``), which the Action API answers with a 500. This
chained action refuses those values first, with a 409 naming the parameter.
"""
from __future__ import annotations

from typing import Any

from ckan.common import asbool
from ckan.plugins import toolkit as tk
from ckan.types import Action, Context, DataDict

from ckanext.pgindex.query import BIGINT_MAX, integer_or_none

__all__ = ["package_search"]

BOOLEANS = ("include_private", "include_drafts", "include_deleted",
            "use_default_schema")
# parameter: the smallest value it takes
INTEGERS = {"rows": 0, "start": 0, "facet.mincount": 0,
            "facet.limit": -BIGINT_MAX}


def _refuse(parameter: str, message: str) -> None:
    raise tk.ValidationError({parameter: [message]})


def check_parameters(data_dict: DataDict) -> None:
    """Refuse parameter values core's ``package_search`` would fail on."""
    for name in BOOLEANS:
        value = data_dict.get(name)
        if value is None or isinstance(value, (bool, int)):
            continue
        try:
            if not isinstance(value, str):
                raise ValueError(value)
            asbool(value)
        except ValueError:
            _refuse(name, tk._("Must be true or false."))
    for name, minimum in INTEGERS.items():
        value = data_dict.get(name)
        # None and "" are core's to read (rows: its default of 10)
        if value not in (None, "") and integer_or_none(
                value, minimum, BIGINT_MAX) is None:
            _refuse(name, tk._(
                "Must be a whole number from {minimum} to {maximum}.").format(
                    minimum=minimum, maximum=BIGINT_MAX))
    fl = data_dict.get("fl")
    if fl is not None and not isinstance(fl, str) and not (
            isinstance(fl, list) and all(isinstance(f, str) for f in fl)):
        _refuse("fl", tk._("Must be a string or a list of strings."))


@tk.chained_action
@tk.side_effect_free
def package_search(original_action: Action, context: Context,
                   data_dict: DataDict) -> Any:
    """CKAN's ``package_search``, once its parameters' types are checked."""
    check_parameters(data_dict)
    return original_action(context, data_dict)
