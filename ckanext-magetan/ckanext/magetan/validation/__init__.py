"""Validation of tabular resources, as a gate of the workflow.

Every CSV, TSV, XLSX, XLS, ODS or JSON resource, uploaded or linked, is
validated with frictionless against its Table Schema and dialect, plus the
portal's statistical checks (``engine.py``, ``checks.py``). A result is
stored per resource with the *fingerprint* of what it was computed from:
the file (its size and time on disk, or the link), the format, schema,
dialect and encoding, and the dataset's reference period and unit. A result
whose fingerprint is not the resource's current one does not count: the
resource is ``pending`` until a validation of what it is now has finished,
so no change can slip past the gate (``gates.py``) between its save and its
validation.

A change is marked pending in the transaction that saves it; once that
commits, a background job is queued. A small uploaded file is validated at
once in the request as well (``after_resource_create``/``_update``); the
job then finds the work done. Runs of one resource are serialized by a
PostgreSQL advisory lock, and a run whose resource changed meanwhile
throws its result away (docs/validation.md).
"""
from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import logging
import os
import resource as rlimit
import zipfile
from typing import Any, Iterable, Iterator, Mapping, Optional

import rq
import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as pg_insert

from ckan import model
from ckan.lib import uploader
from ckan.plugins import toolkit as tk

from ckanext.magetan import codelists
from ckanext.magetan.tableschema import as_descriptor, reading, tabular_format
from ckanext.magetan.validation import checks, engine, source
from ckanext.magetan.validation.engine import (ERROR, FAILURE, PENDING,
                                               STATUSES, SUCCESS)
from ckanext.magetan.validation.tables import result as table

log = logging.getLogger(__name__)

BLOCKING = (FAILURE, ERROR, PENDING)
# Keys clients may not write: the portal computes them.
COMPUTED_FIELDS = ("validation_status", "validation_timestamp")
QUEUE_KEY = "magetan_validation_queue"


def now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def config_int(key: str) -> int:
    return int(tk.config.get(f"ckanext.magetan.validation.{key}"))


def limits() -> source.Limits:
    return source.Limits(
        max_bytes=config_int("max_bytes"),
        max_unzipped_bytes=config_int("max_unzipped_bytes"),
        allow_private_urls=tk.asbool(tk.config.get(
            "ckanext.magetan.validation.allow_private_urls")),
        timeout=float(config_int("timeout")))


# -- what a result is computed from ------------------------------------------

def format_of(resource: model.Resource) -> Optional[str]:
    """The frictionless format of a tabular resource, or None."""
    url = resource.url or ""
    return tabular_format(resource.format, url.split("?", 1)[0])


def upload_path(resource: model.Resource) -> Optional[str]:
    if resource.url_type != "upload":
        return None
    return uploader.get_resource_uploader(
        {"id": resource.id, "url_type": "upload", "url": resource.url}
    ).get_path(resource.id)


