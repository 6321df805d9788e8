"""Table Schemas of tabular resources: the BPS variable metadata (MS-Var).

Every tabular resource carries a frictionless Table Schema in its ``schema``
field: one descriptor per column with ``name``, ``title``, ``type``, ``unit``
and ``description`` (``unit`` is a custom property, which Table Schema
allows).  This module checks descriptors, infers a starting point from an
uploaded CSV/TSV/XLS/XLSX file with frictionless, merges an inferred schema
with what people already wrote, and reads the rows of the resource form.
"""
from __future__ import annotations

import csv
import io
import json
import logging
import os
import re
import shutil
import tempfile
from typing import Any, Iterable, NoReturn, Optional

import frictionless
import frictionless.resources

from ckan.lib import uploader
from ckan.plugins import toolkit as tk

from ckanext.magetan import codelists, inputs
from ckanext.magetan.tableschema import reading

# Formats frictionless can read, keyed by CKAN format or file extension
# (JSON tables with frictionless' ``json`` extra: an array of rows, the
# first the header, or an array of objects).
TABULAR_FORMATS = {"csv": "csv", "tsv": "tsv", "xlsx": "xlsx", "xls": "xls",
                   "ods": "ods", "json": "json"}
# Formats read as text, whose encoding is detected.
TEXT_FORMATS = ("csv", "tsv")
# Field types offered in the form, in the order people pick them.
FORM_TYPES = ("string", "integer", "number", "year", "date", "yearmonth",
              "datetime", "boolean", "any")
# Column properties edited in the form, in table order.
FORM_PROPERTIES = ("name", "title", "type", "unit", "codelist",
                   "description")
TEXT_PROPERTIES = ("title", "unit", "description")
# Type candidates for inference, most specific first.  Unlike frictionless'
# defaults there is no geopoint (it swallows Indonesian decimal commas such
# as "12,5") and a number with decimal comma and dot grouping comes after
# the international one.
INFERENCE_CANDIDATES: list[dict[str, Any]] = [
    {"type": "integer"},
    {"type": "number"},
    {"type": "number", "decimalChar": ",", "groupChar": "."},
    {"type": "date"},
    {"type": "datetime"},
    {"type": "boolean"},
    {"type": "string"},
]
# A CSV sample this long is more than frictionless reads (100 rows).
CSV_SAMPLE_BYTES = 1024 * 1024
# The most columns a table may have: frictionless needs about a second per
# thousand columns to open a file, and a web request must not wait longer.
MAX_COLUMNS = 1000
# The longest text of each column property, in characters.
MAX_LENGTHS = {"name": 200, "title": 500, "unit": 100, "description": 5000}
# Field separators frictionless may detect in a CSV file.
CSV_DELIMITERS = (",", ";", "\t", "|")
log = logging.getLogger(__name__)
FORM_KEY = re.compile(r"^schema-fields-(\d+)-(%s)$" % "|".join(
    FORM_PROPERTIES + ("source",)))


class TableSchemaError(Exception):
    """A descriptor or a file that cannot give a Table Schema."""

    def __init__(self, messages: Iterable[str]):
        self.messages = list(messages)
        super().__init__("; ".join(self.messages))


# Formats of JSON documents that are no tables: a resource of one of them is
# not one, whatever its file is named (a GeoJSON link ending in .json).
NOT_TABLES = {"geojson", "topojson", "json-ld", "jsonld", "json-stat",
              "jsonstat"}


def tabular_format(*candidates: Optional[str]) -> Optional[str]:
    """The frictionless format of the first candidate (a CKAN format such as
    ``CSV`` or a file name such as ``data.xlsx``) that names a table (None
    when one names a JSON format that is no table)."""
    for candidate in candidates:
        if not candidate:
            continue
        text = str(candidate).strip().lower()
        if text in NOT_TABLES:
            return None
        key = text.rsplit(".", 1)[-1] if "." in text else text
        if key in TABULAR_FORMATS:
            return TABULAR_FORMATS[key]
    return None


