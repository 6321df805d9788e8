"""Turn a dataset into the row the PostgreSQL search index stores.

The flattening follows the document CKAN sends to Solr (same field names:
``tags``, ``groups``, ``organization``, ``res_format``, ``capacity``,
``extras_*``, ``dataset_type``, ``title_string``, ...), so that
``before_dataset_index`` plugins and ``fq`` clauses written for CKAN's Solr
schema work unchanged.
"""
from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, Iterable

from dateutil.parser import ParserError, parse as parse_date

import ckan.lib.navl.dictization_functions as dictization
import ckan.lib.plugins as lib_plugins
import ckan.logic as logic
import ckan.model as model
import ckan.plugins as p
from ckan.common import config

from ckanext.pgindex import facets

log = logging.getLogger(__name__)

# Values longer than this are kept as text (searchable, not facetable).
LONG_TEXT = 256

# Resource keys flattened into res_* lists, as CKAN does for Solr.
RESOURCE_FIELDS = {
    "name": "res_name",
    "description": "res_description",
    "format": "res_format",
    "url": "res_url",
    "resource_type": "res_type",
}

# The version of the rows build_document() writes. Bump it whenever a change
# to this module (or to how index.py stores a document) changes what is
# stored for the same dataset: start-up then asks for a rebuild.
DOCUMENT_FORMAT = 3  # 3: words joined by / or - split, JSON-list strings as items

# Facet values longer than this get no term (they stay filterable).
FACET_VALUE_MAX = 200

# Characters that join words in titles, units and names ("Desa/Kelurahan",
# "jiwa/km²", "Angka-Harapan"): Solr's tokenizer splits there, while
# PostgreSQL's `simple` parser would keep "desa/kelurahan" as one file-path
# token. Both the index and the query split with split_words().
WORD_JOINERS = "/-"
_JOINERS_TO_SPACES = str.maketrans(WORD_JOINERS, " " * len(WORD_JOINERS))


def split_words(text: str) -> str:
    """``text`` with the characters that join words made spaces."""
    return text.translate(_JOINERS_TO_SPACES)


def split_words_sql(expression: str) -> str:
    """:func:`split_words` as SQL, over the text ``expression``."""
    return (f"translate({expression}, '{WORD_JOINERS}', "
            f"'{' ' * len(WORD_JOINERS)}')")

# Fields that carry no words a person would search for.
TECHNICAL_FIELDS = {
    "id", "site_id", "state", "capacity", "dataset_type", "type",
    "entity_type", "index_id", "owner_org", "creator_user_id",
    "metadata_created", "metadata_modified", "url", "res_url", "urls",
    "permission_labels", "private", "num_resources", "num_tags", "isopen",
    "res_type", "license_url", "title_string", "data_dict",
    "validated_data_dict", "license_id",
}


@dataclass
class SearchDocument:
    """One row of ``pgindex_document``."""

    id: str
    site_id: str
    name: str
    title_sort: str
    state: str
    capacity: str
    dataset_type: str
    metadata_created: datetime | None
    metadata_modified: datetime | None
    permission_labels: list[str]
    fields: dict[str, list[str]]
    texts: dict[str, str]
    weighted_text: dict[str, str]  # tsvector weight (A-D) -> words
    data_dict: str
    validated_data_dict: str

    def facet_pairs(self) -> list[tuple[str, str]]:
        """The (field, value) pairs facets are counted from."""
        allowed = facets.indexed_fields()
        return sorted({(field, value)
                       for field, values in self.fields.items()
                       if field in allowed
                       for value in values if len(value) <= FACET_VALUE_MAX})


def is_faceted(field: str) -> bool:
    """Whether facet counts and exact filters of ``field`` use the terms.

    The allow-list of :mod:`ckanext.pgindex.facets`, narrowed to the fields
    the stored rows were last fully built with.
    """
    return facets.is_faceted(field)


