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
import functools
import itertools
import re
from dataclasses import dataclass, field as dataclass_field
from decimal import Decimal
from typing import Any, Callable, Optional

import attrs
import frictionless
from frictionless import errors as fl_errors

from ckanext.magetan import codelists

# Labels of a total row, compared without case; a row whose label starts
# with one of the words is a subtotal, left out of the parts.
TOTAL_LABELS = ("jumlah", "total", "jumlah total", "total keseluruhan")
# The regency's name labels a total too, of its kecamatan or desa: in a
# table comparing it with the province and Indonesia (another row names a
# region outside it) it is one row among others. ("Magetan" alone is not
# one: it is also the name of a kecamatan.)
REGENCY_LABELS = ("kabupaten magetan", "kab. magetan", "kab magetan")
OUTSIDE_REGION = re.compile(
    r"^(?:provinsi|prov\.?|jawa timur|jatim|indonesia|nasional|kabupaten|"
    r"kab\.?|kota|kotamadya)(?:\s|$)")
SUBTOTAL_WORDS = ("jumlah", "total", "sub total", "subtotal")
# The code lists the checks read: a result is out of date when one changes.
REFERENCE_LISTS = ("kecamatan", "desa", "satuan")
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


_SKIP = object()
_MISS = object()

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


# What a check of one cell finds: the error class and its note.
Finding = tuple[type, str]
CellCheck = Callable[[Any], Optional[Finding]]


class Checker:
    """One statistical check over a table.

    A check of single values gives, per column, a function of the typed
    value (``cell_checks``): it runs once per distinct cell, since the
    reader remembers its result with the cell's. A check across a row
    (``takes_rows``) has ``rows`` called with batches of rows: their
    numbers, the typed values of each column (by field name) and their
    cells; it returns their errors. ``end`` returns what is found at the
    end. A checker with nothing to check in a table is not ``active``."""

    takes_rows = False

    def __init__(self, cols: list[Column], context: Context):
        self.columns = cols
        self.context = context
        self.warnings: list[Warning] = []

    @property
    def active(self) -> bool:
        return True

    def cell_checks(self) -> dict[str, CellCheck]:
        return {}

    def rows(self, numbers: list[int], columns: dict[str, list[Any]],
             cells: list[list[Any]]) -> list[fl_errors.Error]:
        return []

    def end(self) -> list[fl_errors.Error]:
        return []

    def warn(self, warning: Warning) -> None:
        if len(self.warnings) < MAX_WARNINGS:
            self.warnings.append(warning)


def cell_error(cls: type, name: str, number: int, field_number: int,
               value: Any, cells: list[Any], note: str) -> fl_errors.Error:
    """A cell error as frictionless makes them."""
    return cls(note=note, cells=["" if c is None else str(c) for c in cells],
               row_number=number, cell="" if value is None else str(value),
               field_name=name, field_number=field_number)


def _error(cls: type, column: Column, number: int, value: Any,
           cells: list[Any], note: str) -> fl_errors.Error:
    return cell_error(cls, column.name, number, column.number, value, cells,
                      note)


def is_total_label(value: Any) -> bool:
    return isinstance(value, str) and \
        _label_kind(value) in ("total", "regency")


def is_subtotal_label(value: Any) -> bool:
    return isinstance(value, str) and _label_kind(value) == "subtotal"