def fingerprint(resource: model.Resource) -> str:
    """A digest of everything a validation of ``resource`` depends on."""
    extras = resource.extras or {}
    package = resource.package
    package_extras = package.extras if package is not None else {}
    file: Any = None
    path = upload_path(resource)
    if path is not None:
        try:
            stat = os.stat(path)
            file = [stat.st_size, stat.st_mtime_ns]
        except OSError:
            file = "missing"
    inputs = {
        "url_type": resource.url_type or "",
        "url": resource.url or "",
        "file": file,
        "format": format_of(resource),
        "schema": as_descriptor(extras.get("schema")),
        "dialect": as_descriptor(extras.get("dialect")),
        "encoding": extras.get("encoding") or None,
        "reference_period": package_extras.get("reference_period"),
        "unit": package_extras.get("unit"),
        # the reference data of the statistical checks
        "codelists": codelists.digest(*checks.REFERENCE_LISTS),
    }
    text = json.dumps(inputs, sort_keys=True, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


# -- results -----------------------------------------------------------------

def rows(resource_ids: Iterable[str]) -> dict[str, Mapping[str, Any]]:
    ids = list(resource_ids)
    if not ids:
        return {}
    found = model.Session.execute(
        sa.select(table).where(table.c.resource_id.in_(ids))).mappings()
    return {row["resource_id"]: row for row in found}


def status_of(resource: model.Resource,
              row: Optional[Mapping[str, Any]]) -> Optional[dict[str, Any]]:
    """The resource's validation as the API shows it, or None for a
    resource that is not a table."""
    if format_of(resource) is None:
        return None
    if row is None or row["fingerprint"] != fingerprint(resource):
        return {"status": PENDING, "timestamp": None, "row": None}
    status = row["status"]
    stamp = row["finished"] if status != PENDING else None
    return {"status": status,
            "timestamp": stamp.isoformat() if stamp else None, "row": row}


def statuses(package_id: str) -> dict[str, dict[str, Any]]:
    """The validation of each tabular resource of a dataset, by id."""
    package = model.Package.get(package_id)
    if package is None:
        return {}
    resources = [r for r in package.resources if r.state == "active"]
    found = rows(r.id for r in resources)
    shown = {}
    for resource in resources:
        state = status_of(resource, found.get(resource.id))
        if state is not None:
            shown[resource.id] = state
    return shown


def annotate(pkg_dict: dict[str, Any]) -> dict[str, Any]:
    """``validation_status`` and ``validation_timestamp`` on each resource of
    a shown dataset (the fields ckanext-validation clients read)."""
    resources = pkg_dict.get("resources") or []
    if not resources or not pkg_dict.get("id"):
        return pkg_dict
    known = statuses(pkg_dict["id"])
    for resource in resources:
        if not isinstance(resource, dict):
            continue
        state = known.get(resource.get("id"))
        if state is None:
            for key in COMPUTED_FIELDS:
                resource.pop(key, None)
        else:
            resource["validation_status"] = state["status"]
            resource["validation_timestamp"] = state["timestamp"]
    return pkg_dict


def blocking(package_id: str) -> list[tuple[model.Resource, str]]:
    """The dataset's tabular resources that have not passed, with their
    status."""
    package = model.Package.get(package_id)
    if package is None:
        return []
    found = statuses(package_id)
    return [(r, found[r.id]["status"]) for r in package.resources
            if r.state == "active" and r.id in found
            and found[r.id]["status"] in BLOCKING]


# -- marking changes, queueing jobs ------------------------------------------

def mark_changed(package_id: str) -> list[tuple[str, str]]:
    """Inside the transaction saving a dataset: mark each tabular resource
    whose inputs changed as pending, and queue its job for after the
    commit. Returns the marked ids with their fingerprints."""
    package = model.Package.get(package_id)
    if package is None:
        return []
    resources = [r for r in package.resources if r.state == "active"]
    found = rows(r.id for r in resources)
    marked = []
    for resource in resources:
        if format_of(resource) is None:
            continue
        current = fingerprint(resource)
        row = found.get(resource.id)
        if row is not None and row["fingerprint"] == current:
            continue
        _upsert_pending(resource, current)
        marked.append((resource.id, current))
    stale = set(found) - {r.id for r in resources
                          if format_of(r) is not None}
    if stale:
        model.Session.execute(sa.delete(table).where(
            table.c.resource_id.in_(stale)))
    if marked:
        model.Session().info.setdefault(QUEUE_KEY, set()).update(marked)
    return marked


def mark_pending(resource: model.Resource) -> None:
    """Mark ``resource`` pending (in the caller's transaction)."""
    _upsert_pending(resource, fingerprint(resource))


def note_job(resource_id: str, job_id: Optional[str]) -> None:
    if job_id:
        model.Session.execute(sa.update(table).where(
            table.c.resource_id == resource_id).values(job_id=job_id))
        model.Session.commit()


def inline(resource: model.Resource) -> bool:
    """Whether the resource is validated at once, in the request that saves
    it: an uploaded file no larger than ``inline_max_bytes``, and for a
    workbook (a zip) no larger unpacked either: a small file may unpack to
    a sheet of a million rows, which only the worker, with its limits,
    reads."""
    path = upload_path(resource)
    if path is None:
        return False
    limit = config_int("inline_max_bytes")
    try:
        if os.path.getsize(path) > limit:
            return False
    except OSError:
        return True  # a missing file is reported at once
    try:
        with zipfile.ZipFile(path) as workbook:
            return sum(i.file_size for i in workbook.infolist()) <= limit
    except (zipfile.BadZipFile, OSError, ValueError):
        return True  # not a zip: its size says it all


def run_inline(resource_id: str) -> None:
    """After a resource is saved: validate it now if it is small, unless
    another process is already at it (its job then finishes it)."""
    resource = model.Resource.get(resource_id)
    if resource is not None and format_of(resource) is not None and \
            inline(resource):
        run(resource_id, wait=False)


def after_save(resource_dict: dict[str, Any]) -> None:
    """After ``resource_create``/``_update`` (committed): validate a small
    upload now and show its result in the returned resource."""
    resource_id = resource_dict.get("id")
    if not resource_id:
        return
    run_inline(resource_id)
    resource = model.Resource.get(resource_id)
    state = status_of(resource, rows([resource_id]).get(resource_id)) \
        if resource is not None else None
    if state is not None:
        resource_dict["validation_status"] = state["status"]
        resource_dict["validation_timestamp"] = state["timestamp"]


def _upsert_pending(resource: model.Resource, current: str) -> None:
    values = {"resource_id": resource.id, "package_id": resource.package_id,
              "status": PENDING, "fingerprint": current, "created": now(),
              "started": None, "finished": None, "report": None,
              "error": None, "warnings": [], "job_id": None}
    statement = pg_insert(table).values(**values)
    model.Session.execute(statement.on_conflict_do_update(
        index_elements=[table.c.resource_id],
        set_={k: statement.excluded[k] for k in values
              if k != "resource_id"}))


def _after_commit(session: Any) -> None:
    queued = session.info.pop(QUEUE_KEY, None)
    for resource_id, current in sorted(queued or ()):
        enqueue(resource_id, current)


def _after_rollback(session: Any, previous: Any) -> None:
    if not previous.nested and previous.parent is None:
        session.info.pop(QUEUE_KEY, None)


sa.event.listen(model.Session, "after_commit", _after_commit)
sa.event.listen(model.Session, "after_soft_rollback", _after_rollback)


def job_id(resource_id: str, current: str) -> str:
    """The background job validating a resource as it is now: one id per
    resource and fingerprint, so its page can ask the queue about it."""
    return f"magetan-validation-{resource_id}-{current[:16]}"


def enqueue(resource_id: str, current: Optional[str] = None,
            force: bool = False) -> Optional[str]:
    """Queue the background validation of a resource (``force``: even if
    its current result is known); the job's id."""
    from ckanext.magetan.validation import jobs

    if current is None:
        resource = model.Resource.get(resource_id)
        if resource is None:
            return None
        current = fingerprint(resource)
    try:
        job = tk.enqueue_job(
            jobs.validate_resource, [resource_id, force],
            title=f"magetan validation {resource_id}",
            rq_kwargs={"timeout": config_int("timeout"),
                       "job_id": job_id(resource_id, current),
                       "on_failure": rq.Callback(jobs.validation_failed)})
    except Exception:  # noqa: BLE001 - Redis down: the row stays pending
        log.exception("Could not queue the validation of %s", resource_id)
        return None
    return job.id


def record_job_failure(resource_id: str, failed_job_id: str,
                       message: str) -> None:
    """The job validating the resource as it is now failed outside the
    validation (``jobs.validation_failed``): its result is an error."""
    row = rows([resource_id]).get(resource_id)
    if row is None or row["status"] != PENDING or \
            job_id(resource_id, row["fingerprint"]) != failed_job_id:
        return  # a later change has its own job
    model.Session.execute(sa.update(table).where(
        table.c.resource_id == resource_id).values(
            status=ERROR, finished=now(), job_id=None,
            error={"message": message, "type": "magetan-crash"}))
    model.Session.commit()


def settle_dead_jobs() -> int:
    """Pending results whose job failed without a word (its work horse
    killed by the kernel, say, so RQ's failure callback never ran) become
    ``error`` results; how many. ``ckan magetan validation run`` calls it
    first, so a file that killed a worker is not read again in-process."""
    from rq.exceptions import NoSuchJobError
    from rq.job import Job

    from ckan.lib import jobs

    pending = model.Session.execute(sa.select(
        table.c.resource_id, table.c.fingerprint, table.c.created).where(
            table.c.status == PENDING)).all()
    if not pending:
        return 0
    settled = 0
    for resource_id, current, marked in pending:
        dead = job_id(resource_id, current)
        try:
            job = Job.fetch(dead, connection=jobs.get_queue().connection)
            status = job.get_status()
            ended = job.ended_at
        except NoSuchJobError:
            continue
        except Exception:  # noqa: BLE001 - the queue is down: next time
            log.warning("The queue cannot be asked about validation jobs",
                        exc_info=True)
            return settled
        if ended is not None and ended.tzinfo is None:
            ended = ended.replace(tzinfo=dt.timezone.utc)  # RQ's are UTC
        # a failure of this pending mark's job, not of an earlier one with
        # the same id (a link's id stays; RQ keeps failed jobs for a year)
        if getattr(status, "value", status) == "failed" and \
                (ended is None or ended > marked):
            log.error("Validation job %s ended without a result", dead)
            record_job_failure(resource_id, dead,
                               "the validation job stopped (its process "
                               "ended)")
            settled += 1
    return settled


# -- running -----------------------------------------------------------------

@contextlib.contextmanager
def _lock(resource_id: str, wait: bool) -> Iterator[bool]:
    """One run per resource at a time, across processes: a PostgreSQL
    advisory lock on a connection of its own."""
    connection = model.meta.engine.connect()
    try:
        key = sa.func.hashtextextended(resource_id, 0)
        if wait:
            connection.execute(sa.select(sa.func.pg_advisory_lock(key)))
            got = True
        else:
            got = bool(connection.execute(
                sa.select(sa.func.pg_try_advisory_lock(key))).scalar())
        try:
            yield got
        finally:
            if got:
                connection.execute(sa.select(sa.func.pg_advisory_unlock(key)))
                connection.commit()
    finally:
        connection.close()


def run(resource_id: str, *, wait: bool = True,
        force: bool = False) -> Optional[Mapping[str, Any]]:
    """Validate ``resource_id`` now unless its current result is already
    known (``force``: again anyway); returns its row, or None when the
    resource is gone, not a table, or (``wait=False``) being validated by
    another process."""
    with _lock(resource_id, wait) as got:
        if not got:
            return None
        model.Session.expire_all()
        resource = model.Resource.get(resource_id)
        if resource is None or resource.state != "active" or \
                format_of(resource) is None:
            forget([resource_id])
            model.Session.commit()
            return None
        current = fingerprint(resource)
        row = rows([resource_id]).get(resource_id)
        if not force and row is not None and \
                row["fingerprint"] == current and row["status"] != PENDING:
            return row
        _upsert_pending(resource, current)
        model.Session.execute(sa.update(table).where(
            table.c.resource_id == resource_id).values(started=now()))
        model.Session.commit()
        outcome = _outcome(resource)
        model.Session.expire_all()
        resource = model.Resource.get(resource_id)
        if resource is None or fingerprint(resource) != current:
            log.info("%s changed while it was validated; its next run "
                     "will tell", resource_id)
            model.Session.rollback()
            return None
        # only onto the row of what was validated: a save that committed
        # meanwhile has marked it pending with its own fingerprint
        written = model.Session.execute(sa.update(table).where(
            table.c.resource_id == resource_id,
            table.c.fingerprint == current).values(
                status=outcome.status, finished=now(), report=outcome.report,
                error=outcome.error, warnings=outcome.warnings,
                inferred_dialect=outcome.dialect, job_id=None))
        model.Session.commit()
        if not written.rowcount:
            log.info("%s changed while it was validated; its next run "
                     "will tell", resource_id)
            return None
        return rows([resource_id]).get(resource_id)


def _outcome(resource: model.Resource) -> engine.Outcome:
    """Validate the resource's file; any failure to do so is an error
    result, never an exception (the worker must not stick)."""
    shown = {"id": resource.id, "url": resource.url,
             "url_type": resource.url_type}
    extras = resource.extras or {}
    package_extras = resource.package.extras
    context = checks.Context(
        reference_period=package_extras.get("reference_period"),
        unit=package_extras.get("unit"),
        jump_threshold=float(tk.config.get(
            "ckanext.magetan.validation.jump_threshold")),
        jump_min_value=float(tk.config.get(
            "ckanext.magetan.validation.jump_min_value")))
    try:
        schema = as_descriptor(extras.get("schema"))
        dialect = reading.check_dialect(extras.get("dialect"))
        encoding = reading.check_encoding(extras.get("encoding"))
        with source.located(shown, limits()) as found:
            return engine.validate_file(
                found.path, found.name, format_of(resource) or "csv",
                schema if isinstance(schema, dict) else None, dialect,
                encoding, context, limits(),
                limit_errors=config_int("limit_errors"))
    except source.SourceProblem as problem:
        return engine.Outcome(status=FAILURE, report=engine.problem_report(
            problem, shown["url"] or resource.id))
    except source.FetchError as error:
        return engine.Outcome(status=ERROR, error={
            "message": str(error), "type": "magetan-fetch"})
    except reading.DialectError as error:
        return engine.Outcome(status=ERROR, error={
            "message": "; ".join(error.messages), "type": "magetan-dialect"})
    except MemoryError:
        return engine.Outcome(status=ERROR, error={
            "message": "the validation needed more memory than allowed",
            "type": "magetan-memory"})
    except Exception as error:  # noqa: BLE001 - recorded, and logged
        if type(error).__name__ == "JobTimeoutException":
            return engine.Outcome(status=ERROR, error={
                "message": "the validation took longer than allowed",
                "type": "magetan-timeout"})
        # the exception's text (paths, say) goes to the log, not to readers
        log.exception("Validation of %s failed", resource.id)
        return engine.Outcome(status=ERROR, error={
            "message": f"the validation stopped ({type(error).__name__})",
            "type": "magetan-crash"})


def limit_memory(megabytes: int) -> None:
    """Cap this process's address space at its current size plus
    ``megabytes`` (the worker forks a process per job: only it is capped),
    so a file that needs more ends in MemoryError, not in the kernel's OOM
    killer."""
    try:
        with open("/proc/self/statm") as f:
            pages = int(f.read().split()[0])
        current = pages * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError):
        return
    cap = current + megabytes * 1024 * 1024
    soft, hard = rlimit.getrlimit(rlimit.RLIMIT_AS)
    if hard != rlimit.RLIM_INFINITY:
        cap = min(cap, hard)
    rlimit.setrlimit(rlimit.RLIMIT_AS, (cap, hard))


def forget(resource_ids: Iterable[str]) -> None:
    ids = list(resource_ids)
    if ids:
        model.Session.execute(sa.delete(table).where(
            table.c.resource_id.in_(ids)))


def copy_results(mapping: Mapping[str, str]) -> None:
    """Results of a merged revision's resources become those of the public
    resources that took their content (``{revision id: public id}``)."""
    found = rows(mapping)
    for revision_id, public_id in mapping.items():
        row = found.get(revision_id)
        if row is None:
            continue
        values = dict(row, resource_id=public_id)
        public = model.Resource.get(public_id)
        values["package_id"] = public.package_id if public is not None \
            else row["package_id"]
        statement = pg_insert(table).values(**values)
        model.Session.execute(statement.on_conflict_do_update(
            index_elements=[table.c.resource_id],
            set_={k: statement.excluded[k] for k in values
                  if k != "resource_id"}))
