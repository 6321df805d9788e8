"""What the Table Schemas add to the search index."""
from __future__ import annotations

from typing import Any

import json


def index_columns(flat: dict[str, Any]) -> dict[str, Any]:
    """``res_columns``: name and title of every column of every resource,
    so that a search for a column ("luas panen") finds its dataset."""
    data = json.loads(flat.get("data_dict") or "{}")
    columns = []
    for resource in data.get("resources") or []:
        schema = resource.get("schema")
        fields = schema.get("fields") if isinstance(schema, dict) else None
        columns.extend(
            " ".join(str(f[key]) for key in ("name", "title") if f.get(key))
            for f in fields or [] if isinstance(f, dict))
    if columns:
        flat["res_columns"] = columns
    return flat
