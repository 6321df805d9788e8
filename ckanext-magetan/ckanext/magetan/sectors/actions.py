"""Actions of the sectors."""
from __future__ import annotations

from typing import Any

import sqlalchemy as sa

import ckan.model as model
from ckan.logic.schema import validator_args
from ckan.plugins import toolkit as tk
from ckan.types import Action, Context, DataDict, Schema, Validator

from ckanext.magetan import inputs

__all__ = ["group_list"]


@tk.side_effect_free
@tk.chained_action
def group_list(up_func: Action, context: Context,
               data_dict: DataDict) -> list[Any]:
    """CKAN's ``group_list``, which also lists sectors in the order of the
    statistics book: ``sort=chapter`` (``chapter desc`` reverses it), the
    default for sectors. Sectors without a chapter come last, by title.
    """
    params, errors = tk.navl_validate(data_dict, list_schema(), context)
    if errors:
        raise tk.ValidationError(errors)
    sort = (params.get("sort") or "chapter").strip()
    if not sort.startswith("chapter"):
        return up_func(context, data_dict)
    tk.check_access("group_list", context, data_dict)
    base = dict(data_dict, sort="title asc")
    names = up_func(tk.fresh_context(context),
                    dict(base, all_fields=False, limit=None, offset=0))
    chapters = dict(model.Session.execute(sa.text(
        "SELECT name, (extras ->> 'chapter')::int FROM \"group\" "
        "WHERE name = ANY(:names) AND extras ->> 'chapter' ~ '^[0-9]+$'"),
        {"names": names}).all())
    in_book = sorted((n for n in names if n in chapters), key=chapters.get,
                     reverse=sort.endswith("desc"))
    ordered = in_book + [n for n in names if n not in chapters]
    all_fields = params.get("all_fields") is True
    # CKAN's caps of the page size (all_fields is expensive)
    most = tk.config.get("ckan.group_and_organization_list_all_fields_max"
                         if all_fields else
                         "ckan.group_and_organization_list_max")
    offset = params.get("offset") or 0
    limit = min(params.get("limit") or most, most)
    page = ordered[offset:offset + limit]
    if not all_fields or not page:
        return page
    found = up_func(context, dict(base, groups=page, offset=0,
                                  limit=len(page)))
    position = {name: index for index, name in enumerate(page)}
    return sorted(found, key=lambda group: position[group["name"]])


@validator_args
def list_schema(ignore_empty: Validator,
                natural_number_validator: Validator) -> Schema:
    """The parameters of ``group_list`` that its code reads itself."""
    return {
        "sort": [ignore_empty, inputs.text],
        "q": [ignore_empty, inputs.text],
        "type": [ignore_empty, inputs.text],
        "order_by": [ignore_empty, inputs.text],
        "limit": [ignore_empty, natural_number_validator],
        "offset": [ignore_empty, natural_number_validator],
        "all_fields": [ignore_empty, inputs.strict_boolean],
    }
