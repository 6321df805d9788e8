"""The review comments' actions."""
from __future__ import annotations

from typing import Any, Mapping

import sqlalchemy as sa

from ckan import model
from ckan.plugins import toolkit as tk
from ckan.types import Context, DataDict

from ckanext.magetan import entities, inputs, review, workflow
from ckanext.magetan.review import schema
from ckanext.magetan.review.tables import comment

__all__ = ["magetan_review_comment_create", "magetan_review_comment_respond",
           "magetan_review_list"]


def _package(id_or_name: str) -> model.Package:
    package = model.Package.get(id_or_name)
    if package is None or package.state == "deleted":
        raise tk.ObjectNotFound(tk._("Dataset not found"))
    return package


def _user(context: Context) -> model.User | None:
    return workflow.user_object(context.get("user"))


def _locked_state(package: model.Package) -> str:
    found = workflow.row(package.id, lock=True)
    if found is None:
        raise tk.ObjectNotFound(tk._("This dataset is not in the workflow."))
    return found["state"]


def magetan_review_comment_create(context: Context,
                                  data_dict: DataDict) -> dict[str, Any]:
    """Record a reviewer's verdict on one field or resource of a version
    under review.

    Whoever the version's state waits for may comment (the head of the OPD
    in ``opd_review``, Walidata's staff, statisticians and heads of section
    in ``submitted``, the head of division in ``verified``, the head of
    office in ``approved`` and ``scheduled``), and sysadmins. A later
    comment on the same target in the same round supersedes the earlier.

    :param id: the version's id or name
    :type id: string
    :param field: the schema field commented on (give this or
        ``resource_id``)
    :type field: string
    :param resource_id: the resource commented on
    :type resource_id: string
    :param verdict: ``sesuai``, ``tidak_sesuai`` or ``tidak_terisi``
    :type verdict: string
    :param feedback: what is wrong and what to do; required unless the
        verdict is ``sesuai``
    :type feedback: string
    :returns: the comment
    :rtype: dictionary
    """
    data = inputs.validated(data_dict, schema.comment_schema(), context)
    package = _package(data["id"])
    tk.check_access("magetan_review_comment_create", context,
                    {"id": package.id})
    field, resource_id = data.get("field"), data.get("resource_id")
    if bool(field) == bool(resource_id):
        raise tk.ValidationError({"field": [tk._(
            "Give either a field or a resource to comment on.")]})
    kind, target = (review.FIELD, field) if field \
        else (review.RESOURCE, resource_id)
    label = review.target_label(package, kind, target)
    if label is None:
        raise tk.ValidationError({"field" if field else "resource_id": [
            tk._("This version has no such field.") if field
            else tk._("This version has no such resource.")]})
    if review.needs_work(data["verdict"]) and not data.get("feedback"):
        raise tk.ValidationError({"feedback": [tk._(
            "Write what is wrong and what the OPD must do.")]})

    state = _locked_state(package)  # serialised with the transitions
    user = _user(context)
    role = review.reviewer_role(user, package, state)
    if role is None:
        raise tk.NotAuthorized(tk._(
            "Only the reviewer this version waits for may comment on it "
            "now."))
    found = workflow.row(package.id)
    inserted = model.Session.execute(sa.insert(comment).values(
        package_id=package.id,
        indicator_id=(found or {}).get("revision_of") or package.id,
        round=review.round_of(package.id), state=state,
        target_kind=kind, target=target, target_label=label,
        verdict=data["verdict"], feedback=data.get("feedback") or None,
        user_id=user.id, user_name=user.name, role=role,
        at=workflow.now()).returning(*comment.c)).mappings().one()
    shown = _comment_dict(inserted, package, user, state)
    if not context.get("defer_commit"):
        model.repo.commit()
    return shown


