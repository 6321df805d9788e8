"""One validation of one table file with frictionless (v5).

The file is looked at first (``source.inspect``), then read with its
encoding, dialect and Table Schema and validated as frictionless' baseline
checks (header, blank rows, cells, types, constraints, primary keys) and
its duplicate-row check validate it, in one lean pass (``stream.py``) that
also runs the portal's statistical checks (``checks.py``).
The result is a frictionless report, as JSON, in the layout
ckanext-validation clients read.
"""
from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from typing import Any, Optional

import attrs
import frictionless
import frictionless.resources
from frictionless import errors as fl_errors

from ckanext.magetan.tableschema import (MAX_COLUMNS, TEXT_FORMATS,
                                         column_count, reading)
from ckanext.magetan.validation import checks, source, stream

log = logging.getLogger(__name__)

SUCCESS, FAILURE, ERROR, PENDING = "success", "failure", "error", "pending"
STATUSES = (SUCCESS, FAILURE, ERROR, PENDING)


def _file_error(kind: str, title: str, description: str) -> type:
    """A report error type for a file-level problem (``source.py``)."""
    cls = type(kind.title().replace("-", ""), (fl_errors.FileError,), {
        "type": kind, "title": title, "description": description,
        "template": "{note}", "__module__": __name__,
        "__annotations__": {}})
    return attrs.define(kw_only=True, repr=False)(cls)


FILE_ERRORS = {cls.type: cls for cls in (
    _file_error("magetan-empty-file", "Empty File", "The file is empty."),
    _file_error("magetan-too-large", "File Too Large",
                "The file is larger than the portal validates."),
    _file_error("magetan-html", "Web Page, Not a Table",
                "The file is an HTML page saved under a table's name."),
    _file_error("magetan-not-spreadsheet", "Not a Spreadsheet",
                "The file is not the workbook its name says."),
    _file_error("magetan-zip-bomb", "Workbook Unpacks Too Large",
                "The workbook unpacks to far more than the portal reads."),
    _file_error("magetan-formula", "Formula Without Value",
                "Formula cells have no computed value."),
    _file_error("magetan-binary", "Binary Data",
                "The file holds binary data, not text."),
    _file_error("magetan-missing-file", "File Missing",
                "The uploaded file is missing from the storage."),
    _file_error("magetan-too-many-columns", "Too Many Columns",
                "The table has more columns than a Table Schema describes."),
    _file_error("magetan-bad-json", "Not a JSON Table",
                "The JSON cannot be read safely as a table."),
)}


@dataclass
class Outcome:
    """What one validation found."""

    status: str
    report: Optional[dict[str, Any]] = None
    error: Optional[dict[str, Any]] = None
    warnings: list[dict[str, Any]] = field(default_factory=list)
    dialect: Optional[dict[str, Any]] = None  # the dialect used
    encoding: Optional[str] = None


def problem_report(problem: source.SourceProblem, name: str,
                   seconds: float = 0.0) -> dict[str, Any]:
    """A failed report holding one file-level problem."""
    error = FILE_ERRORS[problem.kind](note=problem.note)
    task = frictionless.ReportTask(
        name="table", type="table", valid=False, place=name, labels=[],
        stats={"errors": 1, "warnings": 0, "seconds": round(seconds, 3)},
        warnings=[], errors=[error])
    report = frictionless.Report.from_validation(time=round(seconds, 3),
                                                 tasks=[task])
    descriptor = report.to_descriptor()
    descriptor["tasks"][0]["errors"][0]["params"] = problem.params
    return descriptor


def validate_file(path: str, name: str, format: str,
                  schema: Optional[dict[str, Any]],
                  dialect: Optional[dict[str, Any]],
                  encoding: Optional[str], context: checks.Context,
                  limits: source.Limits, limit_errors: int = 1000
                  ) -> Outcome:
    """Validate the table in ``path`` (named ``name`` in the report)."""
    started = time.monotonic()
    try:
        warnings = source.inspect(path, format, limits)
        # frictionless' time grows with the columns: count them first
        columns = column_count(path, format)
        if columns > MAX_COLUMNS:
            raise source.SourceProblem(
                "magetan-too-many-columns",
                f"the table has {columns} columns",
                count=columns, limit=MAX_COLUMNS)
    except source.SourceProblem as problem:
        return Outcome(status=FAILURE, report=problem_report(
            problem, name, time.monotonic() - started))
    if encoding is None and format in TEXT_FORMATS:
        encoding = reading.detect_encoding(path)
    used = dialect
    if used is None:
        used = reading.infer_dialect(path, format, encoding) \
            if format != "json" else {}
    with frictionless.system.use_context(trusted=True):
        resource = frictionless.resources.TableResource(
            path=path, name="table", format=format, encoding=encoding,
            dialect=frictionless.Dialect.from_descriptor(used or {}),
            schema=frictionless.Schema.from_descriptor(schema)
            if schema else None)
        report, statistics = stream.validate(resource, context,
                                             limit_errors=limit_errors)
    descriptor = report.to_descriptor()
    found = warnings + [w.to_dict() for w in statistics]
    for task in descriptor.get("tasks", []):
        task["place"] = name  # not the storage path
        task["warnings"] = list(task.get("warnings", [])) + [
            w["note"] for w in found]
        task.setdefault("stats", {})["warnings"] = len(task["warnings"])
    descriptor.setdefault("stats", {})["warnings"] = sum(
        len(t.get("warnings", [])) for t in descriptor.get("tasks", []))
    return Outcome(status=SUCCESS if report.valid else FAILURE,
                   report=descriptor, warnings=found, dialect=used,
                   encoding=encoding)


def warm_up() -> None:
    """frictionless builds its registry of plugins and field types, and
    imports its JSON Schema validator, on first use (a tenth of a second):
    done at start-up, a worker's forked jobs and the web's inline
    validations find them ready."""
    with frictionless.system.use_context(trusted=True):
        resource = frictionless.resources.TableResource(
            data=[["tahun", "jumlah"], [2024, 1]], name="table",
            schema=frictionless.Schema.from_descriptor({"fields": [
                {"name": "tahun", "type": "year"},
                {"name": "jumlah", "type": "integer"}]}))
        resource.to_descriptor(validate=True)


def errors_of(report: Optional[dict[str, Any]]) -> list[dict[str, Any]]:
    """Every error of a report, the table's and its tasks'."""
    if not report:
        return []
    found = list(report.get("errors", []))
    for task in report.get("tasks", []):
        found.extend(task.get("errors", []))
    return found
