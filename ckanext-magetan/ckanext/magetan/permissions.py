"""The portal's one ``IPermissionLabels`` implementation.

CKAN asks only the first plugin implementing ``IPermissionLabels``, so the
packages that need labels of their own do not implement it: each may have a
module ``labels.py`` with

* ``dataset_labels(dataset, labels) -> set[str]``: the labels of a dataset,
  given those computed so far (it may add labels or drop ``public``);
* ``user_labels(user, labels) -> set[str]``: the same for a user.

They are applied in package order over CKAN's ``DefaultPermissionLabels``
(docs/architecture.md, "Permission labels").
"""
from __future__ import annotations

from typing import Any, Iterable

import ckan.plugins as p
from ckan.lib.plugins import DefaultPermissionLabels

from ckanext.magetan import packages


class PortalPermissionLabels(DefaultPermissionLabels):
    """CKAN's labels, then what each package's ``labels.py`` makes of them."""

    def get_dataset_labels(self, dataset_obj: Any) -> list[str]:
        labels = set(super().get_dataset_labels(dataset_obj))
        for module in packages.modules("labels"):
            labels = set(module.dataset_labels(dataset_obj, labels))
        return sorted(labels)

    def get_user_dataset_labels(self, user_obj: Any) -> list[str]:
        labels = set(super().get_user_dataset_labels(user_obj))
        for module in packages.modules("labels"):
            labels = set(module.user_labels(user_obj, labels))
        return sorted(labels)


def check_first(implementations: Iterable[Any], ours: Any) -> None:
    """Refuse to start when another plugin's labels would replace ours."""
    first = next(iter(implementations), None)
    if first is not None and first is not ours:
        raise RuntimeError(
            f"The plugin {first.name!r} implements IPermissionLabels and is "
            "listed before 'magetan' in ckan.plugins; CKAN only asks the "
            "first such plugin, so the portal's access rules would be "
            "ignored. List 'magetan' before it.")


def check_configuration(ours: Any) -> None:
    check_first(p.PluginImplementations(p.IPermissionLabels), ours)
