"""Template helpers of the resources' Table Schemas."""
from __future__ import annotations

from typing import Any, Callable, Optional

from ckan.plugins import toolkit as tk

from ckanext.magetan import codelists, tableschema
from ckanext.magetan.tableschema import reading

__all__ = ["magetan_table_schema", "magetan_table_schema_rows",
           "magetan_table_schema_types", "magetan_table_schema_inferable",
           "magetan_table_schema_codelists",
           "format_resource_items", "magetan_dialect_form",
           "magetan_encodings"]


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


def magetan_table_schema_codelists() -> list[dict[str, str]]:
    """The code lists a column may point at, with their labels."""
    labels = {
        "kecamatan": tk._("Kecamatan code (Kemendagri)"),
        "kecamatan:bps": tk._("Kecamatan code (BPS)"),
        "kecamatan:nama": tk._("Kecamatan name"),
        "desa": tk._("Desa/kelurahan code (Kemendagri)"),
        "desa:nama": tk._("Desa/kelurahan name"),
    }
    return [{"value": system, "label": labels.get(system, system)}
            for system in codelists.CODE_SYSTEMS]


def magetan_table_schema_inferable(resource: dict[str, Any]) -> bool:
    """Whether the resource is an uploaded table whose columns can be read."""
    return tableschema.stored_format(resource) is not None


def magetan_dialect_form(value: Any) -> dict[str, str]:
    """The reading options of the resource form (header rows, sheet,
    delimiter)."""
    return reading.form_values(value)


def magetan_encodings() -> list[dict[str, str]]:
    """The text encodings offered in the resource form."""
    labels = {"utf-8": "UTF-8", "utf-8-sig": tk._("UTF-8 with BOM"),
              "windows-1252": tk._("Windows-1252 (Excel on Windows)"),
              "utf-16": "UTF-16"}
    return [{"value": "", "label": tk._("Detect automatically")}] + [
        {"value": name, "label": labels[name]} for name in reading.ENCODINGS]


@tk.chained_helper
def format_resource_items(next_helper: Callable[..., Any],
                          items: list[tuple[str, Any]]) -> Any:
    """CKAN's extra rows of a resource page, without the Table Schema: it has
    a table of its own."""
    return next_helper([(key, value) for key, value in items
                        if key not in ("schema", "dialect")])
