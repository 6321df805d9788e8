"""The workflow's actions, and the guards that keep CKAN's own paths from
bypassing it."""
from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as pg_insert

from ckan import logic, model
from ckan.lib.plugins import get_permission_labels
from ckan.plugins import plugin_loaded
from ckan.plugins import toolkit as tk
from ckan.types import Action, Context, DataDict

from ckanext.magetan import entities, inputs, workflow
from ckanext.magetan.workflow import tables as wm
from ckanext.magetan.workflow import revisions, schema

__all__ = [
    "magetan_workflow_transition", "magetan_workflow_show",
    "magetan_workflow_revision_start",
    "magetan_task_list", "magetan_role_assign", "magetan_role_revoke",
    "magetan_role_list",
    "package_update", "bulk_update_public", "bulk_update_private",
    "bulk_update_delete",
]

# keys of package_show that the workflow writes; an update may repeat them
# unchanged (a client sending back what it read), never change them
SHOWN_KEYS = ("workflow_state", "workflow_state_label", "revision_of")


def _package(id_or_name: str, deleted: bool = False) -> model.Package:
    package = model.Package.get(id_or_name)
    if package is None or (package.state == "deleted" and not deleted):
        raise tk.ObjectNotFound(tk._("Dataset not found"))
    return package


def _user(context: Context) -> model.User | None:
    return workflow.user_object(context.get("user"))


def conflict(state: str, transition: str) -> tk.ValidationError:
    """Two people acted at once, or the page was stale: CKAN's 409."""
    return tk.ValidationError({"transition": [tk._(
        "This version is now \u201c{state}\u201d; \u201c{transition}\u201d "
        "no longer applies. Reload the page to see who acted.").format(
            state=workflow.state_label(state),
            transition=workflow.transition_label(transition))]})


