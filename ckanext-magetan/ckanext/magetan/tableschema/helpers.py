"""Template helpers of the resources' Table Schemas."""
from __future__ import annotations

from typing import Any, Callable, Optional

from ckan.plugins import toolkit as tk

from ckanext.magetan import tableschema

__all__ = ["magetan_table_schema", "magetan_table_schema_rows",
           "magetan_table_schema_types", "magetan_table_schema_inferable",
           "format_resource_items"]


def magetan_table_schema(resource: dict[str, Any]) -> Optional[dict[str, Any]]:
    """The resource's Table Schema, or None if it has none (or a broken one)."""
    try:
        return tableschema.check(resource.get("schema"))
    except tableschema.TableSchemaError:
        return None


def magetan_table_schema_rows(value: Any) -> list[dict[str, Any]]:
    """Rows of the Table Schema editor in the resource form."""
    return tableschema.form_rows(value)


def magetan_table_schema_types() -> list[dict[str, str]]:
    """The column types offered in the resource form, with their labels."""
    labels = {
        "string": tk._("Text"),
        "integer": tk._("Whole number"),
        "number": tk._("Decimal number"),
        "year": tk._("Year"),
        "date": tk._("Date"),
        "yearmonth": tk._("Year and month"),
        "datetime": tk._("Date and time"),
        "boolean": tk._("Yes/no"),
        "any": tk._("Any"),
    }
    return [{"value": t, "label": labels[t]}
            for t in tableschema.FORM_TYPES]


def magetan_table_schema_inferable(resource: dict[str, Any]) -> bool:
    """Whether the resource is an uploaded table whose columns can be read."""
    return tableschema.stored_format(resource) is not None


@tk.chained_helper
def format_resource_items(next_helper: Callable[..., Any],
                          items: list[tuple[str, Any]]) -> Any:
    """CKAN's extra rows of a resource page, without the Table Schema: it has
    a table of its own."""
    return next_helper([(key, value) for key, value in items
                        if key != "schema"])
