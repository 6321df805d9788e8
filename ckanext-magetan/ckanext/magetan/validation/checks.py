"""Statistical checks on top of frictionless' own.

Each checker reads a table row by row as typed values and reports
frictionless errors, so that its findings sit in the same report, in the
same layout, as a type error:

* ``magetan-codelist``: a kecamatan or desa code or name that does not
  exist (a column points at a code system with its ``codelist`` property);
* ``magetan-code-name``: a code and a name on one row naming two places;
* ``magetan-period``: a period outside the dataset's reference period;
* ``magetan-negative``: a negative value of a unit that cannot be negative;
* ``magetan-total``: a total row that is not the sum of its parts;

and, as warnings that do not fail, a jump from one period to the next
beyond a threshold and periods of the reference period missing from the
data (docs/validation.md).
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field as dataclass_field
from decimal import Decimal
from typing import Any, Iterable, Iterator, Optional

import attrs
import frictionless
from frictionless import errors as fl_errors

from ckanext.magetan import codelists

# Labels of a total row, compared without case; a row whose label starts
# with one of the words is a subtotal, left out of the parts. "Magetan"
# alone is not one: it is also the name of a kecamatan.
TOTAL_LABELS = ("jumlah", "total", "jumlah total", "total keseluruhan",
                "kabupaten magetan", "kab. magetan", "kab magetan")
SUBTOTAL_WORDS = ("jumlah", "total", "sub total", "subtotal")
PERIOD_TYPES = ("year", "yearmonth", "date", "datetime")
PERIOD_NAMES = ("tahun", "year", "periode", "period")
NUMERIC_TYPES = ("integer", "number")
# A checker stops remembering groups or series beyond this many, so that
# its memory stays flat on any table (and says so in a warning).
MAX_TRACKED = 100_000
MAX_WARNINGS = 200
_YEAR = re.compile(r"\d{4}")


@attrs.define(kw_only=True, repr=False)
class CodeListError(fl_errors.CellError):
    type = "magetan-codelist"
    title = "Unknown Code"
    description = "The value is not in the code list the column points at."
    template = ('The cell "{cell}" in row "{rowNumber}" and field '
                '"{fieldName}" is not in the code list: {note}')


@attrs.define(kw_only=True, repr=False)
class CodeNameError(fl_errors.CellError):
    type = "magetan-code-name"
    title = "Code and Name Disagree"
    description = "The code and the name on this row name different places."
    template = ('The cell "{cell}" in row "{rowNumber}" and field '
                '"{fieldName}" does not match the code: {note}')


@attrs.define(kw_only=True, repr=False)
class PeriodError(fl_errors.CellError):
    type = "magetan-period"
    title = "Period Outside the Reference Period"
    description = "The period is outside the dataset's reference period."
    template = ('The cell "{cell}" in row "{rowNumber}" and field '
                '"{fieldName}" is outside the reference period: {note}')


@attrs.define(kw_only=True, repr=False)
class NegativeError(fl_errors.CellError):
    type = "magetan-negative"
    title = "Negative Value"
    description = "The unit of this column cannot be negative."
    template = ('The cell "{cell}" in row "{rowNumber}" and field '
                '"{fieldName}" is negative: {note}')


@attrs.define(kw_only=True, repr=False)
class TotalError(fl_errors.CellError):
    type = "magetan-total"
    title = "Total Does Not Add Up"
    description = "A total row must equal the sum of the rows it totals."
    template = ('The cell "{cell}" in row "{rowNumber}" and field '
                '"{fieldName}" is not the sum of its parts: {note}')


ERRORS = (CodeListError, CodeNameError, PeriodError, NegativeError,
          TotalError)


@dataclass
class Warning:
    """A finding that does not fail the table."""

    type: str  # magetan-jump, magetan-missing-period, magetan-untracked
    note: str
    row_number: Optional[int] = None
    field_name: Optional[str] = None
    params: dict[str, Any] = dataclass_field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {"type": self.type, "note": self.note,
                "rowNumber": self.row_number, "fieldName": self.field_name,
                "params": self.params}


@dataclass
class Context:
    """What the checks know of the dataset: its reference period and
    unit, and the jump threshold (a fraction: 0.5 is 50 %)."""

    reference_period: Optional[str] = None
    unit: Optional[str] = None
    jump_threshold: float = 0.5
    jump_min_value: float = 10.0


@dataclass
class Column:
    name: str
    number: int  # from 1
    type: str
    codelist: Optional[str]
    unit: Optional[dict[str, str]]
    period: bool


def period_bounds(text: Optional[str]) -> Optional[tuple[dt.date, dt.date]]:
    """The first and last day of a reference period (2024, 2024-S1,
    2024-Q3, 2024-05, 2020-2024), or None when it says none."""
    if not text:
        return None
    text = text.strip()
    match = re.fullmatch(r"(\d{4})\s*[-–]\s*(\d{4})", text)
    if match:
        return (dt.date(int(match[1]), 1, 1), dt.date(int(match[2]), 12, 31))
    match = re.fullmatch(r"(\d{4})(?:-(S[12]|Q[1-4]|\d{2}))?", text)
    if not match:
        return None
    year, part = int(match[1]), match[2]
    if part is None:
        return dt.date(year, 1, 1), dt.date(year, 12, 31)
    if part.startswith("S"):
        first, months = (int(part[1]) - 1) * 6 + 1, 6
    elif part.startswith("Q"):
        first, months = (int(part[1]) - 1) * 3 + 1, 3
    else:
        first, months = int(part), 1
    if not 1 <= first <= 12:
        return None
    last_month = first + months - 1
    last = (dt.date(year + last_month // 12, last_month % 12 + 1, 1)
            - dt.timedelta(days=1))
    return dt.date(year, first, 1), last


def columns(schema: frictionless.Schema) -> list[Column]:
    """The schema's columns as the checks see them."""
    found = []
    for number, fld in enumerate(schema.fields, 1):
        custom = fld.custom or {}
        codelist = custom.get("codelist")
        if codelist not in codelists.CODE_SYSTEMS:
            codelist = None
        period = fld.type in PERIOD_TYPES or (
            fld.type == "integer" and fld.name.strip().lower() in PERIOD_NAMES)
        found.append(Column(
            name=fld.name, number=number, type=fld.type, codelist=codelist,
            unit=codelists.unit(custom.get("unit")), period=period))
    return found


