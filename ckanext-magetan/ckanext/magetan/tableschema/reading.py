"""How a table file is read: its encoding and its frictionless dialect.

Statistics spreadsheets rarely start with the header: a title, a table
number and a source line come first, and a header may take two rows
(*Jenis Kelamin* above *L* and *P*). Indonesian CSV exports use semicolons.
The dialect says which rows are the header, which sheet holds the table and
which character separates fields; it is stored beside the Table Schema in
the resource's ``dialect`` field (a frictionless v5 Dialect descriptor) and
its starting point is inferred here. The decimal comma belongs to the Table
Schema (``decimalChar`` of a number column), which inference fills in.
"""
from __future__ import annotations

import codecs
import csv
import io
import itertools
import json
import re
from typing import Any, Iterable, Optional

import frictionless
import frictionless.resources

from ckan.plugins import toolkit as tk

from ckanext.magetan import inputs

# What a dialect of this portal may say; anything else (a SQL or remote
# control, say) is refused rather than handed to frictionless.
# No comment rows or characters: they would hide rows from the validation.
DIALECT_KEYS = {"header", "headerRows", "headerJoin"}
CONTROL_KEYS = {
    "csv": {"delimiter", "quoteChar", "escapeChar", "doubleQuote",
            "skipInitialSpace", "lineTerminator"},
    "excel": {"sheet", "fillMergedCells", "preserveFormatting",
              "adjustFloatingPointError", "stringified"},
    "ods": {"sheet"},
    "json": {"keyed", "keys", "property"},
}
# The encodings offered in the form; the API takes these and the other
# encodings of text files below (Python's codec names).
ENCODINGS = ("utf-8", "utf-8-sig", "windows-1252", "utf-16")
READABLE_CODECS = {
    "utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "utf-32",
    "utf-32-le", "utf-32-be", "ascii", "cp1252", "cp1250", "cp1251",
    "iso8859-1", "iso8859-2", "iso8859-15", "cp437", "cp850", "mac-roman"}
# Rows read to find the header.
HEADER_SCAN_ROWS = 30
MAX_HEADER_ROW = 1000
CSV_DELIMITERS = ",;\t|"
SAMPLE_BYTES = 1024 * 1024
_NUMBER = re.compile(r"^[-+]?[\d.,\s]+%?$")


class DialectError(Exception):
    """A dialect descriptor that cannot be used."""

    def __init__(self, messages: Iterable[str]):
        self.messages = list(messages)
        super().__init__("; ".join(self.messages))


