"""Actions of ckanext-magetan."""
from __future__ import annotations

from typing import Any

import sqlalchemy as sa

import ckan.model as model
from ckan.plugins import toolkit as tk
from ckan.types import Action, Context, DataDict

from ckanext.magetan import codelists, table_schema
from ckanext.magetan.logic import schema


@tk.side_effect_free
def magetan_codelist_list(context: Context,
                          data_dict: DataDict) -> list[dict[str, Any]]:
    """The reference code lists the portal ships.

    :rtype: list of dicts with ``name``, ``title``, ``description`` and
        ``count``
    """
    tk.check_access("magetan_codelist_list", context, data_dict)
    return [{"name": c.name, "title": c.title, "description": c.description,
             "count": len(c.entries)}
            for c in map(codelists.load, codelists.names())]


@tk.side_effect_free
def magetan_codelist_show(context: Context,
                          data_dict: DataDict) -> dict[str, Any]:
    """One reference code list with its entries.

    :param id: the list: ``kecamatan``, ``desa``, ``urusan``,
        ``periodisitas`` or ``satuan``
    :type id: string
    :param q: only entries with this text in any of their values
        (case-insensitive), e.g. ``q=35.20.07`` for the desa of Plaosan
    :type q: string
    :rtype: dict with ``name``, ``title``, ``description``, ``key`` (the
        column holding the code) and ``entries``
    """
    tk.check_access("magetan_codelist_show", context, data_dict)
    data, errors = tk.navl_validate(
        data_dict, context.get("schema") or schema.codelist_show_schema(),
        context)
    if errors:
        raise tk.ValidationError(errors)
    codelist = codelists.load(data["id"])
    entries = (list(codelist.search(data["q"])) if data.get("q")
               else list(codelist.entries))
    return {"name": codelist.name, "title": codelist.title,
            "description": codelist.description, "key": codelist.key,
            "entries": entries}


def magetan_table_schema_infer(context: Context,
                               data_dict: DataDict) -> dict[str, Any]:
    """Describe the columns of an uploaded CSV/TSV/XLS/XLSX resource.

    The columns are read from the stored file with frictionless; a column
    the resource's schema already describes keeps its title, unit,
    description and type.  Needs the right to edit the resource.

    :param id: the resource
    :type id: string
    :param save: also store the result as the resource's ``schema``
        (default: false)
    :type save: bool
    :rtype: dict, a frictionless Table Schema
    """
    data, errors = tk.navl_validate(
        data_dict, schema.table_schema_infer_schema(), context)
    if errors:
        raise tk.ValidationError(errors)
    tk.check_access("magetan_table_schema_infer", context, data)
    resource = tk.get_action("resource_show")(
        tk.fresh_context(context), {"id": data["id"]})
    try:
        given = table_schema.check(resource.get("schema"))
        inferred = table_schema.merge(
            given, table_schema.infer_stored(resource))
    except table_schema.TableSchemaError as error:
        raise tk.ValidationError({"schema": error.messages})
    if data.get("save"):
        tk.get_action("resource_patch")(
            tk.fresh_context(context),
            {"id": resource["id"], "schema": inferred})
    return inferred


@tk.side_effect_free
@tk.chained_action
def group_list(up_func: Action, context: Context,
               data_dict: DataDict) -> list[Any]:
    """CKAN's ``group_list``, which also lists sectors in the order of the
    statistics book: ``sort=chapter`` (``chapter desc`` reverses it), the
    default for sectors. Sectors without a chapter come last, by title.
    """
    sort = str(data_dict.get("sort") or "chapter").strip()
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
    offset = int(data_dict.get("offset") or 0)
    limit = data_dict.get("limit")
    page = ordered[offset:offset + int(limit) if limit else None]
    if not tk.asbool(data_dict.get("all_fields")) or not page:
        return page
    found = up_func(context, dict(base, groups=page, offset=0,
                                  limit=len(page)))
    position = {name: index for index, name in enumerate(page)}
    return sorted(found, key=lambda group: position[group["name"]])
