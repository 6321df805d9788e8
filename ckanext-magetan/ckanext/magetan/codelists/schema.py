"""Validation schemas of the code-list actions."""
from __future__ import annotations

from ckan.logic.schema import validator_args
from ckan.types import Schema, Validator, ValidatorFactory

from ckanext.magetan import codelists


@validator_args
def codelist_show_schema(not_empty: Validator, unicode_safe: Validator,
                         one_of: ValidatorFactory,
                         ignore_missing: Validator) -> Schema:
    return {
        "id": [not_empty, unicode_safe, one_of(codelists.names())],
        "q": [ignore_missing, unicode_safe],
    }