def check_dialect(value: Any) -> Optional[dict[str, Any]]:
    """The dialect ``value`` (a dict or its JSON text), checked; None for an
    empty one. Raises :class:`DialectError` with one message per problem."""
    if value is None or value is tk.missing or (
            isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except (ValueError, RecursionError) as error:
            raise DialectError([tk._(
                "The reading options are not valid JSON: {error}").format(
                    error=error)])
    problem = inputs.problem(value)
    if problem:
        raise DialectError([problem])
    if not isinstance(value, dict):
        raise DialectError([tk._(
            "The reading options must be an object (a frictionless "
            "dialect).")])
    if not value:
        return None
    messages = []
    for key, item in value.items():
        if key in CONTROL_KEYS:
            if not isinstance(item, dict):
                messages.append(tk._("{key} must be an object.").format(
                    key=key))
                continue
            for unknown in sorted(set(item) - CONTROL_KEYS[key]):
                messages.append(tk._(
                    "Unknown reading option: {key}.{option}").format(
                        key=key, option=unknown))
        elif key not in DIALECT_KEYS:
            messages.append(tk._("Unknown reading option: {key}").format(
                key=key))
    rows = value.get("headerRows")
    if rows is not None and not (
            isinstance(rows, list) and rows and all(
                type(row) is int and 1 <= row <= MAX_HEADER_ROW
                for row in rows)
            and rows == sorted(set(rows))):
        messages.append(tk._(
            "The header rows must be row numbers counted from 1, in "
            "order, at most {limit}.").format(limit=MAX_HEADER_ROW))
    delimiter = value.get("csv", {}).get("delimiter") if isinstance(
        value.get("csv"), dict) else None
    if delimiter is not None and not (
            isinstance(delimiter, str) and len(delimiter) == 1
            and delimiter not in "\r\n\"\x00"):
        messages.append(tk._("The delimiter must be one character."))
    for control in ("excel", "ods"):
        sheet = value.get(control, {}).get("sheet") if isinstance(
            value.get(control), dict) else None
        if sheet is not None and not (
                (type(sheet) is int and 1 <= sheet <= 1000)
                or (isinstance(sheet, str) and 0 < len(sheet) <= 100)):
            messages.append(tk._(
                "The sheet is a name or a number counted from 1."))
    if messages:
        raise DialectError(messages)
    try:
        report = frictionless.Dialect.validate_descriptor(value)
    except RecursionError:
        raise DialectError([tk._("The reading options are nested too "
                                 "deeply.")])
    if not report.valid:
        raise DialectError(
            tk._("Not a valid dialect: {note}").format(note=error.note)
            for error in report.errors)
    return value


def check_encoding(value: Any) -> Optional[str]:
    """A text encoding Python knows, by its name; None for automatic."""
    if value is None or value is tk.missing or value == "":
        return None
    if not isinstance(value, str) or len(value) > 40 or inputs.problem(value):
        raise DialectError([tk._("Unknown text encoding.")])
    try:
        info = codecs.lookup(value.strip())
    except (LookupError, ValueError):
        raise DialectError([tk._("Unknown text encoding: {name}").format(
            name=value)])
    if value.strip().lower().replace("_", "-") in ("rot-13", "rot13"):
        raise DialectError([tk._("Unknown text encoding: {name}").format(
            name=value)])
    # only encodings of text files: not base64, zlib, idna, undefined and
    # their kind (ENCODINGS and the common Latin and Unicode ones)
    if info.name not in READABLE_CODECS:
        raise DialectError([tk._("Unknown text encoding: {name}").format(
            name=value)])
    return value.strip().lower()


def detect_encoding(path: str) -> str:
    """The encoding of a text file: a byte-order mark says it; otherwise
    UTF-8 if the whole file decodes as UTF-8, UTF-16 if every other byte of
    the start is NUL, and else Windows-1252 (what Excel on an Indonesian
    Windows saves as "CSV")."""
    with open(path, "rb") as f:
        start = f.read(4)
        if start.startswith(codecs.BOM_UTF8):
            return "utf-8-sig"
        if start.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
            return "utf-32"
        if start.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            return "utf-16"
        f.seek(0)
        sample = f.read(4096)
        if len(sample) >= 4:
            odd, even = sample[1::2], sample[0::2]
            if odd.count(0) > 0.9 * len(odd) and even.count(0) == 0:
                return "utf-16-le"
            if even.count(0) > 0.9 * len(even) and odd.count(0) == 0:
                return "utf-16-be"
        f.seek(0)
        decoder = codecs.getincrementaldecoder("utf-8")()
        try:
            while chunk := f.read(SAMPLE_BYTES):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return "windows-1252"
    return "utf-8"


def sample_text(path: str, encoding: str) -> str:
    """The start of a text file, whole lines only."""
    with open(path, "rb") as f:
        raw = f.read(SAMPLE_BYTES)
    text = raw.decode(encoding, "replace")
    if len(raw) == SAMPLE_BYTES and "\n" in text:
        text = text[:text.rindex("\n") + 1]
    return text


def sniff_delimiter(text: str) -> str:
    """The field separator of CSV ``text``: the one of ``,;\\t|`` that
    splits the first lines into the same, largest number of fields."""
    lines = [line for line in text.splitlines()[:HEADER_SCAN_ROWS] if line]
    best, best_score = ",", (0, 0)
    for delimiter in CSV_DELIMITERS:
        counts = [len(row) for row in csv.reader(lines, delimiter=delimiter)]
        if not counts:
            continue
        widest = max(counts)
        score = (sum(1 for c in counts if c == widest and c > 1), widest)
        if score > best_score:
            best, best_score = delimiter, score
    return best


def raw_rows(path: str, format: str, encoding: Optional[str],
             dialect: Optional[dict[str, Any]] = None,
             size: int = HEADER_SCAN_ROWS) -> list[list[Any]]:
    """The first ``size`` rows of the table as they are in the file, with
    no header taken and merged cells left empty."""
    descriptor = {key: value for key, value in (dialect or {}).items()
                  if key in CONTROL_KEYS}
    for control in ("excel",):
        if control in descriptor:
            descriptor[control] = dict(descriptor[control],
                                       fillMergedCells=False)
    descriptor["header"] = False
    with frictionless.system.use_context(trusted=True):
        resource = frictionless.resources.TableResource(
            path=path, format=format, encoding=encoding,
            dialect=frictionless.Dialect.from_descriptor(descriptor))
        with resource:
            rows = []
            for cells in resource.cell_stream:
                rows.append(list(cells))
                if len(rows) >= size:
                    break
    return rows


def infer_dialect(path: str, format: str,
                  encoding: Optional[str] = None) -> dict[str, Any]:
    """A starting dialect for the table in ``path``: the delimiter of a CSV
    file and the header row(s) under any title rows (empty when the file
    is plain: header in row 1, commas)."""
    dialect: dict[str, Any] = {}
    if format in ("csv", "tsv"):
        text = sample_text(path, encoding or detect_encoding(path))
        delimiter = sniff_delimiter(text) if format == "csv" else "\t"
        if format == "csv" and delimiter != ",":
            dialect["csv"] = {"delimiter": delimiter}
        # Python's csv module: frictionless' time grows with the columns
        try:
            rows: list[list[Any]] = list(itertools.islice(
                csv.reader(io.StringIO(text, newline=""),
                           delimiter=delimiter), HEADER_SCAN_ROWS))
        except csv.Error:
            return dialect  # frictionless will say what is wrong
    else:
        try:
            rows = raw_rows(path, format, encoding, dialect)
        except frictionless.FrictionlessException:
            return dialect
    header = header_rows(rows)
    if header != [1]:
        dialect["headerRows"] = header
        if len(header) > 1:
            dialect["headerJoin"] = " "
            if format in ("xlsx", "xls"):
                dialect["excel"] = {"fillMergedCells": True}
    return dialect


def header_rows(rows: list[list[Any]]) -> list[int]:
    """The header row numbers (from 1) among the first rows of a table.

    The header is the first row that fills most of the table's width with
    text; title rows above it fill one or two cells. The row under it is
    part of the header too when it holds only text and puts some under a
    cell the first header row leaves empty (a merged cell above, as
    *Jenis Kelamin* over *L* and *P*), and numbers follow.
    """
    filled = [[not _blank(cell) for cell in row] for row in rows]
    width = max((sum(row) for row in filled), default=0)
    threshold = max(1, -(-width * 6 // 10))  # 60 % of the width, rounded up
    for index, row in enumerate(rows):
        if sum(filled[index]) < threshold:
            continue  # a title, a table number, a blank line
        header = [index + 1]
        if index + 2 < len(rows):
            below, after = rows[index + 1], rows[index + 2]
            texts = [cell for cell in below if not _blank(cell)]
            under_gap = any(
                not _blank(cell) and (j >= len(row) or _blank(row[j]))
                for j, cell in enumerate(below))
            if texts and under_gap and not any(_numeric(c) for c in texts) \
                    and any(_numeric(c) for c in after if not _blank(c)):
                header.append(index + 2)
        return header
    return [1]


def _blank(cell: Any) -> bool:
    return cell is None or (isinstance(cell, str) and not cell.strip())


def _numeric(cell: Any) -> bool:
    if isinstance(cell, bool):
        return False
    if isinstance(cell, (int, float)):
        return True
    return isinstance(cell, str) and bool(_NUMBER.match(cell.strip())) \
        and any(ch.isdigit() for ch in cell)


DIALECT_FORM_KEY = re.compile(r"^dialect-(headerRows|sheet|delimiter)$")
DELIMITER_CHOICES = {"": None, "comma": ",", "semicolon": ";", "tab": "\t",
                     "pipe": "|"}


def pop_dialect_form(resource: dict[str, Any]) -> bool:
    """Read the resource form's reading options into ``resource["dialect"]``.

    The form posts the stored dialect as JSON in ``dialect`` (keeping what
    it does not show) and ``dialect-headerRows`` ("3" or "3, 4"),
    ``dialect-sheet`` (a name or a number) and ``dialect-delimiter`` (a
    name of :data:`DELIMITER_CHOICES`). Text that is not a row number is
    kept, for the validator to explain. Returns whether there were any."""
    posted: dict[str, str] = {}
    for key in [k for k in resource if isinstance(k, str)]:
        match = DIALECT_FORM_KEY.match(key)
        if match:
            value = resource.pop(key)
            posted[match.group(1)] = value.strip() if isinstance(
                value, str) else ""
    if not posted:
        return False
    dialect = _object(resource.get("dialect"))
    if "headerRows" in posted:
        text = posted["headerRows"]
        parts = [p.strip() for p in re.split(r"[,\s]+", text) if p.strip()]
        if not parts:
            dialect.pop("headerRows", None)
            dialect.pop("headerJoin", None)
        elif all(p.isdigit() and len(p) <= 6 for p in parts):
            dialect["headerRows"] = [int(p) for p in parts]
            if len(parts) > 1:
                dialect.setdefault("headerJoin", " ")
        else:
            dialect["headerRows"] = text
    if "sheet" in posted:
        sheet: Any = posted["sheet"]
        if sheet.isdigit() and len(sheet) <= 4:
            sheet = int(sheet)
        for control in ("excel", "ods"):
            options = dict(dialect.get(control) or {}) if isinstance(
                dialect.get(control), dict) else {}
            if sheet == "":
                options.pop("sheet", None)
            else:
                options["sheet"] = sheet
            if options:
                dialect[control] = options
            else:
                dialect.pop(control, None)
    if "delimiter" in posted:
        choice = posted["delimiter"]
        delimiter = DELIMITER_CHOICES.get(choice, choice)
        options = dict(dialect.get("csv") or {}) if isinstance(
            dialect.get("csv"), dict) else {}
        if delimiter:
            options["delimiter"] = delimiter
        else:
            options.pop("delimiter", None)
        if options:
            dialect["csv"] = options
        else:
            dialect.pop("csv", None)
    resource["dialect"] = dialect or ""
    return True


def form_values(dialect: Any) -> dict[str, str]:
    """The reading options as the form shows them."""
    found = _object(dialect)
    rows = found.get("headerRows")
    sheet = (found.get("excel") or found.get("ods") or {}) if isinstance(
        found.get("excel") or found.get("ods") or {}, dict) else {}
    delimiter = (found.get("csv") or {}).get("delimiter") if isinstance(
        found.get("csv"), dict) else None
    names = {v: k for k, v in DELIMITER_CHOICES.items() if v}
    return {
        "headerRows": ", ".join(str(r) for r in rows)
        if isinstance(rows, list) else (rows or ""),
        "sheet": str(sheet.get("sheet", "")),
        "delimiter": names.get(delimiter, delimiter or ""),
    }


def _object(value: Any) -> dict[str, Any]:
    if isinstance(value, str):
        try:
            value = json.loads(value) if value.strip() else {}
        except (ValueError, RecursionError):
            value = {}
    return dict(value) if isinstance(value, dict) else {}