def check(value: Any) -> Optional[dict[str, Any]]:
    """The descriptor ``value`` (a dict or its JSON text), tidied.

    Blank properties are dropped and text is trimmed.  Returns None for an
    empty value and raises :class:`TableSchemaError` with one message per
    problem otherwise.
    """
    if value is None or value == "" or value is tk.missing:
        return None
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except RecursionError:
            _too_deep()
        except ValueError as error:
            raise TableSchemaError([tk._(
                "The data structure is not valid JSON: {error}").format(
                    error=error)])
    problem = inputs.problem(value)
    if problem:
        raise TableSchemaError([problem])
    if not isinstance(value, dict):
        raise TableSchemaError([tk._(
            "The data structure must be a Table Schema: an object with a "
            "list of fields.")])
    fields = value.get("fields")
    if not isinstance(fields, list) or not fields:
        raise TableSchemaError([tk._("Describe at least one column.")])
    if len(fields) > MAX_COLUMNS:
        raise TableSchemaError([_too_many(len(fields))])

    messages: list[str] = []
    seen: set[str] = set()
    tidy_fields = []
    for number, field in enumerate(fields, 1):
        if not isinstance(field, dict):
            messages.append(tk._("Column {number} must be an object.").format(
                number=number))
            continue
        field = _tidy(field)
        name = field.get("name")
        if not isinstance(name, str) or not name:
            messages.append(tk._("Column {number} needs a name.").format(
                number=number))
            continue
        if name in seen:
            messages.append(tk._("The column name {name} is used twice.")
                            .format(name=name))
        seen.add(name)
        for prop in TEXT_PROPERTIES:
            if prop in field and not isinstance(field[prop], str):
                messages.append(tk._(
                    "Column {name}: {property} must be text.").format(
                        name=name, property=prop))
        system = field.get("codelist")
        if system is not None and (not isinstance(system, str)
                                   or system not in codelists.CODE_SYSTEMS):
            messages.append(tk._(
                "Column {name}: {codelist} is not a code list of the portal "
                "(one of {known}).").format(
                    name=name, codelist=str(system)[:100],
                    known=", ".join(codelists.CODE_SYSTEMS)))
        for prop, limit in MAX_LENGTHS.items():
            if isinstance(field.get(prop), str) and len(field[prop]) > limit:
                messages.append(tk._(
                    "Column {number}: {property} is longer than {limit} "
                    "characters.").format(number=number, property=prop,
                                          limit=limit))
        tidy_fields.append(field)
    if messages:
        raise TableSchemaError(messages)

    descriptor = dict(_tidy(value), fields=tidy_fields)
    try:
        report = frictionless.Schema.validate_descriptor(descriptor)
    except RecursionError:
        _too_deep()
    if not report.valid:
        raise TableSchemaError(
            tk._("Not a valid Table Schema: {note}").format(note=error.note)
            for error in report.errors)
    return descriptor