def magetan_workflow_transition(context: Context,
                                data_dict: DataDict) -> dict[str, Any]:
    """Move a version one step along the SOP.

    :param id: the dataset's id or name
    :type id: string
    :param transition: ``submit``, ``approve_opd``, ``verify``, ``approve``,
        ``schedule``, ``publish``, ``postpone`` (a later ``release_at`` and a
        reason), ``cancel_release`` (back to ``approved``, with a reason),
        ``reject`` or ``import_published`` (sysadmins, historical data)
    :type transition: string
    :param reason: why; required for ``reject`` (what to fix) and
        ``import_published``
    :type reason: string
    :param forum_date: ``verify``: the date of the Forum Pengelolaan Data
        Sektoral that decided (YYYY-MM-DD)
    :type forum_date: string
    :param forum_minutes_number: ``verify``: the number of its minutes
    :type forum_minutes_number: string
    :param forum_notes: ``verify``: the forum's notes (optional)
    :type forum_notes: string
    :param release_at: ``schedule``: the release time, ISO 8601; without an
        offset it is Asia/Jakarta's; must be in the future
    :type release_at: string
    :param expected_state: the state the caller saw; another state is a
        conflict (409), so that a stale page never acts
    :type expected_state: string
    :param override_reason: a sysadmin taking a step the segregation of
        duties forbids records why
    :type override_reason: string

    :returns: the workflow as ``magetan_workflow_show`` gives it
    :rtype: dictionary
    """
    data = inputs.validated(data_dict, schema.transition_schema(), context)
    package = _package(data["id"])
    tk.check_access("magetan_workflow_transition", context,
                    {"id": package.id, "transition": data["transition"]})
    transition = workflow.TRANSITIONS[data["transition"]]

    # Serialise everyone acting on this version: the loser of a race waits
    # here, then finds the state moved on.
    current = workflow.row(package.id, lock=True)
    if current is None or package.state != "active":
        raise tk.ValidationError({"id": [tk._(
            "This dataset is not in the workflow (finish creating it "
            "first).")]})
    state = current["state"]
    expected = data.get("expected_state")
    if (expected and expected != state) or state not in transition.sources:
        raise conflict(state, transition.name)

    system = bool(context.get("magetan_release_job"))
    # the release schedule's clock (a test or catch-up may give its own)
    clock = context.get("magetan_release_clock") or workflow.now()
    if system and transition.name == "publish" and (
            current["release_at"] is None or current["release_at"] > clock):
        # postponed (or rescheduled) since the clock saw it due
        raise conflict(state, transition.name)
    user = _user(context)
    role = workflow.SYSTEM if system and transition.name == "publish" \
        else workflow.acting_role(user, package, state, transition)
    if role is None:
        raise tk.NotAuthorized(tk._(
            "Your role may not take this step on this version."))
    override = data.get("override_reason")
    if user is not None and not system and workflow.segregation_blocks(
            user, package.id, transition):
        if not (user.sysadmin and override):
            raise tk.NotAuthorized(tk._(
                "Segregation of duties: you already took a step on this "
                "version in this round; another person must take this one. "
                "A sysadmin may override it with a recorded reason."))
    else:
        override = None

    errors = _requirements(transition, data)
    if transition.name == "postpone" and data.get("release_at") and \
            current["release_at"] and \
            data["release_at"] <= current["release_at"]:
        errors["release_at"] = [tk._(
            "A postponement moves the release later than {time} WIB; to "
            "release earlier, publish now.").format(
                time=current["release_at"].astimezone(workflow.JAKARTA)
                .strftime("%Y-%m-%d %H:%M"))]
    for check in workflow.gates("transition_problems"):
        problems = check(package, transition.name)
        if problems:
            errors.setdefault("transition", []).extend(problems)
    if errors:
        raise tk.ValidationError(errors)

    at = workflow.now()
    release_at = data.get("release_at") if transition.needs_release \
        else (current["release_at"] if transition.target in (
            workflow.SCHEDULED, workflow.PUBLISHED) else None)
    model.Session.execute(
        sa.update(wm.workflow)
        .where(wm.workflow.c.package_id == package.id)
        .values(state=transition.target, since=at, release_at=release_at))
    event = {
        "package_id": package.id,
        "indicator_id": current["revision_of"] or package.id,
        "at": at,
        "user_id": user.id if user else None,
        "user_name": user.name if user else workflow.SYSTEM,
        "role": role,
        "transition": transition.name,
        "from_state": state,
        "to_state": transition.target,
        "reason": data.get("reason") or None,
        "forum_date": data.get("forum_date"),
        "forum_minutes_number": data.get("forum_minutes_number") or None,
        "forum_notes": data.get("forum_notes") or None,
        "release_at": data.get("release_at") if transition.needs_release
        else None,
        "override_reason": override,
    }
    event["id"] = model.Session.execute(
        sa.insert(wm.event).values(**event).returning(wm.event.c.id)
    ).scalar_one()

    subject = package  # the dataset whose state the public sees change
    if transition.target == workflow.PUBLISHED:
        if current["revision_of"]:
            subject = revisions.merge(package, current, user)
            change_note = current["change_note"]
        else:
            package.private = False
            # harvesters gather by metadata_modified: a release is a change
            package.metadata_modified = at.replace(tzinfo=None)
            change_note = data.get("reason") \
                if transition.name == "import_published" else None
        revisions.record_version(subject, event["user_name"], change_note)
    else:
        package.private = True
    for after in workflow.gates("after_transition"):
        after(subject.id, event)
    for changed in {package.id, subject.id}:
        logic.index_update_package(
            {"model": model, "ignore_auth": True}, changed, defer_commit=True)
    _record_activity(subject, user or (_site_user() if system else None),
                     event)
    if not context.get("defer_commit"):
        model.repo.commit()
    if subject is not package:
        revisions.purge_after_merge(package.id, user)
    return magetan_workflow_show(_fresh(context), {"id": subject.id})