def build_document(pkg_dict: dict[str, Any]) -> SearchDocument:
    """Build the index row of a dataset from what CKAN passes to the index.

    ``pkg_dict`` is the dataset shown with CKAN's default schema, carrying
    the custom-schema version under ``with_custom_schema``.
    """
    pkg_dict = dict(pkg_dict)
    validated = pkg_dict.pop("with_custom_schema")
    data_dict = json.dumps(pkg_dict)
    validated_data_dict = json.dumps(
        validated, cls=dictization.MissingNullEncoder)

    organization = pkg_dict.get("organization") or {}
    org_title = organization.get("title") or ""
    group_titles = [g.get("title") or "" for g in pkg_dict.get("groups", [])]

    flat = _flatten(pkg_dict)
    flat["data_dict"] = data_dict
    flat["validated_data_dict"] = validated_data_dict
    for plugin in p.PluginImplementations(p.IPackageController):
        flat = plugin.before_dataset_index(flat)
    if not flat:
        raise ValueError("a before_dataset_index plugin returned nothing")
    flat.pop("data_dict", None)
    flat.pop("validated_data_dict", None)

    # Permission labels decide who sees the dataset: computed last, from the
    # database, so that neither the dataset nor a plugin can forge them.
    dataset = model.Package.get(flat["id"])
    labels = lib_plugins.get_permission_labels()
    permission_labels = labels.get_dataset_labels(dataset) if dataset else []
    flat.pop("permission_labels", None)

    fields: dict[str, list[str]] = {}
    texts: dict[str, str] = {}
    for key, value in flat.items():
        values = [v for v in _as_strings(value) if v != ""]
        if not values:
            continue
        short = [v for v in values if len(v) <= LONG_TEXT]
        long = [v for v in values if len(v) > LONG_TEXT]
        if short:
            fields[key] = short
        if long:
            texts[key] = "\n".join(long)

    title = str(flat.get("title") or "")
    return SearchDocument(
        id=flat["id"],
        site_id=str(flat.get("site_id") or config.get("ckan.site_id")),
        name=str(flat.get("name") or ""),
        title_sort=title.strip().lower(),
        state=str(flat.get("state") or "active"),
        capacity=str(flat.get("capacity") or "public"),
        dataset_type=str(flat.get("dataset_type") or "dataset"),
        metadata_created=_timestamp(flat.get("metadata_created")),
        metadata_modified=_timestamp(flat.get("metadata_modified")),
        permission_labels=list(permission_labels),
        fields=fields,
        texts=texts,
        weighted_text=_weighted_text(flat, fields, texts, org_title,
                                     group_titles),
        data_dict=data_dict,
        validated_data_dict=validated_data_dict,
    )


def _flatten(pkg: dict[str, Any]) -> dict[str, Any]:
    """The Solr-style flat document of a dataset (without its JSON copies)."""
    flat: dict[str, Any] = {
        k: v for k, v in pkg.items()
        if k not in ("extras", "tags", "groups", "organization", "resources",
                     "relationships_as_subject", "relationships_as_object")
    }
    reserved = set(flat) | {"tags", "groups", "organization"} | set(
        RESOURCE_FIELDS.values())
    for extra in pkg.get("extras") or []:
        key = "".join(c for c in extra["key"] if c.isalnum() or c in "_-")
        flat[f"extras_{key}"] = extra["value"]
        if key not in reserved:
            flat[key] = extra["value"]

    tags: list[str] = []
    for tag in pkg.get("tags") or []:
        vocabulary = tag.get("vocabulary_id")
        if vocabulary:
            vocab = logic.get_action("vocabulary_show")({}, {"id": vocabulary})
            flat.setdefault(f"vocab_{vocab['name']}", []).append(tag["name"])
        else:
            tags.append(tag["name"])
    flat["tags"] = tags
    flat["groups"] = [g["name"] for g in pkg.get("groups") or []]
    flat["organization"] = (pkg.get("organization") or {}).get("name")
    flat["capacity"] = "private" if pkg.get("private") else "public"

    for resource in pkg.get("resources") or []:
        for key, target in RESOURCE_FIELDS.items():
            flat.setdefault(target, []).append(resource.get(key) or "")
        for key in model.Resource.get_extra_columns():
            flat.setdefault(f"res_extras_{key}", []).append(
                resource.get(key) or "")

    for rel in pkg.get("relationships_as_object") or []:
        kind = model.PackageRelationship.forward_to_reverse_type(rel["type"])
        other = model.Package.get(rel["subject_package_id"])
        if other and kind not in flat:
            flat.setdefault(kind, []).append(other.name)
    for rel in pkg.get("relationships_as_subject") or []:
        other = model.Package.get(rel["object_package_id"])
        if other and rel["type"] not in flat:
            flat.setdefault(rel["type"], []).append(other.name)

    flat["entity_type"] = "package"
    flat["dataset_type"] = pkg.get("type")
    flat["site_id"] = config.get("ckan.site_id")
    flat["index_id"] = hashlib.md5(
        f"{pkg['id']}{config.get('ckan.site_id')}".encode()).hexdigest()
    if pkg.get("title"):
        flat["title"] = pkg["title"].lstrip()
        flat["title_string"] = flat["title"]
    for key in list(flat):
        if key.endswith("_date") or key in ("metadata_created",
                                            "metadata_modified"):
            normalised = _iso_date(flat[key])
            if normalised is None:
                if flat[key]:
                    log.warning("%s: %s is not a valid date: %r",
                                pkg["id"], key, flat[key])
                flat.pop(key)
            else:
                flat[key] = normalised
    return flat


