"""Which fields get integer facet terms: an allow-list.

A field's values are numbered in ``pgindex_term`` (and listed in each row's
``terms``) only when the site may ask for it as a facet:

* the facets CKAN asks for by default (``search.facets``);
* the facets IFacets plugins add, asked of each plugin once per dataset type
  and group/organization type the site has, starting from an empty dict;
* ``ckanext.pgindex.facet_fields``.

Any other field asked as a facet is counted from the JSON ``fields``
instead, and filters on it match ``fields`` too.

What the indexer writes (:func:`indexed_fields`) follows the running
configuration; what searches rely on (:func:`is_faceted`) is narrowed to the
fields the stored rows were last fully built with, so a field added to the
allow-list is answered from ``fields`` until a rebuild has given every row
its terms.
"""
from __future__ import annotations

import logging
from collections import OrderedDict
from typing import Any, Iterable, Optional

import ckan.lib.plugins as lib_plugins
import ckan.plugins as p
from ckan.common import config

log = logging.getLogger(__name__)

# Never numbered, even if asked: unique per dataset, long text or the JSON
# copies. A facet on one of them is counted from `fields`.
NEVER_TERMS = frozenset({
    "id", "name", "title", "title_string", "index_id", "notes", "text",
    "url", "urls", "metadata_created", "metadata_modified",
    "data_dict", "validated_data_dict",
})

_indexed: Optional[frozenset[str]] = None
# the fields the stored rows were last fully built with; None: unknown
_recorded: Optional[frozenset[str]] = None
_searched: Optional[frozenset[str]] = None


def reset() -> None:
    """Forget the computed allow-list (the configuration may have changed)."""
    global _indexed, _recorded, _searched
    _indexed = _recorded = _searched = None


def indexed_fields() -> frozenset[str]:
    """The fields the indexer gives integer terms, from the configuration."""
    global _indexed, _searched
    if _indexed is None:
        _indexed = compute_fields()
        _searched = None
    return _indexed


def set_recorded(fields: Optional[Iterable[str]]) -> None:
    """Tell searches which fields the stored rows carry terms for."""
    global _recorded, _searched
    _recorded = None if fields is None else frozenset(fields)
    _searched = None


def searched_fields() -> frozenset[str]:
    """The fields whose facets and filters searches answer from terms."""
    global _searched
    if _searched is None:
        indexed = indexed_fields()
        _searched = indexed if _recorded is None else indexed & _recorded
    return _searched


def is_faceted(field: str) -> bool:
    """Whether facet counts and exact filters of ``field`` use the terms."""
    return field in searched_fields()


def compute_fields() -> frozenset[str]:
    """The allow-list, computed afresh from the configuration and plugins."""
    fields: set[str] = set(_words(config.get("search.facets")))
    fields.update(_words(config.get("ckanext.pgindex.facet_fields")))
    for plugin in _facet_plugins():
        for dataset_type in dataset_types():
            fields.update(_ask(plugin, "dataset_facets", dataset_type))
        for group_type, is_organization in group_types():
            if is_organization:
                fields.update(_ask(plugin, "organization_facets", group_type,
                                   None))
            else:
                fields.update(_ask(plugin, "group_facets", group_type, None))
                if group_type != "group":
                    # CKAN's group pages ask organization_facets for every
                    # group type but "group"
                    fields.update(_ask(plugin, "organization_facets",
                                       group_type, None))
    return frozenset(fields - NEVER_TERMS)


def dataset_types() -> list[str]:
    """Every dataset type of the site, sorted."""
    types = {"dataset", config.get("ckan.default.package_type") or "dataset"}
    types.update(getattr(lib_plugins, "_package_plugins", {}) or {})
    return sorted(types)


def group_types() -> list[tuple[str, bool]]:
    """Every group type of the site and whether it is an organization."""
    found = {"group": False, "organization": True}
    controllers = getattr(lib_plugins, "_group_controllers", {}) or {}
    for group_type, plugin in (
            getattr(lib_plugins, "_group_plugins", {}) or {}).items():
        is_organization = getattr(plugin, "is_organization", None)
        if is_organization is None:
            is_organization = controllers.get(group_type) == "organization"
        found[group_type] = bool(is_organization)
    return sorted(found.items())


def _facet_plugins() -> list[Any]:
    return list(p.PluginImplementations(p.IFacets))


def _ask(plugin: Any, method: str, *args: Any) -> list[str]:
    """The facet names one IFacets method adds to an empty dict."""
    try:
        facets = getattr(plugin, method)(OrderedDict(), *args)
    except Exception:
        log.warning("%s.%s%r failed; its facets get no terms",
                    type(plugin).__name__, method, args, exc_info=True)
        return []
    return [name for name in (facets or {}) if isinstance(name, str)]


def _words(value: Any) -> list[str]:
    if not value:
        return []
    if isinstance(value, str):
        return value.split()
    return [str(v) for v in value]
