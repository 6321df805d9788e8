"""Review comments: reviewers judge a version field by field and resource
by resource, as the BPS metadata review does, and the OPD answers.

While a version waits for a reviewer (``opd_review`` … ``scheduled``), that
reviewer may record, for any field of the schema or any resource, a verdict
(*sesuai*, *tidak sesuai*, *tidak terisi*) with feedback. Once the version
is returned to the OPD (``reject``), its data managers answer each comment
that asks for work; ``submit`` waits until every such comment of the last
round has an answer (``gates.py``). A comment is kept as written (a trigger
allows changing only its response), and comments, like the workflow's
events, outlive a revision that is published and purged.

Comments are internal: the OPD, Walidata and sysadmins read them, the public
does not, not even once the version is published (docs/workflow.md).
"""
from __future__ import annotations

from typing import Any, Mapping

import sqlalchemy as sa
from flask import has_request_context

from ckan import model
from ckan.lib.plugins import get_permission_labels
from ckan.plugins import toolkit as tk

from ckanext.magetan import workflow
from ckanext.magetan.review.tables import comment
from ckanext.magetan.workflow import tables as wm

SESUAI, TIDAK_SESUAI, TIDAK_TERISI = "sesuai", "tidak_sesuai", "tidak_terisi"
VERDICTS = (SESUAI, TIDAK_SESUAI, TIDAK_TERISI)
FIELD, RESOURCE = "field", "resource"


def verdict_label(verdict: str) -> str:
    labels = {SESUAI: tk._("Conforms"),
              TIDAK_SESUAI: tk._("Does not conform"),
              TIDAK_TERISI: tk._("Not filled in")}
    return labels.get(verdict, verdict)


def needs_work(verdict: str) -> bool:
    return verdict != SESUAI


# -- what may be commented on -------------------------------------------------

def _language() -> str:
    if has_request_context():
        return tk.h.lang() or tk.config.get("ckan.locale_default")
    return tk.config.get("ckan.locale_default")


def _in_language(label: Any, fallback: str) -> str:
    """A scheming label (text, or text per language) in the current
    language, else the portal's default, else any."""
    if isinstance(label, dict):
        return label.get(_language()) or \
            label.get(tk.config.get("ckan.locale_default")) or \
            next(iter(label.values()), fallback)
    return label or fallback


def field_targets(package: model.Package) -> list[tuple[str, str]]:
    """The schema's fields of the dataset's type: (name, label)."""
    from ckanext.scheming.helpers import scheming_get_dataset_schema
    found = scheming_get_dataset_schema(package.type) or {}
    return [(field["field_name"],
             _in_language(field.get("label"), field["field_name"]))
            for field in found.get("dataset_fields", [])]


def resource_targets(package: model.Package) -> list[tuple[str, str]]:
    """The version's resources: (id, name)."""
    return [(resource.id, resource.name or resource.url or resource.id)
            for resource in package.resources]


def target_label(package: model.Package, kind: str, target: str
                 ) -> str | None:
    """The label of a field or resource of ``package``; None if it has
    no such one."""
    targets = field_targets(package) if kind == FIELD \
        else resource_targets(package)
    return dict(targets).get(target)


# -- who may do what ----------------------------------------------------------

def reviewer_role(user: model.User | None, package: model.Package,
                  state: str) -> str | None:
    """The role in which ``user`` reviews a version in ``state`` now: the
    role the state waits for (``sysadmin`` for a sysadmin), or None."""
    if user is None or state not in workflow.REVIEW_STATES \
            or package.state != "active":
        return None
    held = workflow.roles_on(user, package)
    for role in workflow.HOLDERS[state]:
        if role in held:
            return role
    return workflow.SYSADMIN if user.sysadmin else None


def may_respond(user: model.User | None, package: model.Package,
                state: str) -> bool:
    """The OPD's data managers answer while the version is theirs again."""
    if user is None or state != workflow.DRAFT or package.state != "active":
        return False
    return user.sysadmin or \
        workflow.PENGELOLA in workflow.roles_on(user, package)


def internal_reader(user: model.User | None, package: model.Package) -> bool:
    """Whether ``user`` is of the audience of a version not yet public
    (its OPD, Walidata, sysadmins): the audience of review comments."""
    if user is None:
        return False
    if user.sysadmin:
        return True
    # the labels the version carries while hidden (labels.py)
    hidden = {f"member-{package.owner_org}" if package.owner_org
              else f"creator-{package.creator_user_id}",
              workflow.WALIDATA_LABEL}
    mine = set(get_permission_labels().get_user_dataset_labels(user))
    return bool(hidden & mine)


# -- rounds and comments ------------------------------------------------------

def round_of(package_id: str) -> int:
    """How many times the version was submitted: the round its comments
    belong to (0 before the first submission)."""
    return model.Session.execute(
        sa.select(sa.func.count()).select_from(wm.event).where(
            wm.event.c.package_id == package_id,
            wm.event.c.transition == "submit")).scalar_one()


def _merged_revisions(indicator_id: str) -> set[str]:
    return set(model.Session.execute(
        sa.select(wm.event.c.package_id).where(
            wm.event.c.indicator_id == indicator_id,
            wm.event.c.package_id != indicator_id,
            wm.event.c.to_state == workflow.PUBLISHED)).scalars())


def rows(package_id: str) -> list[Mapping[str, Any]]:
    """The comments on a version, and on the revisions merged into it."""
    versions = {package_id} | _merged_revisions(package_id)
    return list(model.Session.execute(
        sa.select(comment).where(comment.c.package_id.in_(versions))
        .order_by(comment.c.id)).mappings())


def current(found: list[Mapping[str, Any]]) -> dict[tuple, Mapping[str, Any]]:
    """The latest comment on each target of each round of each version
    (a later comment on the same target supersedes an earlier one)."""
    latest: dict[tuple, Mapping[str, Any]] = {}
    for row in found:
        latest[(row["package_id"], row["round"], row["target_kind"],
                row["target"])] = row
    return latest


def unanswered(package_id: str) -> int:
    """Comments of the version's last round that ask for work and have no
    answer yet (``submit`` waits for them)."""
    last = round_of(package_id)
    found = [row for row in rows(package_id)
             if row["package_id"] == package_id and row["round"] == last]
    return sum(1 for row in current(found).values()
               if needs_work(row["verdict"]) and not row["response"])
