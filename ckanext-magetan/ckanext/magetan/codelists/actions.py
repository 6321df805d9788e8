"""Actions of the reference code lists."""
from __future__ import annotations

from typing import Any

from ckan.plugins import toolkit as tk
from ckan.types import Context, DataDict

from ckanext.magetan import codelists
from ckanext.magetan.codelists import schema

__all__ = ["magetan_codelist_list", "magetan_codelist_show"]


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
