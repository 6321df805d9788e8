"""The magetan plugin: wiring only; the behaviour lives in its packages.

Actions, auth functions, validators, helpers, blueprints and commands are
collected from the packages (``packages.py``); see docs/architecture.md.
"""
from __future__ import annotations

from typing import Any

from ckan import plugins as p
from ckan.common import CKANConfig
from ckan.lib.plugins import DefaultTranslation
from ckan.plugins import toolkit as tk

from ckanext.magetan import (cli, language, packages, permissions, web,
                             tableschema, validation, visibility, workflow)
from ckanext.magetan.tableschema import search as tableschema_search


@tk.blanket.actions(packages.actions)
@tk.blanket.auth_functions(packages.auth_functions)
@tk.blanket.validators(packages.validators)
@tk.blanket.helpers(packages.helpers)
@tk.blanket.blueprints(packages.blueprints)
@tk.blanket.cli([cli.magetan])
@tk.blanket.config_declarations
class MagetanPlugin(p.SingletonPlugin, DefaultTranslation,
                    permissions.PortalPermissionLabels):
    p.implements(p.IConfigurer)
    p.implements(p.IConfigurable)
    p.implements(p.IMiddleware, inherit=True)
    p.implements(p.ITranslation)
    p.implements(p.IPackageController, inherit=True)
    p.implements(p.IPermissionLabels)
    p.implements(p.IResourceController, inherit=True)

    # IConfigurer

    def update_config(self, config: CKANConfig) -> None:
        for directory in packages.directories("templates"):
            tk.add_template_directory(config, directory)
        for directory in packages.directories("assets"):
            tk.add_resource(directory, f"magetan-{directory.split('/')[0]}")

    # IConfigurable

    def configure(self, config: CKANConfig) -> None:
        permissions.check_configuration(self)
        # /api/i18n/<lang> with this extension's translations.
        language.build()
        validation.engine.warm_up()

    # IMiddleware

    def make_middleware(self, app: Any, config: CKANConfig) -> Any:
        # the worker's jobs render e-mails in the portal's language: they
        # need a request context of this app (web.request_context)
        web.remember_app(app)
        return app

    # IPackageController

    def create(self, entity: Any) -> None:
        workflow.start(entity)

    def edit(self, entity: Any) -> None:
        # a sysadmin's package_update/bulk delete sets state="deleted"
        # without calling delete()
        if entity.state == "deleted":
            self.delete(entity)
        workflow.enforce_visibility(entity)

    def delete(self, entity: Any) -> None:
        workflow.forget_revision(entity)
        if p.plugin_loaded("activity"):
            visibility.hide_activities([entity.id])

    def after_dataset_create(self, context: Any,
                             pkg_dict: dict[str, Any]) -> None:
        validation.mark_changed(pkg_dict["id"])

    def after_dataset_update(self, context: Any,
                             pkg_dict: dict[str, Any]) -> None:
        validation.mark_changed(pkg_dict["id"])

    def after_dataset_show(self, context: Any,
                           pkg_dict: dict[str, Any]) -> dict[str, Any]:
        return validation.annotate(workflow.show_state(pkg_dict))

    def before_dataset_index(self, pkg_dict: dict[str, Any]) -> dict[str, Any]:
        return tableschema_search.index_columns(
            workflow.index_state(pkg_dict))

    # IPermissionLabels: PortalPermissionLabels (permissions.py)

    # IResourceController

    def before_resource_create(self, context: Any,
                               resource: dict[str, Any]) -> None:
        tableschema.prepare(resource)

    def before_resource_update(self, context: Any, current: dict[str, Any],
                               resource: dict[str, Any]) -> None:
        tableschema.prepare(resource, current)

    def after_resource_create(self, context: Any,
                              resource: dict[str, Any]) -> None:
        validation.after_save(resource)

    def after_resource_update(self, context: Any,
                              resource: dict[str, Any]) -> None:
        validation.after_save(resource)