def infer(source: str, format: str,
          dialect: Optional[dict[str, Any]] = None,
          encoding: Optional[str] = None) -> dict[str, Any]:
    """A Table Schema inferred from the header and first rows of the table
    in the file ``source``, read with ``dialect`` and ``encoding``
    (detected when not given), checked as :func:`check` does."""
    if format == "json":
        problem = json_problem(source)
        if problem:
            raise TableSchemaError([tk._(
                "The file cannot be read as a JSON table: {reason}").format(
                    reason=problem)])
    columns = column_count(source, format)
    if columns > MAX_COLUMNS:
        raise TableSchemaError([_too_many(columns)])
    detector = frictionless.Detector(field_type="any")
    if encoding is None and format in TEXT_FORMATS:
        encoding = reading.detect_encoding(source)
    try:
        with frictionless.resources.TableResource(
                source, format=format, detector=detector, encoding=encoding,
                dialect=frictionless.Dialect.from_descriptor(dialect or {})
        ) as table:
            labels, fragment = table.labels, table.fragment
    except frictionless.FrictionlessException as error:
        raise TableSchemaError([tk._(
            "The file cannot be read as a {format} table: {note}").format(
                format=format.upper(), note=error.error.note)])
    if not labels:
        raise TableSchemaError([tk._("The file has no header row.")])
    if any("\x00" in str(label) for label in labels):
        raise TableSchemaError([tk._(
            "The header row holds NUL characters: save the table as CSV "
            "(UTF-8) or as an Excel workbook and upload it again.")])
    schema = frictionless.Detector().detect_schema(
        fragment, labels=labels, field_candidates=INFERENCE_CANDIDATES)
    descriptor = schema.to_descriptor()
    for index, field in enumerate(descriptor["fields"]):
        if all(_blank(row[index] if index < len(row) else None)
               for row in fragment):
            field["type"] = "any"  # nothing to infer from
    for index, field in enumerate(descriptor["fields"]):
        # a column of region codes or names points at its code list, for
        # the validation's check of every row; Kemendagri codes (35.20.01)
        # stay text, whatever number they look like
        system = codelists.system_of(
            row[index] for row in fragment if index < len(row))
        if system is not None:
            if field["type"] != "integer" or not system.endswith(":bps"):
                for key in ("decimalChar", "groupChar", "bareNumber"):
                    field.pop(key, None)
                field["type"] = "string"
            field["codelist"] = system
    checked = check({"fields": descriptor["fields"]})
    assert checked is not None
    return checked


# JSON nested deeper than this is no table (and ijson's cost grows with
# the square of the depth).
JSON_MAX_DEPTH = 32


def json_problem(path: str) -> Optional[str]:
    """What makes the JSON file in ``path`` unsafe to read as a table, or
    None: nested too deep, or a number too long for Python, on which the
    C parser of ijson (frictionless' JSON reader) crashes the process.
    Looked for in the bytes, strings left out (a regular expression, at C
    speed); invalid JSON is frictionless' to report."""
    with open(path, "rb") as stream:
        data = stream.read()
    bare = _JSON_STRING.sub(b'""', data)
    if _LONG_NUMBER.search(bare):
        return "a number in the JSON has more digits than Python reads"
    depth = 0
    for bracket in _JSON_BRACKET.finditer(bare):
        if bracket.group() in (b"[", b"{"):
            depth += 1
            if depth > JSON_MAX_DEPTH:
                return f"the JSON is nested deeper than {JSON_MAX_DEPTH} levels"
        else:
            depth -= 1
    return None


_JSON_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"', re.S)
_LONG_NUMBER = re.compile(rb"[0-9]{4000,}")
_JSON_BRACKET = re.compile(rb"[\[\]{}]")


def column_count(path: str, format: str) -> int:
    """How many columns the first row of the table in ``path`` has at most,
    read cheaply (before frictionless, whose time grows with the columns);
    0 when the file cannot be read this way (frictionless will say why)."""
    try:
        if format in ("csv", "tsv"):
            with open(path, "rb") as f:
                sample = f.read(CSV_SAMPLE_BYTES).decode("utf-8", "replace")
            return max(len(next(csv.reader(io.StringIO(sample),
                                           delimiter=delimiter), []))
                       for delimiter in CSV_DELIMITERS)
        if format == "json":
            import ijson

            # (its callers have refused it first if json_problem says so:
            # ijson's C parser would crash on it)
            with open(path, "rb") as stream:
                first = next(ijson.items(stream, "item"), None)
            return len(first) if isinstance(first, (list, dict)) else 0
        if format == "xlsx":
            import openpyxl

            # a file, not its name: CKAN's storage paths have no extension
            with open(path, "rb") as stream:
                workbook = openpyxl.load_workbook(stream, read_only=True)
                try:
                    sheet = workbook.worksheets[0]
                    first = next(sheet.iter_rows(max_row=1,
                                                 values_only=True), ())
                    return len(first)
                finally:
                    workbook.close()
        if format == "xls":
            import xlrd

            book = xlrd.open_workbook(path, on_demand=True)
            try:
                return book.sheet_by_index(0).ncols
            finally:
                book.release_resources()
    except Exception:  # noqa: BLE001 - any reader error is frictionless' to report
        log.debug("Columns of %s not counted", path, exc_info=True)
    return 0


