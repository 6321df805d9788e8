"""Validation schemas of the Table Schema actions."""
from __future__ import annotations

from ckan.logic.schema import validator_args
from ckan.types import Schema, Validator, ValidatorFactory

from ckanext.magetan import inputs


@validator_args
def table_schema_infer_schema(not_empty: Validator,
                              default: ValidatorFactory) -> Schema:
    return {
        "id": [not_empty, inputs.text],
        "save": [default(False), inputs.strict_boolean],
    }
