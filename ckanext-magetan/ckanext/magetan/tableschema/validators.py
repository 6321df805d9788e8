"""The validator of a resource's ``schema`` field."""
from __future__ import annotations

from typing import Any

from ckan.types import Context, FlattenDataDict, FlattenErrorDict, FlattenKey

from ckanext.magetan import tableschema

__all__ = ["magetan_table_schema"]


def magetan_table_schema(key: FlattenKey, data: FlattenDataDict,
                         errors: FlattenErrorDict, context: Context) -> Any:
    """A frictionless Table Schema (object or JSON text) describing the
    columns of a tabular resource; stored as an object."""
    try:
        data[key] = tableschema.check(data.get(key))
    except tableschema.TableSchemaError as error:
        errors[key].extend(error.messages)
        return
    if data[key] is None:
        data.pop(key)
