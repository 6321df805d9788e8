"""Validation schemas of the code-list actions."""
from __future__ import annotations

from ckan.logic.schema import validator_args
from ckan.types import Schema, Validator, ValidatorFactory

from ckanext.magetan import codelists, inputs


@validator_args
def codelist_show_schema(not_empty: Validator, one_of: ValidatorFactory,
                         ignore_missing: Validator) -> Schema:
    return {
        "id": [not_empty, inputs.text, one_of(codelists.names())],
        "q": [ignore_missing, inputs.text],
    }
