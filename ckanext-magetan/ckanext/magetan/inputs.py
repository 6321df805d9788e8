"""Checks of untrusted values shared by several packages: text, NUL
characters and nesting, walked without recursion (a value may be nested
thousands deep)."""
from __future__ import annotations

import re
from typing import Any, Iterator

from ckan.plugins import toolkit as tk
from ckan.types import Context, FlattenDataDict, FlattenErrorDict, FlattenKey

# Deeper than any dataset, resource or Table Schema of the portal needs
# (package > resources > schema > fields > constraints > enum is 6), and
# shallow enough for every recursive step after validation (navl,
# frictionless' JSON Schema checks, json.dumps).
MAX_DEPTH = 32
# The longest text of any one value, in characters: far more than any
# description needs, and short enough for PostgreSQL's full-text search
# (a tsvector holds at most 1 MB).
MAX_TEXT = 100_000
# A surrogate code point in a str is always a lone one (Python joins pairs).
_SURROGATE = re.compile(r"[\ud800-\udfff]")


def strings(value: Any) -> Iterator[tuple[tuple[str, ...], str | None]]:
    """Each text and dictionary key inside ``value`` with the path (keys
    and indexes) leading to it; a value nested deeper than
    :data:`MAX_DEPTH` is yielded once as ``(path, None)``."""
    stack: list[tuple[tuple[str, ...], Any]] = [((), value)]
    while stack:
        path, item = stack.pop()
        if len(path) > MAX_DEPTH:
            yield path, None
            continue
        if isinstance(item, dict):
            for key, child in item.items():
                if isinstance(key, str):
                    yield path + (key,), key
                stack.append((path + (str(key),), child))
        elif isinstance(item, (list, tuple)):
            stack.extend((path + (str(i),), child)
                         for i, child in enumerate(item))
        elif isinstance(item, str):
            yield path, item


def unreadable(found: str) -> bool:
    """Whether ``found`` holds a NUL character (PostgreSQL refuses it in text
    and JSON) or a lone surrogate (which has no UTF-8 encoding)."""
    return "\x00" in found or _SURROGATE.search(found) is not None


def problem(value: Any) -> str | None:
    """Why ``value`` cannot be stored (NUL characters, too deep, a text
    longer than :data:`MAX_TEXT`), or None."""
    for _path, found in strings(value):
        if found is None:
            return tk._("The value is nested too deeply (more than {depth} "
                        "levels).").format(depth=MAX_DEPTH)
        if "\x00" in found:
            return tk._("Text must not contain NUL characters (\\0).")
        if len(found) > MAX_TEXT:
            return tk._("The text is longer than {limit} characters.").format(
                limit=MAX_TEXT)
    return None


def text(key: FlattenKey, data: FlattenDataDict, errors: FlattenErrorDict,
         context: Context) -> None:
    """A validator for action parameters that must be one piece of text;
    stops the field's other validators when it is not."""
    value = data.get(key)
    if value is tk.missing or value is None:
        return
    if not isinstance(value, str):
        errors[key].append(tk._("Must be text, not a list or an object."))
        raise tk.StopOnError
    if "\x00" in value:
        errors[key].append(tk._("Text must not contain NUL characters (\\0)."))
        raise tk.StopOnError


TRUE = ("true", "yes", "y", "t", "on", "1")
FALSE = ("false", "no", "n", "f", "off", "0", "")


def strict_boolean(value: Any) -> Any:
    """A validator for a yes/no parameter: a boolean or one of the usual
    spellings of it, not anything else read as false."""
    if value is tk.missing or value is None or isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in TRUE + FALSE:
        return value.strip().lower() in TRUE
    raise tk.Invalid(tk._("Must be true or false."))


def validated(data_dict: Any, schema: dict[str, Any], context: Context
              ) -> dict[str, Any]:
    """An action's parameters checked by a navl ``schema``; a
    ValidationError with every problem otherwise."""
    data, errors = tk.navl_validate(dict(data_dict or {}), schema, context)
    if errors:
        raise tk.ValidationError(errors)
    return data