class Checker:
    """One statistical check over the rows of a table."""

    def __init__(self, cols: list[Column], context: Context):
        self.columns = cols
        self.context = context
        self.warnings: list[Warning] = []

    def row(self, number: int, values: dict[str, Any],
            cells: list[str]) -> Iterator[fl_errors.Error]:
        return iter(())

    def end(self) -> Iterator[fl_errors.Error]:
        return iter(())

    def warn(self, warning: Warning) -> None:
        if len(self.warnings) < MAX_WARNINGS:
            self.warnings.append(warning)


def _error(cls: type, column: Column, number: int, value: Any,
           cells: list[str], note: str) -> fl_errors.Error:
    return cls(note=note, cells=cells, row_number=number,
               cell="" if value is None else str(value),
               field_name=column.name, field_number=column.number)


def is_total_label(value: Any) -> bool:
    return isinstance(value, str) and \
        " ".join(value.split()).lower() in TOTAL_LABELS


def is_subtotal_label(value: Any) -> bool:
    if not isinstance(value, str):
        return False
    text = " ".join(value.split()).lower()
    return any(text == word or text.startswith(word + " ")
               for word in SUBTOTAL_WORDS)


class CodeLists(Checker):
    """Codes and names that exist, and codes and names that agree."""

    def __init__(self, cols: list[Column], context: Context):
        super().__init__(cols, context)
        self.coded = [c for c in cols if c.codelist]
        # per place kind, the code column and the name column of a row
        self.pairs = []
        for kind in ("kecamatan", "desa"):
            codes = [c for c in self.coded
                     if c.codelist.split(":")[0] == kind
                     and not c.codelist.endswith(":nama")]
            names = [c for c in self.coded if c.codelist == f"{kind}:nama"]
            if codes and names:
                self.pairs.append((codes[0], names[0]))

    def row(self, number: int, values: dict[str, Any],
            cells: list[str]) -> Iterator[fl_errors.Error]:
        found = {}
        for column in self.coded:
            value = values.get(column.name)
            if value is None or (isinstance(value, str) and not value.strip()):
                continue
            if is_total_label(value) or is_subtotal_label(value):
                continue
            entry = codelists.lookup(column.codelist, value)
            if entry is None:
                yield _error(CodeListError, column, number, value, cells,
                             f'no {column.codelist} has "{value}"')
            else:
                found[column.name] = entry
        for code_column, name_column in self.pairs:
            coded, named = found.get(code_column.name), found.get(
                name_column.name)
            if coded and named and coded["name"] != named["name"] and \
                    codelists.normalize_name(coded["name"]) != \
                    codelists.normalize_name(values[name_column.name]):
                yield _error(CodeNameError, name_column, number,
                             values[name_column.name], cells,
                             f'{values[code_column.name]} is '
                             f'{coded["name"]}')


