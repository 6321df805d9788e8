"""Who may see a version: the workflow's permission labels.

* a published version keeps CKAN's ``public``;
* a version not yet published (a revision always) loses ``public`` and is
  seen by its OPD (``member-<org>``, or ``creator-<id>`` without one), by
  every holder of a Walidata role (``workflow-walidata``) and by
  sysadmins;
* a dataset the workflow has no row for is treated as unpublished;
* a deleted dataset is seen by sysadmins only (``workflow-sysadmin``, a
  label no user carries: CKAN lets sysadmins read everything).
"""
from __future__ import annotations

from typing import Any

from ckanext.magetan import workflow


def dataset_labels(dataset: Any, labels: set[str]) -> set[str]:
    if dataset.state == "deleted":
        return {workflow.SYSADMIN_LABEL}
    found = workflow.row(dataset.id)
    # A dataset without a row (an abandoned revision brought back, one
    # deleted before the workflow existed) is not published: hidden.
    if found is not None and workflow.is_public(found) \
            and dataset.state == "active" and not dataset.private:
        return labels
    hidden = labels - {"public"}
    if dataset.owner_org:
        hidden.add(f"member-{dataset.owner_org}")
    else:
        hidden.add(f"creator-{dataset.creator_user_id}")
    return hidden | {workflow.WALIDATA_LABEL}


def user_labels(user: Any, labels: set[str]) -> set[str]:
    if user is None or getattr(user, "is_anonymous", True):
        return labels
    if workflow.walidata_roles(user.id):
        labels = labels | {workflow.WALIDATA_LABEL}
    return labels