@functools.lru_cache(maxsize=4096)
def _label_kind(value: str) -> Optional[str]:
    """"total", "regency" (a total of its places), "subtotal" or None for
    a label (a table repeats a few)."""
    text = " ".join(value.split()).lower()
    if text in TOTAL_LABELS:
        return "total"
    if text in REGENCY_LABELS:
        return "regency"
    if any(text == word or text.startswith(word + " ")
           for word in SUBTOTAL_WORDS):
        return "subtotal"
    return None


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
        # per column, value -> its entry (None: not in the list; SKIP: a
        # blank or a total's label); a column repeats few values
        self.memory: dict[str, dict[Any, Any]] = {
            c.name: {} for c in self.coded}
        # per pair, (code, name) -> what is wrong, or None
        self.pair_notes: list[dict[Any, Optional[str]]] = [
            {} for _ in self.pairs]

    @property
    def active(self) -> bool:
        return bool(self.coded)

    @property
    def takes_rows(self) -> bool:  # type: ignore[override]
        return bool(self.pairs)

    def cell_checks(self) -> dict[str, CellCheck]:
        def check(column: Column) -> CellCheck:
            def known(value: Any) -> Optional[Finding]:
                if self._entry(column, value) is None:
                    return CodeListError, \
                        f'no {column.codelist} has "{value}"'
                return None
            return known
        return {column.name: check(column) for column in self.coded}

    def _entry(self, column: Column, value: Any) -> Any:
        memory = self.memory[column.name]
        try:
            return memory[value]
        except KeyError:
            pass
        except TypeError:  # an unhashable value (an array, an object)
            return None
        if value is None or (isinstance(value, str) and not value.strip()) \
                or is_total_label(value) or is_subtotal_label(value):
            entry = _SKIP
        else:
            entry = codelists.lookup(column.codelist, value)
        if len(memory) < MAX_TRACKED:
            memory[value] = entry
        return entry

    def rows(self, numbers: list[int], columns: dict[str, list[Any]],
             cells: list[list[Any]]) -> list[fl_errors.Error]:
        errors = []
        for pair, (code_column, name_column) in enumerate(self.pairs):
            codes = columns.get(code_column.name)
            names = columns.get(name_column.name)
            if codes is None or names is None:
                continue
            notes = _mapped(self.pair_notes[pair], list(zip(codes, names)),
                            lambda values, columns=(code_column, name_column):
                            self._disagreement(*columns, *values))
            for row, note in enumerate(notes):
                if note is not None:
                    errors.append(_error(CodeNameError, name_column,
                                         numbers[row], names[row],
                                         cells[row], note))
        return errors

    def _disagreement(self, code_column: Column, name_column: Column,
                      code: Any, name: Any) -> Optional[str]:
        """What is wrong when a code and a name name different places."""
        coded = self._entry(code_column, code)
        named = self._entry(name_column, name)
        if coded and named and coded is not _SKIP and named is not _SKIP \
                and coded["name"] != named["name"] and \
                codelists.normalize_name(coded["name"]) != \
                codelists.normalize_name(name):
            return f'{code} is {coded["name"]}'
        return None


