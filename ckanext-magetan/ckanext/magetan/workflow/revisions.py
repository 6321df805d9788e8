"""Revisions: a published indicator changes through a linked dataset.

A revision is a copy of the published dataset (metadata, resources and
uploaded files), hidden like any unpublished version, that goes through the
SOP. Publishing it replaces the public dataset's content in place: the
public dataset keeps its id and URL, its resources keep theirs, and an
uploaded file is swapped in only once the transaction has committed. The
revision is then purged; its events stay under the indicator
(docs/workflow.md).
"""
from __future__ import annotations

import logging
import os
import shutil
import uuid
from typing import Any

import sqlalchemy as sa
from werkzeug.datastructures import FileStorage

from ckan import model
from ckan.lib import uploader
from ckan.plugins import toolkit as tk

from ckanext.magetan import workflow
from ckanext.magetan.workflow import tables as wm

log = logging.getLogger(__name__)

# package_show keys a copy must not carry over
NOT_COPIED = ("id", "name", "private", "state", "metadata_created",
              "metadata_modified", "revision_id", "creator_user_id",
              "organization", "num_resources", "num_tags", "relationships_as_object",
              "relationships_as_subject", "tracking_summary", *[
                  "workflow_state", "workflow_state_label", "revision_of"])
RESOURCE_NOT_COPIED = ("id", "package_id", "created", "metadata_modified",
                       "last_modified", "revision_id", "position",
                       "datastore_active", "tracking_summary", "upload",
                       "url_type", "size", "mimetype", "hash")
SWAPS_KEY = "magetan_file_swaps"


def family(package_id: str | None) -> set[str]:
    """The public dataset and its revision in progress (either id given)."""
    if not package_id:
        return set()
    found = workflow.row(package_id)
    ids = {package_id}
    if found and found["revision_of"]:
        ids.add(found["revision_of"])
    ids.update(model.Session.execute(
        sa.select(wm.workflow.c.package_id)
        .where(wm.workflow.c.revision_of == package_id)).scalars())
    return ids


def in_progress(package_id: str) -> str | None:
    """The id of the revision of ``package_id`` under way, if any."""
    return model.Session.execute(
        sa.select(wm.workflow.c.package_id)
        .where(wm.workflow.c.revision_of == package_id)).scalar()


def _upload_path(resource: dict[str, Any]) -> str | None:
    """Where CKAN keeps an uploaded resource's file (the classic storage,
    ``ckan.storage_path``, the one this portal is configured with)."""
    if resource.get("url_type") != "upload":
        return None
    upload = uploader.get_resource_uploader(dict(resource))
    if not isinstance(upload, uploader.ResourceUpload):
        raise tk.ValidationError({"resources": [tk._(
            "Revisions copy uploaded files from the local file storage "
            "(ckan.storage_path) only.")]})
    return upload.get_path(resource["id"])


def start(public: model.Package, change_note: str, user: model.User,
          context: dict[str, Any]) -> str | None:
    """Create the revision of ``public``; returns its id, or None when
    another revision started at the same moment."""
    shown = tk.get_action("package_show")(
        {"ignore_auth": True, "use_cache": False}, {"id": public.id})
    # the n-th revision leads to the (n + 1)-th published version
    number = model.Session.execute(
        sa.select(sa.func.max(wm.version.c.number))
        .where(wm.version.c.indicator_id == public.id)).scalar() or 1
    name = _free_name(f"{public.name}-revisi-{number}"[:100])
    copy = {key: value for key, value in shown.items()
            if key not in NOT_COPIED and key != "resources"}
    copy.update(name=name, owner_org=public.owner_org, private=True)
    for resource in shown.get("resources", []):
        path = _upload_path(resource)
        if path is not None and not os.path.exists(path):
            raise tk.ValidationError({"resources": [tk._(
                "The file of resource {name} is missing from the "
                "storage; a sysadmin must restore it first.").format(
                    name=resource.get("name") or resource["id"])]})
    as_user = {"user": user.name, "ignore_auth": True,
               "magetan_revision_of": public.id}
    # CKAN's package_create commits (and ends the caller's lock): the link
    # to the public dataset is what makes a second revision at once fail,
    # through the unique index on revision_of
    created = tk.get_action("package_create")(dict(as_user), copy)
    try:
        model.Session.execute(
            sa.update(wm.workflow)
            .where(wm.workflow.c.package_id == created["id"])
            .values(revision_of=public.id, revision_number=number,
                    change_note=change_note))
        model.Session.commit()
    except sa.exc.IntegrityError:
        model.Session.rollback()
        tk.get_action("dataset_purge")({"ignore_auth": True,
                                        "user": user.name},
                                       {"id": created["id"]})
        return None
    resource_map: dict[str, str] = {}
    for resource in shown.get("resources", []):
        data = {key: value for key, value in resource.items()
                if key not in RESOURCE_NOT_COPIED}
        data["package_id"] = created["id"]
        path = _upload_path(resource)
        handle = None
        if path is not None:
            handle = open(path, "rb")
            data["upload"] = FileStorage(
                handle, filename=resource["url"].rsplit("/", 1)[-1],
                content_type=resource.get("mimetype") or None)
        try:
            made = tk.get_action("resource_create")(dict(as_user), data)
        finally:
            if handle is not None:
                handle.close()
        resource_map[made["id"]] = resource["id"]
    model.Session.execute(
        sa.update(wm.workflow)
        .where(wm.workflow.c.package_id == created["id"])
        .values(resource_map=resource_map))
    return created["id"]