class Periods(Checker):
    """Periods inside the dataset's reference period; periods of it that the
    data does not have are a warning."""

    def __init__(self, cols: list[Column], context: Context):
        super().__init__(cols, context)
        self.bounds = period_bounds(context.reference_period)
        self.periods = [c for c in cols if c.period] if self.bounds else []
        self.years: set[int] = set()

    def row(self, number: int, values: dict[str, Any],
            cells: list[str]) -> Iterator[fl_errors.Error]:
        for column in self.periods:
            value = values.get(column.name)
            day = _day(value)
            if day is None:
                continue
            assert self.bounds is not None
            first, last = self.bounds
            if column.type in ("year", "integer"):
                inside = first.year <= day.year <= last.year
            elif column.type == "yearmonth":
                inside = (first.year, first.month) <= (day.year, day.month) \
                    <= (last.year, last.month)
            else:
                inside = first <= day <= last
            if not inside:
                yield _error(PeriodError, column, number, value, cells,
                             f"the reference period is "
                             f"{self.context.reference_period}")
            else:
                self.years.add(day.year)

    def end(self) -> Iterator[fl_errors.Error]:
        if self.periods and self.years and self.bounds:
            first, last = self.bounds
            missing = [y for y in range(first.year, last.year + 1)
                       if y not in self.years]
            if missing:
                self.warn(Warning(
                    type="magetan-missing-period",
                    note="years of the reference period without data: "
                         + ", ".join(map(str, missing)),
                    params={"years": missing}))
        return iter(())


def _day(value: Any) -> Optional[dt.date]:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, int):
        return dt.date(value, 1, 1) if 1 <= value <= 9999 else None
    if isinstance(value, (list, tuple)) and len(value) == 2:  # yearmonth
        try:
            return dt.date(int(value[0]), int(value[1]), 1)
        except (TypeError, ValueError):
            return None
    return None


def _is_measure(column: Column) -> bool:
    return column.type in NUMERIC_TYPES and not column.period \
        and not column.codelist


def units(cols: list[Column],
          context: Context) -> list[tuple[Column, Optional[dict[str, str]]]]:
    """The measure columns (numeric, not periods or codes) with their unit:
    their own, else the dataset's when the table has one measure only (a
    population table with growth rates and densities beside the counts
    must not take the counts' unit for them)."""
    found = [c for c in cols if _is_measure(c)]
    fallback = codelists.unit(context.unit) if len(found) == 1 else None
    return [(column, column.unit or fallback) for column in found]