def magetan_review_comment_respond(context: Context,
                                   data_dict: DataDict) -> dict[str, Any]:
    """The OPD's answer to a comment that asks for work, while the version
    is back in ``draft``; it may be rewritten until the version is
    submitted again.

    :param id: the comment's number (as text, like every ``id``)
    :type id: string
    :param response: what the OPD did, or why it disagrees
    :type response: string
    :returns: the comment
    :rtype: dictionary
    """
    data = inputs.validated(data_dict, schema.respond_schema(), context)
    found = model.Session.execute(
        sa.select(comment).where(comment.c.id == data["id"])
    ).mappings().first()
    package = model.Package.get(found["package_id"]) if found else None
    # a comment on a version the caller may not see does not exist for them
    if found is None or package is None or package.state == "deleted" \
            or not entities.may_read(context, "package_show", package.id):
        raise tk.ObjectNotFound(tk._("Comment not found"))
    tk.check_access("magetan_review_comment_respond", context,
                    {"id": package.id})
    state = _locked_state(package)
    user = _user(context)
    if not review.may_respond(user, package, state):
        raise tk.NotAuthorized(tk._(
            "The OPD's data managers answer comments once the version is "
            "returned to them."))
    problem = _not_answerable(found, package)
    if problem:
        raise tk.ValidationError({"id": [problem]})
    updated = model.Session.execute(
        sa.update(comment).where(comment.c.id == found["id"])
        .values(response=data["response"], responded_by=user.name,
                responded_at=workflow.now())
        .returning(*comment.c)).mappings().one()
    shown = _comment_dict(updated, package, user, state)
    if not context.get("defer_commit"):
        model.repo.commit()
    return shown


def _not_answerable(found: Mapping[str, Any], package: model.Package
                    ) -> str | None:
    if not review.needs_work(found["verdict"]):
        return tk._("This comment asks for nothing.")
    if found["round"] != review.round_of(package.id):
        return tk._("This comment belongs to an earlier round.")
    latest = review.current([row for row in review.rows(package.id)
                             if row["package_id"] == package.id])
    key = (found["package_id"], found["round"], found["target_kind"],
           found["target"])
    if latest.get(key, {}).get("id") != found["id"]:
        return tk._("A later comment on the same item replaces this one; "
                    "answer that one.")
    return None


def _comment_dict(found: Mapping[str, Any], package: model.Package,
                  user: model.User | None, state: str,
                  latest_ids: set[int] | None = None) -> dict[str, Any]:
    shown = dict(found)
    for key in ("at", "responded_at"):
        if shown.get(key) is not None:
            shown[key] = shown[key].isoformat()
    shown.pop("user_id", None)
    shown["verdict_label"] = review.verdict_label(shown["verdict"])
    shown["role_label"] = workflow.role_label(shown["role"])
    shown["state_label"] = workflow.state_label(shown["state"])
    shown["superseded"] = latest_ids is not None \
        and found["id"] not in latest_ids
    shown["may_respond"] = (
        found["package_id"] == package.id
        and not shown["superseded"] and review.needs_work(found["verdict"])
        and found["round"] == review.round_of(package.id)
        and review.may_respond(user, package, state))
    return shown


@tk.side_effect_free
def magetan_review_list(context: Context,
                        data_dict: DataDict) -> dict[str, Any]:
    """The review comments on a version (and, on a published dataset, on
    the revisions merged into it), newest round first, for the OPD,
    Walidata and sysadmins.

    :param id: the version's id or name
    :type id: string
    :returns: ``state`` (the version's workflow state), ``round`` (its
        current round), ``comments``,
        ``summary`` (for the current round's latest comment per item: how
        many of each verdict), ``unanswered`` (how many ask for work and
        have no answer), ``may_comment``, and ``targets`` (the fields and
        resources a reviewer may comment on now)
    :rtype: dictionary
    """
    data = inputs.validated(data_dict, schema.list_schema(), context)
    package = _package(data["id"])
    tk.check_access("magetan_review_list", context, {"id": package.id})
    user = _user(context)
    found = workflow.row(package.id)
    state = found["state"] if found else workflow.DRAFT
    rows = review.rows(package.id)
    latest = review.current(rows)
    latest_ids = {row["id"] for row in latest.values()}
    this_round = review.round_of(package.id)
    summary = {verdict: 0 for verdict in review.VERDICTS}
    for (version, number, _kind, _target), row in latest.items():
        if version == package.id and number == this_round:
            summary[row["verdict"]] += 1
    may_comment = review.reviewer_role(user, package, state) is not None
    comments = [_comment_dict(row, package, user, state, latest_ids)
                for row in rows]
    comments.sort(key=lambda c: (c["package_id"] != package.id,
                                 -c["round"], c["id"]))
    return {
        "id": package.id,
        "state": state,
        "round": this_round,
        "comments": comments,
        "summary": summary,
        "unanswered": review.unanswered(package.id),
        "may_comment": may_comment,
        "targets": {
            "fields": [{"name": n, "label": lb}
                       for n, lb in review.field_targets(package)],
            "resources": [{"id": i, "name": n}
                          for i, n in review.resource_targets(package)],
        } if may_comment else None,
    }
