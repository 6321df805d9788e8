"""Validation schemas of the Table Schema actions."""
from __future__ import annotations

from ckan.logic.schema import validator_args
from ckan.types import Schema, Validator, ValidatorFactory


@validator_args
def table_schema_infer_schema(not_empty: Validator, unicode_safe: Validator,
                              boolean_validator: Validator,
                              default: ValidatorFactory) -> Schema:
    return {
        "id": [not_empty, unicode_safe],
        "save": [default(False), boolean_validator],
    }