def _site_user() -> model.User | None:
    """The site user, the actor of releases the schedule carries out (the
    activity stream names someone)."""
    site = tk.get_action("get_site_user")(
        {"ignore_auth": True, "defer_commit": True}, {})
    return model.User.get(site["name"])


def _fresh(context: Context) -> Context:
    """The caller's context without what earlier calls left in it."""
    return {"user": context.get("user") or "",
            "auth_user_obj": context.get("auth_user_obj"),
            "ignore_auth": bool(context.get("ignore_auth"))}


def _requirements(transition: workflow.Transition,
                  data: dict[str, Any]) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if transition.needs_reason and not data.get("reason"):
        errors["reason"] = [tk._(
            "Write the reason, and what must be fixed.")]
    if transition.needs_forum:
        if not data.get("forum_date"):
            errors["forum_date"] = [tk._(
                "Give the date of the forum that verified this version.")]
        if not data.get("forum_minutes_number"):
            errors["forum_minutes_number"] = [tk._(
                "Give the number of the forum's minutes.")]
    if transition.needs_release:
        release_at = data.get("release_at")
        if release_at is None:
            errors["release_at"] = [tk._("Give the release date and time.")]
        elif release_at <= workflow.now():
            errors["release_at"] = [tk._(
                "The release time must be in the future; use \u201cPublish "
                "now\u201d after scheduling to release at once.")]
    return errors


def _record_activity(package: model.Package, user: model.User | None,
                     event: dict[str, Any]) -> None:
    """The transition in CKAN's activity stream, seen by whoever may see
    the version (its labels at this moment)."""
    if not plugin_loaded("activity") or user is None:
        return
    dictized = tk.get_action("package_show")(
        {"ignore_auth": True, "for_view": False, "use_cache": False},
        {"id": package.id, "include_tracking": False})
    # "changed package" is a type CKAN's activity plugin renders (it refuses
    # types it does not know); the workflow's part is in data.
    tk.get_action("activity_create")(
        {"ignore_auth": True, "defer_commit": True}, {
            "user_id": user.id,
            "object_id": package.id,
            "activity_type": "changed package",
            "data": {
                "package": dictized,
                "actor": user.name,
                "magetan_workflow": {
                    "transition": event["transition"],
                    "from_state": event["from_state"],
                    "to_state": event["to_state"],
                    "role": event["role"],
                    "reason": event["reason"],
                },
            },
            "permission_labels": get_permission_labels()
            .get_dataset_labels(package),
        })


def _event_dict(event: Any) -> dict[str, Any]:
    found = dict(event)
    for key in ("at", "release_at"):
        if found.get(key) is not None:
            found[key] = found[key].isoformat()
    if found.get("forum_date") is not None:
        found["forum_date"] = found["forum_date"].isoformat()
    found.pop("extras", None)
    found["role_label"] = workflow.role_label(found["role"])
    found["transition_label"] = workflow.transition_label(
        found["transition"])
    found["from_state_label"] = workflow.state_label(found["from_state"])
    found["to_state_label"] = workflow.state_label(found["to_state"])
    return found


def history(package: model.Package, context: Context) -> list[dict[str, Any]]:
    """The events the caller may see: a version's own while it exists;
    those of versions merged into a published dataset, with it."""
    rows = model.Session.execute(
        sa.select(wm.event)
        .where(sa.or_(wm.event.c.package_id == package.id,
                      wm.event.c.indicator_id == package.id))
        .order_by(wm.event.c.id)).mappings().all()
    visible = []
    readable: dict[str, bool] = {package.id: True}
    # a revision that is gone shows only if it was published (merged); an
    # abandoned one stays hidden
    merged = {found["package_id"] for found in rows
              if found["to_state"] == workflow.PUBLISHED}
    for found in rows:
        version = found["package_id"]
        if version not in readable:
            other = model.Package.get(version)
            readable[version] = version in merged if other is None \
                else _may_read(context, other.id)
        if readable[version]:
            visible.append(_event_dict(found))
    return visible