def _free_name(name: str) -> str:
    candidate, n = name, 1
    while model.Package.get(candidate) is not None:
        n += 1
        suffix = f"-{n}"
        candidate = f"{name[:100 - len(suffix)]}{suffix}"
    return candidate


def merge(revision: model.Package, current: dict[str, Any],
          user: model.User | None) -> model.Package:
    """Publish ``revision`` over its public dataset and commit, with
    everything the caller's transaction holds; the public dataset is
    returned. Files are staged beside their destination and moved in after
    the commit."""
    public = model.Package.get(current["revision_of"])
    if public is None or public.state != "active":
        raise tk.ValidationError({"id": [tk._(
            "The published dataset this revision replaces is gone.")]})
    workflow.row(public.id, lock=True)
    shown = tk.get_action("package_show")(
        {"ignore_auth": True, "use_cache": False}, {"id": revision.id})
    mapping: dict[str, str] = current["resource_map"] or {}
    public_ids = {r.id for r in public.resources}
    resources = []
    moved: dict[str, str] = {}  # revision resource -> public resource
    staged: list[tuple[str, str]] = []
    for resource in shown.get("resources", []):
        data = {key: value for key, value in resource.items()
                if key not in ("package_id", "position", "revision_id",
                               "datastore_active", "tracking_summary")}
        target = mapping.get(resource["id"])
        data["id"] = target if target in public_ids else str(uuid.uuid4())
        moved[resource["id"]] = data["id"]
        source = _upload_path(resource)
        if source is not None:
            destination = _upload_path(dict(resource, id=data["id"]))
            os.makedirs(os.path.dirname(destination), exist_ok=True)
            temporary = f"{destination}.magetan-{uuid.uuid4().hex}"
            # with its times: what the file was validated as stays true
            shutil.copy2(source, temporary)
            staged.append((temporary, destination))
        resources.append(data)
    merged = {key: value for key, value in shown.items()
              if key not in NOT_COPIED and key != "resources"}
    merged.update(id=public.id, name=public.name, private=False,
                  owner_org=public.owner_org, resources=resources)
    _stage(staged)
    # The revision leaves before the public dataset takes its content (the
    # indicator code is unique among datasets that are not deleted).
    revision.state = "deleted"
    model.Session.execute(sa.delete(wm.workflow).where(
        wm.workflow.c.package_id == revision.id))
    model.Session.execute(
        sa.update(wm.workflow).where(wm.workflow.c.package_id == public.id)
        .values(since=workflow.now()))
    model.Session.flush()
    # CKAN 2.12's package_update rolls its work back when asked to defer
    # the commit (its savepoint is committed only without defer_commit), so
    # it commits here: the transition's state, event and this content land
    # together, with the files moved in right after.
    tk.get_action("package_update")(
        {"user": user.name if user else "", "ignore_auth": True}, merged)
    for after in workflow.gates("after_merge"):
        after(revision.id, public.id, moved)
    return public


def record_version(public: model.Package, by: str,
                   change_note: str | None) -> int:
    """Store the published version as published; returns its number."""
    number = 1 + (model.Session.execute(
        sa.select(sa.func.max(wm.version.c.number))
        .where(wm.version.c.indicator_id == public.id)).scalar() or 0)
    shown = tk.get_action("package_show")(
        {"ignore_auth": True, "use_cache": False}, {"id": public.id})
    model.Session.execute(sa.insert(wm.version).values(
        indicator_id=public.id, number=number, published_at=workflow.now(),
        published_by=by, change_note=change_note, dataset=shown))
    return number


def versions(package_id: str) -> list[dict[str, Any]]:
    """The published versions of an indicator, newest first."""
    rows = model.Session.execute(
        sa.select(wm.version.c.number, wm.version.c.published_at,
                  wm.version.c.published_by, wm.version.c.change_note)
        .where(wm.version.c.indicator_id == package_id)
        .order_by(wm.version.c.number.desc())).mappings().all()
    return [{"number": r["number"],
             "published_at": r["published_at"].isoformat(),
             "published_by": r["published_by"],
             "change_note": r["change_note"]} for r in rows]


# -- files swapped in after the commit ---------------------------------------

def _stage(swaps: list[tuple[str, str]]) -> None:
    if swaps:
        model.Session().info.setdefault(SWAPS_KEY, []).extend(swaps)


def _after_commit(session: Any) -> None:
    for temporary, destination in session.info.pop(SWAPS_KEY, []):
        try:
            os.replace(temporary, destination)
        except OSError:  # the data is committed; say so loudly
            log.exception("Could not move %s to %s", temporary, destination)


def _after_rollback(session: Any) -> None:
    for temporary, _destination in session.info.pop(SWAPS_KEY, []):
        try:
            os.remove(temporary)
        except OSError:
            pass


sa.event.listen(model.Session, "after_commit", _after_commit)
def _after_soft_rollback(session: Any, previous: Any) -> None:
    # a savepoint rolled back inside the transaction is not the end of it
    if not previous.nested and previous.parent is None:
        _after_rollback(session)


sa.event.listen(model.Session, "after_soft_rollback", _after_soft_rollback)


def purge_after_merge(revision_id: str, user: model.User | None) -> None:
    """Purge a merged revision (after the publication has committed): its
    name is free again; its events stay under the indicator. A failure
    leaves it deleted, which only sysadmins see."""
    try:
        tk.get_action("dataset_purge")(
            {"user": user.name if user else "", "ignore_auth": True},
            {"id": revision_id})
    except Exception:  # the publication stands; log why the purge did not
        log.exception("Could not purge the merged revision %s", revision_id)
        model.Session.rollback()
