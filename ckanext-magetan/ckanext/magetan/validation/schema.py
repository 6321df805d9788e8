"""Parameters of the validation actions."""
from __future__ import annotations

from ckan.plugins import toolkit as tk
from ckan.types import Schema

from ckanext.magetan import inputs
from ckanext.magetan.workflow.schema import text


def resource_id_schema() -> Schema:
    not_empty = tk.get_validator("not_empty")
    return {"resource_id": [not_empty, text],
            "__extras": [tk.get_validator("ignore")]}


def run_schema() -> Schema:
    schema = resource_id_schema()
    schema["async"] = [tk.get_validator("default")(True),
                       inputs.strict_boolean]
    return schema