def _may_read(context: Context, package_id: str) -> bool:
    return entities.may_read(context, "package_show", package_id)


def holder(package: model.Package, state: str) -> dict[str, Any]:
    """Who must act next on a version in ``state``."""
    roles = list(workflow.HOLDERS.get(state, ()))
    org = model.Group.get(package.owner_org) if package.owner_org else None
    labels = [workflow.role_label(r) for r in roles]
    if org is not None and any(r in workflow.OPD_ROLES for r in roles):
        labels = [f"{label} ({org.title or org.name})" for label in labels]
    return {"roles": roles, "label": ", ".join(labels)}


def magetan_workflow_show(context: Context,
                          data_dict: DataDict) -> dict[str, Any]:
    """The workflow of a version: its state, who holds it and since when,
    the release time, the history, its revision in progress, and the steps
    the caller may take.

    :param id: the dataset's id or name
    :type id: string
    :rtype: dictionary
    """
    data = inputs.validated(data_dict, schema.show_schema(), context)
    package = _package(data["id"], deleted=True)
    tk.check_access("magetan_workflow_show", context, {"id": package.id})
    current = workflow.row(package.id)
    if current is None:
        raise tk.ObjectNotFound(tk._("This dataset is not in the workflow."))
    state = current["state"]
    user = _user(context)
    revision = model.Session.execute(
        sa.select(wm.workflow.c.package_id, wm.workflow.c.state)
        .where(wm.workflow.c.revision_of == package.id)).first()
    may_revise = (state == workflow.PUBLISHED and not current["revision_of"]
                  and revision is None and package.state == "active"
                  and entities.may_read(context, "magetan_workflow_revision_start",
                                      package.id))
    in_progress = []
    if revision is not None and _may_read(context, revision.package_id):
        other = model.Package.get(revision.package_id)
        in_progress.append({"id": revision.package_id,
                          "name": other.name if other else None,
                          "state": revision.state,
                          "state_label": workflow.state_label(revision.state)})
    blocked = []
    available = workflow.available(user, package, state)
    if user is not None:
        blocked = [name for name in available if workflow.segregation_blocks(
            user, package.id, workflow.TRANSITIONS[name])]
    return {
        "id": package.id,
        "name": package.name,
        "state": state,
        "state_label": workflow.state_label(state),
        "since": current["since"].isoformat(),
        "holder": holder(package, state),
        "release_at": current["release_at"].isoformat()
        if current["release_at"] else None,
        "revision_of": current["revision_of"],
        "revision_number": current["revision_number"],
        "change_note": current["change_note"],
        "revisions": in_progress,
        "may_start_revision": may_revise,
        "versions": revisions.versions(package.id),
        "transitions": [{"name": name,
                         "label": workflow.transition_label(name),
                         "blocked_by_segregation": name in blocked,
                         **_needs(workflow.TRANSITIONS[name])}
                        for name in available],
        "history": history(package, context),
    }


