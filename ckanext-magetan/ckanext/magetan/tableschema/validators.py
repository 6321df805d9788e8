"""The validators of a resource's ``schema``, ``dialect`` and ``encoding``
fields."""
from __future__ import annotations

from typing import Any, Callable

from ckan.types import Context, FlattenDataDict, FlattenErrorDict, FlattenKey

from ckanext.magetan import tableschema
from ckanext.magetan.tableschema import reading

__all__ = ["magetan_table_schema", "magetan_dialect", "magetan_encoding"]


def _checked(check: Callable[[Any], Any], failure: type[Exception],
             key: FlattenKey, data: FlattenDataDict,
             errors: FlattenErrorDict) -> None:
    """Store what ``check`` makes of the value (nothing for an empty
    one), or its messages as the field's errors."""
    try:
        data[key] = check(data.get(key))
    except failure as error:
        errors[key].extend(error.messages)  # type: ignore[attr-defined]
        return
    if data[key] is None:
        data.pop(key)


def magetan_table_schema(key: FlattenKey, data: FlattenDataDict,
                         errors: FlattenErrorDict, context: Context) -> Any:
    """A frictionless Table Schema (object or JSON text) describing the
    columns of a tabular resource; stored as an object."""
    _checked(tableschema.check, tableschema.TableSchemaError, key, data,
             errors)


def magetan_dialect(key: FlattenKey, data: FlattenDataDict,
                    errors: FlattenErrorDict, context: Context) -> Any:
    """How the table file is read (a frictionless dialect: header rows,
    sheet, delimiter), as an object or its JSON text; stored as an
    object."""
    _checked(reading.check_dialect, reading.DialectError, key, data, errors)


def magetan_encoding(key: FlattenKey, data: FlattenDataDict,
                     errors: FlattenErrorDict, context: Context) -> Any:
    """The text encoding of a CSV/TSV/JSON file; empty to detect it."""
    _checked(reading.check_encoding, reading.DialectError, key, data, errors)
