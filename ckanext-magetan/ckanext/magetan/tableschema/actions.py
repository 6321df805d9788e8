"""Actions of the resources' Table Schemas."""
from __future__ import annotations

from typing import Any

from ckan.plugins import toolkit as tk
from ckan.types import Context, DataDict

from ckanext.magetan import tableschema
from ckanext.magetan.tableschema import schema

__all__ = ["magetan_table_schema_infer"]


def magetan_table_schema_infer(context: Context,
                               data_dict: DataDict) -> dict[str, Any]:
    """Describe the columns of an uploaded CSV/TSV/XLS/XLSX resource.

    The columns are read from the stored file with frictionless; a column
    the resource's schema already describes keeps its title, unit,
    description and type.  Needs the right to edit the resource.

    :param id: the resource
    :type id: string
    :param save: also store the result as the resource's ``schema``
        (default: false)
    :type save: bool
    :rtype: dict, a frictionless Table Schema
    """
    data, errors = tk.navl_validate(
        data_dict, schema.table_schema_infer_schema(), context)
    if errors:
        raise tk.ValidationError(errors)
    tk.check_access("magetan_table_schema_infer", context, data)
    resource = tk.get_action("resource_show")(
        tk.fresh_context(context), {"id": data["id"]})
    try:
        given = tableschema.check(resource.get("schema"))
        inferred = tableschema.merge(
            given, tableschema.infer_stored(resource))
    except tableschema.TableSchemaError as error:
        raise tk.ValidationError({"schema": error.messages})
    if data.get("save"):
        tk.get_action("resource_patch")(
            tk.fresh_context(context),
            {"id": resource["id"], "schema": inferred})
    return inferred
