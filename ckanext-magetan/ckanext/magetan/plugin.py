"""The magetan plugin: wiring only; the behaviour lives in its modules."""
from __future__ import annotations

from ckan import plugins as p
from ckan.common import CKANConfig
from ckan.lib.plugins import DefaultTranslation
from ckan.plugins import toolkit as tk

from ckanext.magetan import search


@tk.blanket.actions
@tk.blanket.auth_functions
@tk.blanket.cli
@tk.blanket.config_declarations
@tk.blanket.helpers
@tk.blanket.validators
class MagetanPlugin(p.SingletonPlugin, DefaultTranslation):
    p.implements(p.IConfigurer)
    p.implements(p.ITranslation)

    # IConfigurer

    def update_config(self, config: CKANConfig) -> None:
        tk.add_template_directory(config, "templates")
        search.use_backend(config["ckanext.magetan.search.backend"])
