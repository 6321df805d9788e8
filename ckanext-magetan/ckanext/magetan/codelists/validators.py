"""Validators that check values against a reference code list."""
from __future__ import annotations

from typing import Any, Callable

from ckan.plugins import toolkit as tk

from ckanext.magetan import codelists

__all__ = ["magetan_codelist"]


def magetan_codelist(name: str) -> Callable[[Any], Any]:
    """A value that is a code of the reference list ``name``."""
    codes = set(codelists.load(name).codes())

    def validator(value: Any) -> Any:
        if value is None or value is tk.missing or value == "":
            return value
        if not isinstance(value, str):
            raise tk.Invalid(tk._("Choose one code of the list {list}.")
                             .format(list=name))
        if value not in codes:
            raise tk.Invalid(tk._(
                "{value} is not a code of the list {list}.").format(
                    value=value, list=name))
        return value
    return validator