def magetan_workflow_revision_start(context: Context,
                                    data_dict: DataDict) -> dict[str, Any]:
    """Start a revision of a published indicator (a new period, or a
    ralat): a hidden copy of the dataset, its resources and files, that goes
    through the SOP from ``draft``; the public keeps seeing the published
    version until the revision is published.

    :param id: the published dataset's id or name
    :type id: string
    :param change_note: what changes and why; shown to the public once the
        revision is published
    :type change_note: string
    :returns: the revision's workflow, as ``magetan_workflow_show`` gives it
    :rtype: dictionary
    """
    data = inputs.validated(data_dict, schema.revision_schema(), context)
    public = _package(data["id"])
    tk.check_access("magetan_workflow_revision_start", context,
                    {"id": public.id})
    current = workflow.row(public.id, lock=True)
    if current is None or current["state"] != workflow.PUBLISHED \
            or current["revision_of"]:
        raise tk.ValidationError({"id": [tk._(
            "Only a published dataset can be revised.")]})
    under_way = revisions.in_progress(public.id)
    if under_way:
        other = model.Package.get(under_way)
        raise tk.ValidationError({"id": [tk._(
            "A revision of this dataset is already under way: {name}.")
            .format(name=other.name if other else under_way)]})
    user = _user(context)
    revision_id = revisions.start(public, data["change_note"], user, context)
    if revision_id is None:
        raise tk.ValidationError({"id": [tk._(
            "A revision of this dataset is already under way: {name}.")
            .format(name=public.name)]})
    at = workflow.now()
    model.Session.execute(sa.insert(wm.event).values(
        package_id=revision_id, indicator_id=public.id, at=at,
        user_id=user.id, user_name=user.name,
        role=workflow.SYSADMIN if user.sysadmin and workflow.PENGELOLA
        not in workflow.roles_on(user, public) else workflow.PENGELOLA,
        transition="start_revision", from_state=None,
        to_state=workflow.DRAFT, reason=data["change_note"]))
    logic.index_update_package(
        {"model": model, "ignore_auth": True}, revision_id, defer_commit=True)
    model.repo.commit()
    return magetan_workflow_show(_fresh(context), {"id": revision_id})


def _needs(transition: workflow.Transition) -> dict[str, bool]:
    return {"needs_reason": transition.needs_reason,
            "needs_forum": transition.needs_forum,
            "needs_release": transition.needs_release}


@tk.side_effect_free
def magetan_task_list(context: Context,
                      data_dict: DataDict) -> dict[str, Any]:
    """What waits for the calling user, per role: every version in a state
    one of the user's roles acts on (OPD roles: in the user's own OPDs).

    :param state: only versions in this state
    :type state: string
    :param owner_org: only versions of this OPD (id or name)
    :type owner_org: string
    :returns: ``{"count": n, "roles": [{"role", "role_label", "tasks":
        [{"id", "name", "title", "organization", "state", "state_label",
        "since", "blocked_by_segregation"}]}]}``
    :rtype: dictionary
    """
    data = inputs.validated(data_dict, schema.task_list_schema(), context)
    tk.check_access("magetan_task_list", context, data)
    user = _user(context)
    if user is None:
        return {"count": 0, "roles": []}
    org_filter = None
    if data.get("owner_org"):
        org = model.Group.get(data["owner_org"])
        if org is None:
            raise tk.ValidationError({"owner_org": [tk._("OPD not found")]})
        org_filter = org.id
    capacities = dict(model.Session.execute(
        sa.select(model.Member.group_id, model.Member.capacity)
        .where(model.Member.table_name == "user",
               model.Member.table_id == user.id,
               model.Member.state == "active")).all())
    held = set(workflow.walidata_roles(user.id))
    groups = []
    total = 0
    for role in (*workflow.OPD_ROLES, *workflow.WALIDATA_ROLES):
        states = [s for s, holders in workflow.HOLDERS.items()
                  if role in holders]
        if data.get("state"):
            states = [s for s in states if s == data["state"]]
        if role in workflow.OPD_ROLES:
            wanted = ("editor", "admin") if role == workflow.PENGELOLA \
                else ("admin",)
            orgs = [g for g, c in capacities.items() if c in wanted]
            if not orgs or not states:
                continue
        elif role not in held or not states:
            continue
        query = (sa.select(model.Package, wm.workflow.c.state,
                           wm.workflow.c.since)
                 .join(wm.workflow,
                       wm.workflow.c.package_id == model.Package.id)
                 .where(model.Package.state == "active",
                        wm.workflow.c.state.in_(states))
                 .order_by(wm.workflow.c.since))
        if role in workflow.OPD_ROLES:
            query = query.where(model.Package.owner_org.in_(orgs))
        if org_filter:
            query = query.where(model.Package.owner_org == org_filter)
        tasks = []
        for package, state, since in model.Session.execute(query).all():
            org = model.Group.get(package.owner_org) \
                if package.owner_org else None
            tasks.append({
                "id": package.id, "name": package.name,
                "title": package.title or package.name,
                "type": package.type,
                "organization": org.title if org else None,
                "state": state, "state_label": workflow.state_label(state),
                "since": since.isoformat(),
                "blocked_by_segregation": user.id in workflow.round_actors(
                    package.id) and state != workflow.SCHEDULED,
            })
        if tasks:
            total += len(tasks)
            groups.append({"role": role,
                           "role_label": workflow.role_label(role),
                           "tasks": tasks})
    return {"count": total, "roles": groups}