def infer_upload(upload: Any, format: str,
                 dialect: Optional[dict[str, Any]] = None,
                 encoding: Optional[str] = None
                 ) -> tuple[dict[str, Any], dict[str, Any]]:
    """The dialect (``dialect``, or else one inferred) and the Table Schema
    of a file being uploaded (a werkzeug ``FileStorage``), leaving its
    stream where CKAN expects it to start."""
    stream = upload.stream
    stream.seek(0)
    with tempfile.NamedTemporaryFile(suffix=f".{format}") as copy:
        if format in ("csv", "tsv"):
            sample = stream.read(CSV_SAMPLE_BYTES)
            if len(sample) == CSV_SAMPLE_BYTES and b"\n" in sample:
                sample = sample[:sample.rindex(b"\n") + 1]  # whole rows only
            copy.write(sample)
        else:
            shutil.copyfileobj(stream, copy)
        copy.flush()
        stream.seek(0)
        if dialect is None:
            dialect = reading.infer_dialect(copy.name, format, encoding)
        return dialect, infer(copy.name, format, dialect, encoding)


def stored_format(resource: dict[str, Any]) -> Optional[str]:
    """The frictionless format of an uploaded table's stored file; None for
    a link or a file that is not a table."""
    if resource.get("url_type") != "upload":
        return None
    return tabular_format(resource.get("format"), resource.get("url"))


def infer_stored(resource: dict[str, Any]) -> dict[str, Any]:
    """Infer from the file of an uploaded resource already in storage."""
    format = stored_format(resource)
    if not format:
        raise TableSchemaError([
            tk._("Only CSV, TSV, XLS, XLSX, ODS and JSON files have a data structure.")
            if resource.get("url_type") == "upload" else
            tk._("Only files uploaded to the portal can be read; this "
                 "resource is a link.")])
    path = uploader.get_resource_uploader(resource).get_path(resource["id"])
    if not os.path.exists(path):
        raise TableSchemaError([tk._("The uploaded file is missing.")])
    try:
        dialect = reading.check_dialect(resource.get("dialect"))
        encoding = reading.check_encoding(resource.get("encoding"))
    except reading.DialectError as error:
        raise TableSchemaError(error.messages)
    return infer(path, format, dialect, encoding)


def merge(given: Optional[dict[str, Any]],
          inferred: dict[str, Any]) -> dict[str, Any]:
    """The columns of ``inferred``, each keeping what ``given`` (a checked
    schema) says of the column with the same name (title, unit,
    description, a corrected type).

    Columns of ``given`` that the file no longer has are dropped, so that
    the schema describes the file it belongs to.
    """
    if not given:
        return inferred
    known = {f["name"]: f for f in given["fields"]}
    fields = [dict(known.get(field["name"], field))
              for field in inferred["fields"]]
    names = {f["name"] for f in fields}
    merged = {k: v for k, v in given.items() if k != "fields"}
    key = merged.get("primaryKey")
    if key and not set([key] if isinstance(key, str) else key) <= names:
        merged.pop("primaryKey")
    return dict(merged, fields=fields)


def prepare(resource: dict[str, Any],
            current: Optional[dict[str, Any]] = None) -> None:
    """Ready ``resource`` for saving: read the form's rows into ``schema``
    and, when a CSV/TSV/XLS/XLSX file is being uploaded, describe its
    columns, keeping what the given (or else the stored) schema says of
    them.  A file that cannot be read is left to the validation step.
    """
    pop_form_rows(resource)
    reading.pop_dialect_form(resource)
    upload = resource.get("upload")
    if not getattr(upload, "filename", None) or not hasattr(upload, "stream"):
        return
    format = tabular_format(upload.filename, resource.get("format"))
    if not format:
        return
    given = resource["schema"] if "schema" in resource else (
        current or {}).get("schema")
    stored_dialect = (current or {}).get("dialect")
    given_dialect = resource.get("dialect", stored_dialect)
    try:
        given = check(given)
        encoding = reading.check_encoding(
            resource.get("encoding", (current or {}).get("encoding")))
        # a new file gets a dialect of its own, unless the person changed
        # the reading options with it
        dialect = reading.check_dialect(given_dialect) if (
            as_descriptor(given_dialect) != as_descriptor(stored_dialect)
            or not current) else None
        dialect, inferred = infer_upload(upload, format, dialect, encoding)
    except (TableSchemaError, reading.DialectError) as error:
        log.info("No data structure inferred for %s: %s",
                 upload.filename, error)
        return
    except Exception:  # noqa: BLE001 - a reader's bug never stops a save
        log.warning("No data structure inferred for %s", upload.filename,
                    exc_info=True)
        upload.stream.seek(0)
        return
    resource["schema"] = merge(given, inferred)
    resource["dialect"] = dialect or ""