class Periods(Checker):
    """Periods inside the dataset's reference period; periods of it that the
    data does not have are a warning."""

    def __init__(self, cols: list[Column], context: Context):
        super().__init__(cols, context)
        self.bounds = period_bounds(context.reference_period)
        self.periods = [c for c in cols if c.period] if self.bounds else []
        self.years: set[int] = set()

    @property
    def active(self) -> bool:
        return bool(self.periods)

    def _inside(self, column: Column, value: Any) -> Optional[int]:
        """The year of a period value inside the reference period; 0 for a
        value that is no period (a blank), None for one outside."""
        day = _day(value)
        if day is None:
            return 0
        assert self.bounds is not None
        first, last = self.bounds
        if column.type in ("year", "integer"):
            inside = first.year <= day.year <= last.year
        elif column.type == "yearmonth":
            inside = (first.year, first.month) <= (day.year, day.month) \
                <= (last.year, last.month)
        else:
            inside = first <= day <= last
        return day.year if inside else None

    def cell_checks(self) -> dict[str, CellCheck]:
        def check(column: Column) -> CellCheck:
            def inside(value: Any) -> Optional[Finding]:
                year = self._inside(column, value)
                if year is None:
                    return PeriodError, f"the reference period is " \
                        f"{self.context.reference_period}"
                if year:
                    self.years.add(year)
                return None
            return inside
        return {column.name: check(column) for column in self.periods}

    def end(self) -> list[fl_errors.Error]:
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
        return []


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

    @property
    def active(self) -> bool:
        return bool(self.checked)

    def cell_checks(self) -> dict[str, CellCheck]:
        def check(unit: dict[str, str]) -> CellCheck:
            def nonnegative(value: Any) -> Optional[Finding]:
                if type(value) is int and value >= 0:
                    return None
                number = _decimal(value)
                if number is not None and number < 0:
                    return NegativeError, \
                        f'the unit "{unit["label_id"]}" cannot be negative'
                return None
            return nonnegative
        return {column.name: check(unit) for column, unit in self.checked}


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

    takes_rows = True

    def __init__(self, cols: list[Column], context: Context):
        super().__init__(cols, context)
        self.labels = [c for c in cols if c.type in ("string", "any")]
        self.periods = [c for c in cols if c.period]
        self.sums = measures(cols, context, additive_only=True)
        self.period_names = [c.name for c in self.periods]
        self.label_names = [c.name for c in self.labels]
        self.sum_names = [c.name for c in self.sums]
        # group (the period values) -> sums, part count, total rows, and
        # whether a part is no place of the regency
        self.groups: dict[tuple, dict[str, Any]] = {}
        self.places: dict[Any, bool] = {}
        self.kinds: dict[Any, Optional[str]] = {}
        self.overflow = False

    @property
    def active(self) -> bool:
        return bool(self.sums and self.labels)

    def rows(self, numbers: list[int], columns: dict[str, list[Any]],
             cells: list[list[Any]]) -> list[fl_errors.Error]:
        count = len(numbers)
        absent = [None] * count
        keys = _keys([columns.get(n, absent) for n in self.period_names],
                     count)
        labels = [columns.get(n, absent) for n in self.label_names]
        kinds = [_mapped(self.kinds, column, _text_kind) for column in labels]
        marked = list(map(any, zip(*kinds))) if kinds else [False] * count
        outside = [_mapped(self.places, column, self._outside)
                   for column in labels]
        away = list(map(any, zip(*outside))) if outside else [False] * count
        sums = [(name, columns.get(name, absent)) for name in self.sum_names]
        if not any(marked) and len(set(keys)) == 1:
            # one period and no totals in the batch: summed by column
            group = self._group(keys[0])
            if group is not None:
                self._add(group, count, any(away), sums)
            return []
        for row, key in enumerate(keys):
            group = self._group(key)
            if group is None:
                continue
            if marked[row]:
                row_kinds = [k[row] for k in kinds]
                kind = "total" if "total" in row_kinds else \
                    "regency" if "regency" in row_kinds else None
                if kind and len(group["totals"]) < 10:
                    group["totals"].append((numbers[row], {
                        name: column[row] for name, column in
                        columns.items()}, cells[row], kind))
                continue  # a total, or a subtotal: no part
            self._add(group, 1, away[row],
                      [(name, column[row:row + 1]) for name, column in sums])
        return []

    def _group(self, key: tuple) -> Optional[dict[str, Any]]:
        group = self.groups.get(key)
        if group is None:
            if len(self.groups) >= MAX_TRACKED:
                self.overflow = True
                return None
            group = self.groups[key] = {"sums": {}, "integers": {},
                                        "parts": 0, "totals": [],
                                        "elsewhere": False}
        return group

    @staticmethod
    def _add(group: dict[str, Any], parts: int, away: bool,
             sums: list[tuple[str, list[Any]]]) -> None:
        """Add parts to a group: their count, whether one names a region
        outside the regency, and their values, integers exactly and others
        as Decimals."""
        group["parts"] += parts
        if away:
            group["elsewhere"] = True  # a comparison with other regions
        integers, decimals = group["integers"], group["sums"]
        for name, column in sums:
            whole = [v for v in column if type(v) is int]
            if whole:
                integers[name] = integers.get(name, 0) + sum(whole)
            if len(whole) != len(column):
                exact = [d for v in column if type(v) is not int
                         and (d := _decimal(v)) is not None]
                if exact:
                    decimals[name] = sum(exact, decimals.get(name, _ZERO))

    @staticmethod
    def _outside(label: Any) -> bool:
        """Whether a label names a region outside the regency (a province,
        Indonesia, another kabupaten or kota)."""
        if type(label) is not str:
            return False
        text = " ".join(label.split()).lower()
        return text not in REGENCY_LABELS and \
            OUTSIDE_REGION.match(text) is not None

    def end(self) -> list[fl_errors.Error]:
        errors = []
        if self.overflow:
            self.warn(Warning(type="magetan-untracked",
                              note="too many periods to check totals"))
        for group in self.groups.values():
            if len(group["totals"]) != 1 or not group["parts"]:
                continue
            number, values, cells, kind = group["totals"][0]
            if kind == "regency" and group["elsewhere"]:
                continue  # a comparison with other regions, not a total
            for column in self.sums:
                total = _decimal(values.get(column.name))
                if total is None:
                    continue
                decimals = group["sums"].get(column.name, _ZERO)
                parts = decimals + group["integers"].get(column.name, 0)
                # a sum of decimals keeps the most digits of its terms
                exponent = decimals.as_tuple().exponent
                digits = -exponent if isinstance(exponent, int) and \
                    exponent < 0 else 0
                tolerance = Decimal(group["parts"]) * Decimal(5).scaleb(
                    -digits - 1) if digits else Decimal(0)
                if abs(Decimal(str(total)) - parts) > tolerance:
                    errors.append(_error(
                        TotalError, column, number, total, cells,
                        f"the other rows add up to {parts}"))
        return errors


