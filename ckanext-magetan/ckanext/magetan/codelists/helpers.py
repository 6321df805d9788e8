"""Template helpers of the reference code lists."""
from __future__ import annotations

from typing import Any

from ckanext.magetan import codelists

__all__ = ["magetan_codelist_choices", "magetan_unit_suggestions"]


def magetan_codelist_choices(field: dict[str, Any]) -> list[dict[str, str]]:
    """Scheming choices from the reference list named by ``field.codelist``.

    Used as ``choices_helper: magetan_codelist_choices`` with ``codelist:``
    in a schema field; the label shows the code and its name.
    """
    codelist = codelists.load(field["codelist"])
    return [{"value": entry[codelist.key],
             "label": f"{entry[codelist.key]} {entry.get('name', '')}".strip()}
            for entry in codelist.entries]


def magetan_unit_suggestions() -> list[str]:
    """Units of the ``satuan`` code list, as suggestions for free text."""
    return [entry["label_id"] for entry in codelists.load("satuan").entries]
