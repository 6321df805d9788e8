"""Values PostgreSQL or CKAN cannot take are validation errors, not 500s.

The create and update actions of datasets, resources, sectors, OPDs and
users refuse, before anything is written, a value that

* holds a NUL character (PostgreSQL refuses it in text and in JSON),
* nests deeper than ``inputs.MAX_DEPTH``,
* is a text longer than ``inputs.MAX_TEXT`` (a full-text index holds 1 MB),
* or is a title longer than :data:`MAX_TITLE` (titles are in B-tree
  indexes, whose rows hold about 2.7 kB).

``*_patch`` and ``resource_*`` go through these too.

NUL characters reaching any action or page over HTTP are refused earlier,
generically, by ``bodies.refuse_bad_input``; this list stays for what that
hook does not do: lengths, titles, and callers of ``call_action`` in Python
(forms, CLI, other plugins) whose values never were a request.
"""
from __future__ import annotations

from typing import Any

from ckan.plugins import toolkit as tk
from ckan.types import Action, Context, DataDict

from ckanext.magetan import inputs, tableschema

GUARDED = ("package_create", "package_update", "resource_create",
           "resource_update", "group_create", "group_update",
           "organization_create", "organization_update", "user_create",
           "user_update")
__all__ = list(GUARDED)
MAX_TITLE = 500


def check(data_dict: DataDict) -> None:
    """Raise a ValidationError naming each field that cannot be stored."""
    errors = _errors(data_dict)
    if errors:
        raise tk.ValidationError(errors)


def _errors(data_dict: dict[str, Any],
            nested: bool = False) -> dict[str, Any]:
    """The fields of ``data_dict`` that cannot be stored, with why; a list
    of objects (``resources``, ``groups``) gets CKAN's error shape, one
    dict per item, so that ``resource_update`` finds its resource's own."""
    errors: dict[str, Any] = {}
    for key, value in data_dict.items():
        if isinstance(key, str) and tableschema.FORM_KEY.match(key):
            # the resource form's rows of the Table Schema editor: they
            # become ``schema``, whose validator refuses the same, with the
            # rows shown again as typed
            continue
        if not nested and isinstance(value, list) and value and all(
                isinstance(item, dict) for item in value):
            items = [_errors(item, nested=True) for item in value]
            if any(items):
                errors[str(key)] = items
            continue
        message = inputs.problem({key: value})
        if not message and key == "title" and isinstance(value, str) \
                and len(value) > MAX_TITLE:
            message = tk._("The title is longer than {limit} characters.") \
                .format(limit=MAX_TITLE)
        if message:
            errors[str(key).replace("\x00", "\\0")] = [message]
    return errors


def _guarded(name: str) -> Action:
    @tk.chained_action
    def guarded(up_func: Action, context: Context,
                data_dict: DataDict) -> Any:
        check(data_dict)
        return up_func(context, data_dict)

    guarded.__name__ = guarded.__qualname__ = name
    guarded.__doc__ = f"CKAN's ``{name}``, refusing NUL characters and " \
        "values nested too deeply."
    return guarded


for _name in GUARDED:
    globals()[_name] = _guarded(_name)