class Jumps(Checker):
    """A value that moves from one period to the next by more than the
    threshold (50 % unless configured) is a warning: a typing error, or a
    change that needs a word in the notes."""

    takes_rows = True

    def __init__(self, cols: list[Column], context: Context):
        super().__init__(cols, context)
        periods = [c for c in cols if c.period]
        self.period = periods[0] if len(periods) == 1 else None
        self.values = measures(cols, context, additive_only=False)
        self.keys = [c for c in cols if c is not self.period
                     and c not in self.values and not c.period]
        self.key_names = [c.name for c in self.keys]
        self.days: dict[Any, Optional[dt.date]] = {}
        self.series: dict[tuple, dict[Any, tuple[int, dict[str, Any]]]] = {}
        self.overflow = False

    @property
    def active(self) -> bool:
        return self.period is not None and bool(self.values)

    def rows(self, numbers: list[int], columns: dict[str, list[Any]],
             cells: list[list[Any]]) -> list[fl_errors.Error]:
        assert self.period is not None
        count = len(numbers)
        absent = [None] * count
        days = _mapped(self.days, columns.get(self.period.name, absent), _day)
        keys = _keys([columns.get(n, absent) for n in self.key_names], count)
        values = [(c.name, columns.get(c.name, absent)) for c in self.values]
        for row, (key, day) in enumerate(zip(keys, days)):
            if day is None:
                continue
            series = self.series.get(key)
            if series is None:
                if len(self.series) >= MAX_TRACKED:
                    self.overflow = True
                    continue
                series = self.series[key] = {}
            if day not in series:  # the first row of a period counts
                series[day] = (numbers[row], {
                    name: column[row] for name, column in values})
        return []

    def end(self) -> list[fl_errors.Error]:
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
        return []


def _mapped(memory: dict[Any, Any], column: list[Any],
            compute: Callable[[Any], Any]) -> list[Any]:
    """``compute`` of each value of a column, remembered in ``memory`` (a
    column repeats few values; unhashable ones are computed each time)."""
    try:
        found = list(map(memory.get, column, itertools.repeat(_MISS)))
    except TypeError:
        return [compute(value) for value in column]
    if _MISS in found:
        for row, value in enumerate(found):
            if value is _MISS:
                key = column[row]
                value = memory.get(key, _MISS)  # met earlier in the batch
                if value is _MISS:
                    value = compute(key)
                    if len(memory) < MAX_TRACKED:
                        memory[key] = value
                found[row] = value
    return found


def _keys(columns: list[list[Any]], count: int) -> list[tuple]:
    """The rows' values of ``columns`` as keys (as text where one is
    unhashable: an array or an object)."""
    keys = list(zip(*columns)) if columns else [()] * count
    try:
        set(keys)
    except TypeError:
        keys = [tuple(map(str, key)) for key in keys]
    return keys


def _text_kind(value: Any) -> Optional[str]:
    return _label_kind(value) if type(value) is str else None


_ZERO = Decimal(0)


def _decimal(value: Any) -> Optional[Decimal]:
    """A numeric cell as a Decimal; None for other cells and for NaN and
    infinities (frictionless reads "NaN" and "inf" as numbers)."""
    if type(value) is Decimal:
        return value if value.is_finite() else None
    if isinstance(value, bool) or not isinstance(value, (int, float, Decimal)):
        return None
    number = Decimal(str(value))
    return number if number.is_finite() else None


def _period_text(day: dt.date) -> str:
    return str(day.year) if (day.month, day.day) == (1, 1) else day.isoformat()


CHECKERS = (CodeLists, Periods, NonNegative, Totals, Jumps)


def checkers(schema: frictionless.Schema, context: Context) -> list[Checker]:
    """The statistical checks that have something to check in a table of
    ``schema``."""
    cols = columns(schema)
    return [checker for checker in (cls(cols, context) for cls in CHECKERS)
            if checker.active]
