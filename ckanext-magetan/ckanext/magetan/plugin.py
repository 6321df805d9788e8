"""The magetan plugin: wiring only; the behaviour lives in its modules."""
from __future__ import annotations

from typing import Any

from ckan import plugins as p
from ckan.common import CKANConfig
from ckan.lib.plugins import DefaultTranslation
from ckan.plugins import toolkit as tk

from ckanext.magetan import js_i18n, search, table_schema


@tk.blanket.actions
@tk.blanket.blueprints
@tk.blanket.auth_functions
@tk.blanket.cli
@tk.blanket.config_declarations
@tk.blanket.helpers
@tk.blanket.validators
class MagetanPlugin(p.SingletonPlugin, DefaultTranslation):
    p.implements(p.IConfigurer)
    p.implements(p.IConfigurable)
    p.implements(p.ITranslation)
    p.implements(p.IResourceController, inherit=True)

    # IConfigurer

    def update_config(self, config: CKANConfig) -> None:
        tk.add_template_directory(config, "templates")
        tk.add_resource("assets", "magetan")
        search.use_backend(config["ckanext.magetan.search.backend"])

    # IConfigurable

    def configure(self, config: CKANConfig) -> None:
        # /api/i18n/<lang> with this extension's translations (js_i18n.py).
        js_i18n.build()

    # IResourceController

    def before_resource_create(self, context: Any,
                               resource: dict[str, Any]) -> None:
        table_schema.prepare(resource)

    def before_resource_update(self, context: Any, current: dict[str, Any],
                               resource: dict[str, Any]) -> None:
        table_schema.prepare(resource, current)