class NonNegative(Checker):
    """Values of a unit that cannot be negative (counts, areas, rates)."""

    def __init__(self, cols: list[Column], context: Context):
        super().__init__(cols, context)
        self.checked = [(column, unit) for column, unit in units(cols, context)
                        if unit and unit.get("nonnegative") == "yes"]

    def row(self, number: int, values: dict[str, Any],
            cells: list[str]) -> Iterator[fl_errors.Error]:
        for column, unit in self.checked:
            value = _decimal(values.get(column.name))
            if value is not None and value < 0:
                yield _error(NegativeError, column, number, value, cells,
                             f'the unit "{unit["label_id"]}" cannot be '
                             "negative")


def measures(cols: list[Column], context: Context,
             additive_only: bool) -> list[Column]:
    """The numeric columns that hold values (not periods or codes); with
    ``additive_only``, those of a unit that adds up."""
    return [column for column, unit in units(cols, context)
            if not additive_only or (unit and unit.get("additive") == "yes")]


class Totals(Checker):
    """A row labelled *Jumlah* (or *Total*, *Kabupaten Magetan*) equals the
    sum of the other rows of its period, for each column of a unit that
    adds up (persons, cases, hectares; not percentages or rates)."""

    def __init__(self, cols: list[Column], context: Context):
        super().__init__(cols, context)
        self.labels = [c for c in cols if c.type in ("string", "any")]
        self.periods = [c for c in cols if c.period]
        self.sums = measures(cols, context, additive_only=True)
        # group (the period values) -> sums, part count, total rows
        self.groups: dict[tuple, dict[str, Any]] = {}
        self.overflow = False

    def row(self, number: int, values: dict[str, Any],
            cells: list[str]) -> Iterator[fl_errors.Error]:
        if not self.sums or not self.labels:
            return iter(())
        key = tuple(str(values.get(c.name)) for c in self.periods)
        group = self.groups.get(key)
        if group is None:
            if len(self.groups) >= MAX_TRACKED:
                self.overflow = True
                return iter(())
            group = self.groups[key] = {"sums": {}, "digits": {},
                                        "parts": 0, "totals": []}
        marks = [values.get(c.name) for c in self.labels]
        if any(is_total_label(v) for v in marks):
            if len(group["totals"]) < 10:
                group["totals"].append((number, dict(values), cells))
            return iter(())
        if any(is_subtotal_label(v) for v in marks):
            return iter(())
        group["parts"] += 1
        for column in self.sums:
            value = _decimal(values.get(column.name))
            if value is not None:
                group["sums"][column.name] = group["sums"].get(
                    column.name, Decimal(0)) + value
                exponent = value.as_tuple().exponent
                digits = -exponent if isinstance(exponent, int) and \
                    exponent < 0 else 0
                group["digits"][column.name] = max(
                    digits, group["digits"].get(column.name, 0))
        return iter(())

    def end(self) -> Iterator[fl_errors.Error]:
        if self.overflow:
            self.warn(Warning(type="magetan-untracked",
                              note="too many periods to check totals"))
        for group in self.groups.values():
            if len(group["totals"]) != 1 or not group["parts"]:
                continue
            number, values, cells = group["totals"][0]
            for column in self.sums:
                total = _decimal(values.get(column.name))
                if total is None:
                    continue
                parts = group["sums"].get(column.name, Decimal(0))
                digits = group["digits"].get(column.name, 0)
                tolerance = Decimal(group["parts"]) * Decimal(5).scaleb(
                    -digits - 1) if digits else Decimal(0)
                if abs(Decimal(str(total)) - parts) > tolerance:
                    yield _error(TotalError, column, number, total, cells,
                                 f"the other rows add up to {parts}")


