"""Dataset search on PostgreSQL, behind CKAN's own search seam.

CKAN 2.12 indexes and searches datasets through the classes registered in
``ckan.lib.search._INDICES`` and ``_QUERIES`` (``index_for`` and
``query_for``). :func:`use_backend` puts the PostgreSQL classes there, so
that everything in CKAN that indexes or searches (``package_search``, the
dataset, organization and group pages, dashboards,
``ckan search-index rebuild``) works without Solr, and puts CKAN's Solr
classes back when the backend is ``solr``. Two places in CKAN core
(``group_list_dictize`` and ``tag_dictize``) instantiate
``ckan.lib.search.PackageSearchQuery`` directly, so that name is pointed at
the same class.

Loading the ``pgindex`` plugin activates this backend; unloading it (as
tests do) puts CKAN's Solr classes back.
"""
from __future__ import annotations

import logging

import ckan.lib.search as ckan_search
from ckan.lib.search.index import PackageSearchIndex
from ckan.lib.search.query import PackageSearchQuery

from ckanext.pgindex import cache
from ckanext.pgindex.index import PostgresPackageSearchIndex
from ckanext.pgindex.query import PostgresPackageSearchQuery

log = logging.getLogger(__name__)

_solr_schema_check = ckan_search.check_solr_schema_version


def _no_solr_schema_to_check(schema_file: str | None = None) -> bool:
    """Start-up check of the Solr schema, which a PostgreSQL index has not.

    Its counterpart for this index (migrations applied, rows built with the
    current format) runs in the plugin's ``configure``, once CKAN's database
    is set up: see :func:`ckanext.pgindex.status.startup_check`.
    """
    log.debug("Dataset search runs on PostgreSQL; no Solr schema to check")
    return False


def activate() -> None:
    """Make CKAN index and search datasets with PostgreSQL."""
    ckan_search._INDICES["package"] = PostgresPackageSearchIndex
    ckan_search._QUERIES["package"] = PostgresPackageSearchQuery
    ckan_search.PackageSearchQuery = PostgresPackageSearchQuery
    ckan_search.check_solr_schema_version = _no_solr_schema_to_check
    cache.listen()


def deactivate() -> None:
    """Give indexing and search back to CKAN's Solr classes."""
    ckan_search._INDICES["package"] = PackageSearchIndex
    ckan_search._QUERIES["package"] = PackageSearchQuery
    ckan_search.PackageSearchQuery = PackageSearchQuery
    ckan_search.check_solr_schema_version = _solr_schema_check


def is_active() -> bool:
    """Whether CKAN's search seam currently points at this backend."""
    return ckan_search._QUERIES["package"] is PostgresPackageSearchQuery