def _role_user(name: str) -> model.User:
    user = model.User.get(name)
    if user is None or user.state == "deleted":
        raise tk.ValidationError({"user": [tk._("User not found")]})
    return user


def magetan_role_assign(context: Context,
                        data_dict: DataDict) -> dict[str, Any]:
    """Give a user a Walidata role (sysadmins only).

    :param user: the user's name or id
    :type user: string
    :param role: ``staf``, ``statistisi``, ``kasi``, ``kabid`` or ``kadin``
    :type role: string
    :returns: the user's roles, as ``magetan_role_list`` gives them
    :rtype: dictionary
    """
    data = inputs.validated(data_dict, schema.role_schema(), context)
    tk.check_access("magetan_role_assign", context, data)
    user = _role_user(data["user"])
    by = _user(context)
    if data["role"] not in workflow.walidata_roles(user.id):
        model.Session.execute(
            pg_insert(wm.role)
            .values(user_id=user.id, role=data["role"],
                    granted_at=workflow.now(),
                    granted_by=by.name if by else "site")
            .on_conflict_do_nothing())
        model.repo.commit()
    return _roles_of(user)


def magetan_role_revoke(context: Context,
                        data_dict: DataDict) -> dict[str, Any]:
    """Take a Walidata role from a user (sysadmins only); the grant stays
    on record with who revoked it and when.

    :param user: the user's name or id
    :type user: string
    :param role: the role
    :type role: string
    :rtype: dictionary
    """
    data = inputs.validated(data_dict, schema.role_schema(), context)
    tk.check_access("magetan_role_revoke", context, data)
    user = _role_user(data["user"])
    by = _user(context)
    model.Session.execute(
        sa.update(wm.role)
        .where(wm.role.c.user_id == user.id, wm.role.c.role == data["role"],
               wm.role.c.revoked_at.is_(None))
        .values(revoked_at=workflow.now(),
                revoked_by=by.name if by else "site"))
    model.repo.commit()
    return _roles_of(user)


def _roles_of(user: model.User) -> dict[str, Any]:
    roles = workflow.walidata_roles(user.id)
    return {"user": user.name, "roles": roles,
            "role_labels": [workflow.role_label(r) for r in roles]}


@tk.side_effect_free
def magetan_role_list(context: Context, data_dict: DataDict
                      ) -> list[dict[str, Any]]:
    """The Walidata roles held now (sysadmins and Walidata).

    :param user: only this user's roles
    :type user: string
    :param role: only holders of this role
    :type role: string
    :returns: ``[{"user", "fullname", "role", "role_label", "granted_at",
        "granted_by"}]``
    :rtype: list of dictionaries
    """
    data = inputs.validated(data_dict, schema.role_list_schema(), context)
    tk.check_access("magetan_role_list", context, data)
    query = (sa.select(wm.role, model.User.name, model.User.fullname)
             .join(model.User, model.User.id == wm.role.c.user_id)
             .where(wm.role.c.revoked_at.is_(None),
                    model.User.state != "deleted")
             .order_by(model.User.name, wm.role.c.role))
    if data.get("user"):
        query = query.where(model.User.id == _role_user(data["user"]).id)
    if data.get("role"):
        query = query.where(wm.role.c.role == data["role"])
    return [{"user": found.name, "fullname": found.fullname,
             "role": found.role,
             "role_label": workflow.role_label(found.role),
             "granted_at": found.granted_at.isoformat(),
             "granted_by": found.granted_by}
            for found in model.Session.execute(query).all()]