def _as_strings(value: Any) -> Iterable[str]:
    if value is None or value is dictization.missing:
        return
    if isinstance(value, bool):
        yield "true" if value else "false"
    elif isinstance(value, (list, tuple, set)):
        for item in value:
            yield from _as_strings(item)
    elif isinstance(value, dict):
        yield json.dumps(value, sort_keys=True, ensure_ascii=False)
    elif isinstance(value, str):
        items = _json_string_list(value)
        if items is None:
            yield value
        else:
            yield from items
    else:
        yield str(value)


def _json_string_list(value: str) -> list[str] | None:
    """The items of a string holding a JSON array of strings, else None.

    ckanext-scheming's multiple_checkbox and multiple_select store their
    values as ``'["a", "b"]'``; ``field:a`` then finds the dataset.
    """
    text = value.strip()
    if not (text.startswith("[") and text.endswith("]")):
        return None
    try:
        items = json.loads(text)
    except ValueError:
        return None
    if isinstance(items, list) and all(isinstance(i, str) for i in items):
        return items
    return None


def _iso_date(value: Any) -> str | None:
    """A date as Solr stores it: ISO 8601 in UTC with a trailing Z."""
    if not value:
        return None
    try:
        parsed = value if isinstance(value, datetime) else parse_date(str(value))
    except (ParserError, ValueError, OverflowError):
        return None
    if parsed.tzinfo:
        parsed = parsed.astimezone(timezone.utc).replace(tzinfo=None)
    return parsed.isoformat() + "Z"


def _timestamp(value: Any) -> datetime | None:
    if not value:
        return None
    parsed = parse_date(str(value).rstrip("Z"))
    return parsed.replace(tzinfo=parsed.tzinfo or timezone.utc)


def _weighted_text(flat: dict[str, Any], fields: dict[str, list[str]],
                   texts: dict[str, str], org_title: str,
                   group_titles: list[str]) -> dict[str, str]:
    """Words of the dataset by importance: A titles, B labels, C text, D
    resources."""

    def words(key: str) -> list[str]:
        found = list(fields.get(key, []))
        if key in texts:
            found.append(texts[key])
        return found

    weight_a = words("title") + [str(flat.get("name") or "").replace("-", " ")]
    weight_b = (words("tags") + words("groups") + group_titles
                + words("organization") + [org_title])
    # resources: CKAN's res_* lists and any a plugin adds (res_columns...)
    resource_keys = sorted(
        key for key in set(fields) | set(texts)
        if key.startswith("res_") and key not in TECHNICAL_FIELDS
        and not key.startswith("res_extras_"))
    weight_d = [word for key in resource_keys for word in words(key)]
    placed = {"title", "name", "tags", "groups", "organization",
              *resource_keys}
    weight_c = words("notes")
    for key in sorted(set(fields) | set(texts)):
        if (key in placed or key in TECHNICAL_FIELDS or key == "notes"
                or key.startswith(("extras_", "res_extras_", "vocab_"))
                or key.endswith("_date")):
            continue
        weight_c.extend(v for v in words(key) if not _looks_technical(v))
    return {w: split_words(" ".join(filter(None, text)))
            for w, text in (("A", weight_a), ("B", weight_b), ("C", weight_c),
                            ("D", weight_d))}


def _looks_technical(value: str) -> bool:
    """Identifiers and links add noise, not meaning, to free-text search."""
    return (value.startswith(("http://", "https://", "{", "["))
            or (len(value) == 36 and value.count("-") == 4))