class Jumps(Checker):
    """A value that moves from one period to the next by more than the
    threshold (50 % unless configured) is a warning: a typing error, or a
    change that needs a word in the notes."""

    def __init__(self, cols: list[Column], context: Context):
        super().__init__(cols, context)
        periods = [c for c in cols if c.period]
        self.period = periods[0] if len(periods) == 1 else None
        self.values = measures(cols, context, additive_only=False)
        self.keys = [c for c in cols if c is not self.period
                     and c not in self.values and not c.period]
        self.series: dict[tuple, dict[Any, tuple[int, dict[str, Any]]]] = {}
        self.overflow = False

    def row(self, number: int, values: dict[str, Any],
            cells: list[str]) -> Iterator[fl_errors.Error]:
        if self.period is None or not self.values:
            return iter(())
        when = _day(values.get(self.period.name))
        if when is None:
            return iter(())
        key = tuple(str(values.get(c.name)) for c in self.keys)
        series = self.series.get(key)
        if series is None:
            if len(self.series) >= MAX_TRACKED:
                self.overflow = True
                return iter(())
            series = self.series[key] = {}
        series.setdefault(when, (number, {
            c.name: values.get(c.name) for c in self.values}))
        return iter(())

    def end(self) -> Iterator[fl_errors.Error]:
        if self.overflow:
            self.warn(Warning(type="magetan-untracked",
                              note="too many series to compare periods"))
        threshold = Decimal(str(self.context.jump_threshold))
        floor = Decimal(str(self.context.jump_min_value))
        for series in self.series.values():
            ordered = sorted(series.items())
            for (before, (_, old)), (after, (number, new)) in zip(
                    ordered, ordered[1:]):
                for column in self.values:
                    a, b = _decimal(old.get(column.name)), _decimal(
                        new.get(column.name))
                    if a is None or b is None or a == 0:
                        continue
                    if abs(a) < floor and abs(b) < floor:
                        continue
                    change = (b - a) / abs(a)
                    if abs(change) > threshold:
                        self.warn(Warning(
                            type="magetan-jump",
                            note=f"{column.name} moves from {a} to {b} "
                                 f"({change:+.0%})",
                            row_number=number, field_name=column.name,
                            params={"previous": str(a), "value": str(b),
                                    "change": float(change),
                                    "from": _period_text(before),
                                    "to": _period_text(after)}))
        return iter(())


def _decimal(value: Any) -> Optional[Decimal]:
    """A numeric cell as a Decimal; None for other cells and for NaN and
    infinities (frictionless reads "NaN" and "inf" as numbers)."""
    if isinstance(value, bool) or not isinstance(value, (int, float, Decimal)):
        return None
    number = Decimal(str(value))
    return number if number.is_finite() else None


def _period_text(day: dt.date) -> str:
    return str(day.year) if (day.month, day.day) == (1, 1) else day.isoformat()


CHECKERS = (CodeLists, Periods, NonNegative, Totals, Jumps)


def checkers(schema: frictionless.Schema, context: Context) -> list[Checker]:
    cols = columns(schema)
    return [cls(cols, context) for cls in CHECKERS]


@attrs.define(kw_only=True, repr=False)
class magetan_statistics(frictionless.Check):
    """The statistical checks as one frictionless check."""

    type = "magetan-statistics"
    Errors = list(ERRORS)

    context: Context = attrs.field(factory=Context)
    running: list[Checker] = attrs.field(factory=list)

    def validate_start(self) -> Iterable[fl_errors.Error]:
        self.running = checkers(self.resource.schema, self.context)
        return []

    def validate_row(self, row: Any) -> Iterable[fl_errors.Error]:
        values = row.to_dict()
        cells = ["" if v is None else str(v) for v in row.cells]
        for checker in self.running:
            yield from checker.row(row.row_number, values, cells)

    def validate_end(self) -> Iterable[fl_errors.Error]:
        for checker in self.running:
            yield from checker.end()

    @property
    def warnings(self) -> list[Warning]:
        return [w for checker in self.running for w in checker.warnings]

    metadata_profile_patch = {"properties": {}}