def as_descriptor(value: Any) -> Any:
    """A descriptor or its JSON text as an object (None when empty), for
    comparing; text that is not JSON stays as it is."""
    if isinstance(value, str):
        try:
            return json.loads(value) if value.strip() else None
        except (ValueError, RecursionError):
            return value
    return value or None


def pop_form_rows(resource: dict[str, Any]) -> bool:
    """Read the resource form's rows into ``resource["schema"]``.

    The form posts ``schema-fields-<n>-<property>`` for each row (with
    ``source``, the name the column had when the form was drawn) and the
    stored descriptor as JSON in ``schema``, which keeps the properties the
    form does not show (formats, constraints, missing values).  Rows without
    any text are left out; a form whose rows are all empty clears the
    schema.  The row keys are removed; returns whether there were any.
    """
    rows: dict[int, dict[str, str]] = {}
    for key in [k for k in resource if isinstance(k, str)]:
        match = FORM_KEY.match(key)
        if match:
            value = resource.pop(key)
            rows.setdefault(int(match.group(1)), {})[match.group(2)] = (
                value.strip() if isinstance(value, str) else value)
    if not rows:
        return False
    stored = _lenient(resource.get("schema"))
    known = {f["name"]: f for f in stored.get("fields", [])
             if isinstance(f.get("name"), str)}
    fields = []
    for _index, row in sorted(rows.items()):
        # the selects (type, code list) always post a value: a row is
        # empty without text
        if not any(row.get(p) for p in FORM_PROPERTIES
                   if p not in ("type", "codelist")):
            continue
        field = dict(known.get(row.get("source") or row.get("name"), {}))
        for prop in FORM_PROPERTIES:
            if row.get(prop):
                field[prop] = row[prop]
            else:
                field.pop(prop, None)
        fields.append(field)
    resource["schema"] = dict(stored, fields=fields) if fields else ""
    return True


def form_rows(schema: Any, blank: int = 1) -> list[dict[str, Any]]:
    """Rows for the resource form: the columns of ``schema`` (even one that
    failed validation, so nothing typed is lost), then ``blank`` empty rows
    for adding columns without JavaScript."""
    rows = [dict(field, source=field.get("name", ""))
            for field in _lenient(schema).get("fields", [])]
    return rows + [{} for _ in range(blank)]


def _lenient(value: Any) -> dict[str, Any]:
    """``value`` as a descriptor with a list of field objects, unchecked."""
    if isinstance(value, str):
        try:
            value = json.loads(value) if value.strip() else {}
        except (ValueError, RecursionError):
            value = {}
    if not isinstance(value, dict):
        return {}
    fields = value.get("fields")
    fields = [f for f in fields if isinstance(f, dict)] if isinstance(
        fields, list) else []
    return dict(value, fields=fields)


def _too_deep() -> NoReturn:
    raise TableSchemaError([tk._(
        "The data structure is nested too deeply.")])


def _too_many(columns: int) -> str:
    return tk._("The table has {columns} columns; a data structure describes "
                "at most {limit}. Split the table into several files.").format(
                    columns=columns, limit=MAX_COLUMNS)


def _tidy(descriptor: dict[str, Any]) -> dict[str, Any]:
    return {key: value.strip() if isinstance(value, str) else value
            for key, value in descriptor.items()
            if not _blank(value)}


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())