# -- CKAN's own paths ---------------------------------------------------------

@tk.chained_action
def package_update(up_func: Action, context: Context,
                   data_dict: DataDict) -> Any:
    """CKAN's ``package_update``; ``private`` and ``state`` belong to the
    workflow (CKAN's Unpublish button, a client's ``private``)."""
    given = data_dict if isinstance(data_dict, dict) else {}
    package = model.Package.get(str(given.get("id") or given.get("name")
                                    or ""))
    current = workflow.row(package.id) if package is not None else None
    if package is not None and current is None:
        # not in the workflow (yet): hidden, and never made public here
        current = {"state": workflow.DRAFT, "revision_of": None}
    if current is not None and isinstance(data_dict, dict):
        user = _user(context)
        errors = _ownership_errors(
            package, current, data_dict,
            may_delete=bool(context.get("ignore_auth")
                            or (user is not None and user.sysadmin)))
        if errors:
            raise tk.ValidationError(errors)
        for key in SHOWN_KEYS:
            data_dict.pop(key, None)
    return up_func(context, data_dict)


def _ownership_errors(package: model.Package, current: dict[str, Any],
                      data_dict: dict[str, Any], may_delete: bool
                      ) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    wanted_private = not workflow.is_public(current)
    if "private" in data_dict:
        asked = tk.asbool(data_dict["private"]) \
            if isinstance(data_dict["private"], (str, bool)) \
            else data_dict["private"]
        if asked != wanted_private:
            errors["private"] = [tk._(
                "Visibility follows the SOP workflow: a version becomes "
                "public only when it is published.")]
    state = data_dict.get("state")
    if state not in (None, "", package.state) and not (
            package.state == "draft" and state == "active") and not (
            may_delete and (state == "deleted" or package.state == "deleted")):
        errors["state"] = [tk._(
            "A published dataset cannot be unpublished here; the workflow "
            "decides what is public (a sysadmin may delete it).")]
    if package.state == "deleted" and state not in (None, "", "deleted") \
            and not may_delete:
        errors["state"] = [tk._("Only a sysadmin may restore a deleted "
                                "dataset.")]
    if current["revision_of"] and data_dict.get("owner_org"):
        public = model.Package.get(current["revision_of"])
        org = model.Group.get(str(data_dict["owner_org"]))
        if public is not None and (org is None or org.id != public.owner_org):
            errors["owner_org"] = [tk._(
                "A revision stays with the OPD of the published dataset.")]
    shown = data_dict.get("workflow_state")
    if shown not in (None, "", current["state"]):
        errors["workflow_state"] = [tk._(
            "The workflow state changes only through its steps "
            "(magetan_workflow_transition).")]
    return errors


def _refused(name: str) -> Action:
    @tk.chained_action
    def refused(up_func: Action, context: Context,
                data_dict: DataDict) -> Any:
        user = _user(context)
        if name == "bulk_update_delete" and (
                context.get("ignore_auth") or (user and user.sysadmin)):
            return up_func(context, data_dict)
        raise tk.ValidationError({"datasets": [tk._(
            "Datasets become public or private only through the SOP "
            "workflow, one by one.") if name != "bulk_update_delete" else
            tk._("Only a sysadmin may delete datasets in bulk.")]})

    refused.__name__ = refused.__qualname__ = name
    refused.__doc__ = f"CKAN's ``{name}``, refused: the workflow owns it."
    return refused


bulk_update_public = _refused("bulk_update_public")
bulk_update_private = _refused("bulk_update_private")
bulk_update_delete = _refused("bulk_update_delete")
