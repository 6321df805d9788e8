"""Template helpers of ckanext-magetan."""
from __future__ import annotations

from typing import Any, Callable, Optional

from ckan.plugins import toolkit as tk

from ckanext.magetan import codelists, table_schema


def magetan_codelist_choices(field: dict[str, Any]) -> list[dict[str, str]]:
    """Scheming choices from the reference list named by ``field.codelist``.

    Used as ``choices_helper: magetan_codelist_choices`` with ``codelist:``
    in a schema field; the label shows the code and its name.
    """
    codelist = codelists.load(field["codelist"])
    return [{"value": entry[codelist.key],
             "label": f"{entry[codelist.key]} {entry.get('name', '')}".strip()}
            for entry in codelist.entries]


def magetan_table_schema(resource: dict[str, Any]) -> Optional[dict[str, Any]]:
    """The resource's Table Schema, or None if it has none (or a broken one)."""
    try:
        return table_schema.check(resource.get("schema"))
    except table_schema.TableSchemaError:
        return None


def magetan_table_schema_rows(value: Any) -> list[dict[str, Any]]:
    """Rows of the Table Schema editor in the resource form."""
    return table_schema.form_rows(value)


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
            for t in table_schema.FORM_TYPES]


def magetan_table_schema_inferable(resource: dict[str, Any]) -> bool:
    """Whether the resource is an uploaded table whose columns can be read."""
    return table_schema.stored_format(resource) is not None


def magetan_unit_suggestions() -> list[str]:
    """Units of the ``satuan`` code list, as suggestions for free text."""
    return [entry["label_id"] for entry in codelists.load("satuan").entries]


@tk.chained_helper
def format_resource_items(next_helper: Callable[..., Any],
                          items: list[tuple[str, Any]]) -> Any:
    """CKAN's extra rows of a resource page, without the Table Schema: it has
    a table of its own."""
    return next_helper([(key, value) for key, value in items
                        if key != "schema"])
