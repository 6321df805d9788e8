"""The pgindex plugin: CKAN's dataset search on PostgreSQL (wiring only)."""
from __future__ import annotations

from typing import Any

from ckan import plugins as p
from ckan.common import CKANConfig
from ckan.lib.plugins import DefaultTranslation
from ckan.plugins import toolkit as tk

from ckanext.pgindex import actions, backend, cache, facets, query, status


@tk.blanket.actions(actions)
@tk.blanket.cli
@tk.blanket.config_declarations
class PgindexPlugin(p.SingletonPlugin, DefaultTranslation):
    p.implements(p.IConfigurer)
    p.implements(p.IConfigurable)
    p.implements(p.ITranslation)
    p.implements(p.IPluginObserver, inherit=True)

    # IConfigurer

    def update_config(self, config: CKANConfig) -> None:
        backend.activate()

    # IConfigurable

    def configure(self, config: CKANConfig) -> None:
        # Where CKAN checks its Solr schema: the allow-list of faceted
        # fields is computed afresh and compared with what the stored rows
        # were built with; the log says what to run if they differ.
        query.check_work_mem(config.get("ckanext.pgindex.work_mem"))
        facets.reset()
        cache.summaries.clear()
        status.startup_check()

    # IPluginObserver

    def after_unload(self, service: Any) -> None:
        if service is self:
            backend.deactivate()
