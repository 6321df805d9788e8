"""frictionless' table validation in one lean pass over the cells.

``frictionless.Resource.validate`` makes a ``Row`` object of every row and
runs each check on it, and reads a CSV file through loaders that count and
hash it line by line; on a million rows that costs many times the reading
of the file. :func:`validate` gives the same report from frictionless' own
pieces — the resource's dialect, header, Table Schema fields and cell
readers, the same error classes and report — doing what frictionless 5
does per row (its table resource's row stream, ``Row`` processing, the
baseline and duplicate-row checks) on batches of rows, column by column,
with each field's cell reader remembering the cells it read, and the
portal's statistical checks fed the typed columns. A CSV or TSV file is
read with Python's ``csv`` module, configured as frictionless configures
it; any other table through frictionless' parser.

``tests/magetan/validation/test_stream.py`` holds the result to
frictionless' own ``validate()`` on crafted tables, and
``bench/validation.py`` on big ones.
"""
from __future__ import annotations

import contextlib
import csv
import functools
import gc
import hashlib
import itertools
import operator
import time
from typing import Any, Iterable, Iterator, Optional, Sequence

import frictionless
from frictionless import errors as fl_errors
from frictionless.formats.csv import CsvControl

from ckanext.magetan.validation import checks

# A field's reader remembers this many distinct cells (code and name
# columns repeat a few values; a column of distinct counts gains nothing),
# and all readers of a table this many together.
MEMO_SIZE = 20_000
TABLE_MEMO_SIZE = 200_000
# Rows read and checked together, column by column.
BATCH_ROWS = 2_000
# frictionless sniffs a CSV file's quoting from its first lines.
SNIFF_LINES = 100
HASH_CHUNK = 1 << 20

Notes = tuple[tuple[str, str], ...]
# the statistical findings of a cell: (checker order, error class, note)
Flags = tuple[tuple[int, type, str], ...]
# row (in the batch) -> [(column, notes or flags)]
Marks = dict[int, list[tuple[int, Any]]]
_MISS = object()


class _Restart(Exception):
    """The CSV file cannot be read with the csv module as it stands: read
    it with frictionless' parser instead."""


def plain_integers(fld: frictionless.Field) -> bool:
    """Whether frictionless reads a text cell of ``fld`` as ``int(cell)``
    does (raising where frictionless finds a type error): an integer field
    with bare numbers, no constraints and no missing value that is a
    number; a column of such cells is then read with one ``map``."""
    if fld.type != "integer" or not getattr(fld, "bare_number", False) or \
            fld.constraints:
        return False
    missing = fld.missing_values
    if not fld.has_defined("missing_values") and fld.schema:
        missing = fld.schema.missing_values
    for value in missing:
        try:
            int(value)
        except (TypeError, ValueError):
            continue
        return False
    return True


class ColumnReader:
    """One field's frictionless cell reader, over a column of cells.

    It remembers what it made of a text cell: the typed value and its
    text (as the duplicate-row check compares rows), the cell's notes
    (``type`` first, then the constraints that fail) and what the
    statistical ``cell_checks`` (each with its checker's order) found of
    the value; so a column that repeats a few values is read once per
    value, by dictionary look-ups."""

    def __init__(self, fld: frictionless.Field, index: int,
                 cell_checks: list[tuple[int, checks.CellCheck]],
                 texts: bool = False, room: int = 0):
        self.reader = fld.create_cell_reader()
        self.type_note = f'type is "{fld.type}/{fld.format}"'
        self.index = index
        self.cell_checks = cell_checks
        self.integers = texts and plain_integers(fld)
        self.counts: Optional[bool] = None  # decided on the first batch
        self.room = room  # cells it may remember
        self.looked = self.hits = 0
        # cell -> (value, text) for cells without notes or findings
        self.clean: dict[Optional[str], tuple[Any, str]] = {}
        # cell -> (value, text, notes, findings) for the others
        self.marked: dict[Optional[str], tuple[Any, str, Optional[Notes],
                                               Optional[Flags]]] = {}

    def read(self, cells: Sequence[Any], problems: Marks,
             findings: Marks) -> tuple[list[Any], list[str]]:
        """The typed values of ``cells`` and their texts; their notes and
        findings go to ``problems`` and ``findings`` under their row in the
        batch."""
        if self.integers and self.counts is None:
            # a column of counts (mostly distinct) gains nothing from the
            # memory; a column of codes or years does
            self.counts = len(set(cells)) > len(cells) // 2
        if self.integers and (self.counts or len(self.clean) +
                              len(self.marked) >= self.room):
            # integers too many to remember: read at once
            try:
                values = list(map(int, cells))
            except (TypeError, ValueError):
                pass  # a blank or no integer among them: cell by cell
            else:
                self._check(values, findings)
                return values, list(map(str, values))
        try:
            entries = list(map(self.clean.get, cells,
                               itertools.repeat(_MISS)))
        except TypeError:  # an unhashable cell (a JSON array or object)
            entries = _Unhashable([_MISS] * len(cells))
        if _holds(entries, _MISS):
            if not isinstance(entries, _Unhashable) and \
                    len(self.clean) + len(self.marked) < self.room:
                # each new cell read once, then the column looked up again
                self._learn({cells[row] for row, entry in enumerate(entries)
                             if entry is _MISS})
                entries = list(map(self.clean.get, cells,
                                   itertools.repeat(_MISS)))
            misses = entries.count(_MISS)
            for row, entry in enumerate(entries):
                if entry is _MISS:  # marked, or not remembered
                    entries[row] = self._read(cells[row], row, problems,
                                              findings)
        else:
            misses = 0
        self._account(len(cells), misses)
        return list(map(_FIRST, entries)), list(map(_SECOND, entries))

    def _account(self, looked: int, misses: int) -> None:
        """Forget, and stop remembering, when remembering does not pay: the
        memory is full and most cells were not in it (distinct values)."""
        self.looked += looked
        self.hits += looked - misses
        if self.room and self.hits * 2 < self.looked and \
                len(self.clean) + len(self.marked) >= self.room:
            self.clean.clear()
            self.marked.clear()
            self.room = 0

    def _check(self, values: list[Any], findings: Marks) -> None:
        """The statistical checks of a column of values read at once."""
        for order, check in self.cell_checks:
            hits = list(map(check, values))
            if any(hits):
                for row, hit in enumerate(hits):
                    if hit is not None:
                        findings.setdefault(row, []).append(
                            (self.index, ((order, *hit),)))

    def _learn(self, cells: set[Any]) -> None:
        """Read and remember new text cells (and None) of a column."""
        for cell in cells:
            if (cell is None or type(cell) is str) and \
                    cell not in self.clean and cell not in self.marked and \
                    len(self.clean) + len(self.marked) < self.room:
                self._remember(cell)

    def _remember(self, cell: Any) -> tuple[Any, str, Optional[Notes],
                                            Optional[Flags]]:
        value, notes = self._typed(cell)
        noted = tuple(notes.items()) if notes else None
        hits = [(order, *finding) for order, check in self.cell_checks
                if (finding := check(value)) is not None]
        entry = (value, str(value), noted, tuple(hits) if hits else None)
        if (cell is None or type(cell) is str) and \
                len(self.clean) + len(self.marked) < self.room:
            if noted is None and not hits:
                self.clean[cell] = entry[:2]
            else:
                self.marked[cell] = entry
        return entry

    def _typed(self, cell: Any) -> tuple[Any, Optional[dict[str, str]]]:
        """frictionless' reading of a cell (``int`` for plain integers)."""
        if self.integers and type(cell) is str:
            try:
                return int(cell), None
            except ValueError:
                pass
        try:
            return self.reader(cell)
        except (ArithmeticError, TypeError, ValueError):
            # frictionless' reader stops on a few cells ("sNaN" against a
            # maximum): a type error, not a crash of the validation
            return None, {"type": self.type_note}

    def _read(self, cell: Any, row: int, problems: Marks,
              findings: Marks) -> tuple[Any, str]:
        remembered = cell is None or type(cell) is str
        if remembered:  # perhaps read earlier in this batch
            clean = self.clean.get(cell)
            if clean is not None:
                return clean
        entry = self.marked.get(cell) if remembered else None
        if entry is None:
            entry = self._remember(cell)
        value, text, noted, flagged = entry
        if noted is not None:
            problems.setdefault(row, []).append((self.index, noted))
        if flagged is not None:
            findings.setdefault(row, []).append((self.index, flagged))
        return value, text


_FIRST, _SECOND = operator.itemgetter(0), operator.itemgetter(1)


class _Unhashable(list):
    """A column's entries when a cell cannot be looked up (a JSON array or
    object): read cell by cell."""


def csv_rows(resource: frictionless.Resource) -> Iterator[list[str]]:
    """The rows of a local CSV or TSV file, read as frictionless' CSV parser
    reads them: text lines decoded with the resource's encoding (universal
    newlines for TSV), the quoting sniffed from the first lines where the
    dialect does not say it."""
    control = CsvControl.from_dialect(resource.dialect)
    newline = "" if resource.format == "csv" else None
    with open(resource.normpath, encoding=resource.encoding,
              newline=newline) as text:
        try:
            sample = list(itertools.islice(text, SNIFF_LINES))
        except UnicodeError as exception:
            raise _Restart() from exception
        if resource.format == "tsv":
            control.set_not_defined("delimiter", "\t")
        delimiter = control.get_defined("delimiter", default=",\t;|")
        try:
            sniffed = csv.Sniffer().sniff("".join(sample), delimiter)
        except csv.Error:
            sniffed = csv.excel()
        if sniffed.quotechar == "'":  # as frictionless: JSON in cells
            sniffed.quotechar = '"'
        for name, value in (
                ("delimiter", sniffed.delimiter),
                ("line_terminator", sniffed.lineterminator),
                ("escape_char", sniffed.escapechar),
                ("quote_char", sniffed.quotechar),
                ("skip_initial_space", sniffed.skipinitialspace)):
            control.set_not_defined(name, value, distinct=True)
        try:
            yield from csv.reader(itertools.chain(sample, text),
                                  dialect=control.to_python())
        except (UnicodeError, csv.Error) as exception:
            raise _Restart() from exception


def file_stats(path: str) -> dict[str, Any]:
    """The byte count and hashes frictionless reports of a file."""
    md5, sha256, size = hashlib.md5(), hashlib.sha256(), 0
    with open(path, "rb") as f:
        while chunk := f.read(HASH_CHUNK):
            md5.update(chunk)
            sha256.update(chunk)
            size += len(chunk)
    return {"md5": md5.hexdigest(), "sha256": sha256.hexdigest(),
            "bytes": size}


@contextlib.contextmanager
def cyclic_gc_paused() -> Iterator[None]:
    """Python's cycle collector paused for the pass: the rows make no
    reference cycles (reference counting frees them), but the collector,
    counting their lists and tuples, would scan every object of the
    process (CKAN's included) again and again, a third of the time on a big
    table."""
    paused = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if paused:
            gc.enable()


def own_csv_reading(resource: frictionless.Resource) -> bool:
    """Whether the csv module can read the table in place of frictionless:
    a plain local CSV or TSV file."""
    return (resource.format in ("csv", "tsv") and resource.scheme == "file"
            and not resource.compression and not resource.innerpath
            and bool(resource.encoding))


def validate(resource: frictionless.resources.TableResource,
             statistics: Optional[checks.Context] = None, *,
             limit_errors: int = 1000) -> tuple[frictionless.Report,
                                                list[checks.Warning]]:
    """Validate ``resource`` as ``resource.validate()`` would with the
    duplicate-row check, plus the statistical checks of ``statistics``
    (none without a context); also the checks' warnings."""
    timer = time.monotonic()
    try:
        resource.to_descriptor(validate=True)
    except frictionless.FrictionlessException as exception:
        return _report(resource, timer, exception.to_errors()), []
    try:
        resource.open()
    except frictionless.FrictionlessException as exception:
        resource.close()
        return _report(resource, timer, exception.to_errors()), []
    own = own_csv_reading(resource)
    if own:
        resource.close()  # the csv module reads the file from here on
    try:
        run = _Run(resource, statistics, limit_errors, texts=own)
        try:
            with cyclic_gc_paused():
                run.rows(csv_rows(resource) if own else resource.cell_stream)
        except _Restart:
            resource.open()
            own = False
            run = _Run(resource, statistics, limit_errors)
            with cyclic_gc_paused():
                run.rows(resource.cell_stream)
        if own and not run.partial:
            # as frictionless' loader counts and hashes what it read
            for key, value in file_stats(resource.normpath).items():
                setattr(resource.stats, key, value)
        if run.partial:
            # a pass stopped by the error limit read batches ahead: the
            # hashes of a file not read to its end are not reported
            resource.stats.md5 = resource.stats.sha256 = None
    finally:
        resource.close()
    resource.stats.rows = run.count
    return (_report(resource, timer, run.errors, labels=run.labels,
                    warnings=run.warnings), run.checker_warnings)


def _report(resource: frictionless.Resource, started: float,
            errors: list[fl_errors.Error], labels: Optional[list[str]] = None,
            warnings: Optional[list[str]] = None) -> frictionless.Report:
    return frictionless.Report.from_validation_task(
        resource, time=round(time.monotonic() - started, 3),
        labels=labels or [], errors=errors, warnings=warnings or [])


class _Run:
    """One pass over the rows of an open table resource."""

    def __init__(self, resource: frictionless.resources.TableResource,
                 statistics: Optional[checks.Context], limit_errors: int,
                 texts: bool = False):
        self.resource = resource
        self.limit_errors = limit_errors
        self.labels = list(resource.labels)
        header = resource.header
        self.fields = header.get_expected_fields()
        self.names = [f.name for f in self.fields]
        self.checkers = checks.checkers(resource.schema, statistics) \
            if statistics is not None else []
        # the checks across a row, with their place in the checkers' order
        self.row_checkers = [(order, c) for order, c in
                             enumerate(self.checkers) if c.takes_rows]
        cell_checks: dict[str, list[tuple[int, checks.CellCheck]]] = {}
        for order, checker in enumerate(self.checkers):
            for name, check in checker.cell_checks().items():
                cell_checks.setdefault(name, []).append((order, check))
        # ``texts``: every cell is text (the csv module reads the file)
        self.texts = texts
        room = min(MEMO_SIZE, TABLE_MEMO_SIZE // max(len(self.fields), 1))
        self.readers = [ColumnReader(f, index, cell_checks.get(f.name, []),
                                     texts, room)
                        for index, f in enumerate(self.fields)]
        self.errors: list[fl_errors.Error] = []
        if not (resource.labels or resource.fragment):
            self.errors.append(fl_errors.SourceError(
                note="the source is empty"))
        self.errors.extend(header.errors)
        self.warnings: list[str] = []
        self.count = 0
        self.partial = False
        # integrity: unique fields and the primary key, as frictionless
        # checks them (by typed value, remembering the last row)
        self.unique: dict[int, dict[Any, int]] = {
            index: {} for index, f in enumerate(self.fields)
            if f.constraints.get("unique")}
        key = list(resource.schema.primary_key)
        self.primary_key: Optional[list[int]] = None
        if key and set(key) <= set(self.names):
            if resource.dialect.header_case:
                labels = key
            else:
                lower = [name.lower() for name in key]
                labels = [n for n in self.names if n.lower() in lower]
            self.primary_key = [self.names.index(n) for n in labels]
        self.primary_memory: dict[tuple, int] = {}
        self.duplicates: dict[bytes, int] = {}

    @property
    def checker_warnings(self) -> list[checks.Warning]:
        return [w for c in self.checkers for w in c.warnings]

    def rows(self, cells: Iterable[list[Any]]) -> None:
        """Check the rows of ``cells`` (the table's cell stream), batch by
        batch, then the checks' ends (unless the error limit stopped
        it)."""
        self.failure: Optional[frictionless.FrictionlessException] = None
        content = self._content(cells)
        if not self.texts:  # frictionless' parser may fail part-way
            content = self._guarded(content)
        while True:
            batch = list(itertools.islice(content, BATCH_ROWS))
            if batch and self.batch(batch):
                return  # the error limit
            if len(batch) < BATCH_ROWS:
                break
        if self.failure is not None:
            # as frictionless: the reading error is reported, the table
            # ends there
            self.errors.append(self.failure.error)
        for checker in self.checkers:
            self.errors.extend(checker.end())

    def _content(self, cells: Iterable[list[Any]]
                 ) -> Iterator[tuple[int, list[Any]]]:
        """The numbered rows under the header, as the dialect's content
        stream gives them (without its filters, when it has none, faster)."""
        dialect = self.resource.dialect
        if dialect.create_comment_filter() or dialect.create_blank_filter():
            return dialect.read_enumerated_content_stream(cells)
        return itertools.islice(enumerate(cells, 1),
                                dialect.create_first_content_row() - 1, None)

    def _guarded(self, content: Iterator[tuple[int, list[Any]]]
                 ) -> Iterator[tuple[int, list[Any]]]:
        try:
            yield from content
        except frictionless.FrictionlessException as exception:
            self.failure = exception

    def batch(self, batch: list[tuple[int, list[Any]]]) -> bool:
        """Check a batch of rows; whether the error limit is reached."""
        numbers = [number for number, _ in batch]
        rows = [row for _, row in batch]
        self.count += len(rows)
        width = len(self.fields)
        lengths = list(map(len, rows))
        uneven = lengths.count(width) != len(rows)
        padded = [row if len(row) >= width else
                  list(row) + [None] * (width - len(row))
                  for row in rows] if uneven else rows
        problems: Marks = {}
        findings: Marks = {}
        cells = list(zip(*padded))[:width] if width else []
        read = [reader.read(column, problems, findings)
                for reader, column in zip(self.readers, cells)]
        columns = [values for values, _ in read]
        values = list(zip(*columns)) if width else [()] * len(rows)
        texts = list(map(",".join, zip(*[t for _, t in read]))) if width \
            else [""] * len(rows)
        found: list[fl_errors.Error] = []
        # the rows with something to say: notes, blanks, an odd length,
        # or unique values and keys to remember
        if self.unique or self.primary_key is not None or uneven or \
                not width:  # (without fields every row is blank)
            said: Iterable[int] = range(len(rows))
        else:
            said = set(problems)
            for column in columns:
                if _holds(column, None):
                    said.update(row for row, value in enumerate(column)
                                if value is None)
            said = sorted(said)
        limit = self.limit_errors
        for row in said:
            # errors past the limit are cut: not made (a row of a million
            # extra cells)
            budget = limit - len(self.errors) - len(found) if limit else None
            if budget is not None and budget <= 0:
                break
            found.extend(self.row_errors(
                numbers[row], rows[row], padded[row], list(values[row]),
                dict(problems.get(row, ())), budget))
        found.extend(self.duplicate_rows(numbers, rows, texts))
        # the statistical errors of a row by checker (as they ran row by
        # row), then by column
        statistical: list[tuple[tuple[int, int, int, int],
                                fl_errors.Error]] = []
        for row, flagged in findings.items():
            statistical.extend(self.statistical_errors(
                numbers[row], rows[row], values[row], flagged))
        if self.row_checkers:
            by_name = dict(zip(self.names, columns))
            for order, checker in self.row_checkers:
                statistical.extend(
                    ((_row_number(error), order, 1,
                      getattr(error, "field_number", 0) or 0), error)
                    for error in checker.rows(numbers, by_name, rows))
        statistical.sort(key=lambda keyed: keyed[0])
        found.extend(error for _, error in statistical)
        # per row: baseline, duplicate, statistical errors (a stable sort)
        found.sort(key=_row_number)
        self.errors.extend(found)
        if limit and len(self.errors) >= limit:
            # frictionless stops after the row that reached the limit:
            # the rows after it were not read
            last = max(_row_number(self.errors[limit - 1]), numbers[0])
            self.count -= sum(1 for number in numbers if number > last)
            del self.errors[limit:]
            self.warnings.append(f"reached error limit: {limit}")
            self.partial = True
            return True
        return False

    def duplicate_rows(self, numbers: list[int], rows: list[list[Any]],
                       texts: list[str]) -> list[fl_errors.Error]:
        """Rows whose values are those of an earlier row (as frictionless
        compares them: the texts of their values joined by commas),
        remembered by a 16-byte BLAKE2 digest."""
        digests = list(map(_DIGEST, map(_DIGESTER, map(_UTF8, texts))))
        duplicates = self.duplicates
        if len(set(digests)) == len(digests) and \
                not any(map(duplicates.get, digests)):
            duplicates.update(zip(digests, numbers))
            return []
        found = []
        for row, digest in enumerate(digests):
            first = duplicates.get(digest)
            if first:
                found.append(fl_errors.DuplicateRowError(
                    note=f'the same as row at position "{first}"',
                    cells=_texts(rows[row]), row_number=numbers[row]))
            duplicates[digest] = numbers[row]
        return found

    def statistical_errors(self, number: int, row: list[Any],
                           values: Sequence[Any],
                           flagged: list[tuple[int, Flags]]
                           ) -> list[tuple[tuple[int, int, int, int],
                                           fl_errors.Error]]:
        """The errors of the statistical checks of single cells in a row,
        each with its place in the row's order (checker, column)."""
        return [((number, order, 0, index), checks.cell_error(
                    cls, self.names[index], number, index + 1,
                    values[index], row, note))
                for index, flags in flagged for order, cls, note in flags]

    def row_errors(self, number: int, row: list[Any], padded: list[Any],
                   values: list[Any], noted: dict[int, Notes],
                   budget: Optional[int] = None) -> list[fl_errors.Error]:
        """The baseline errors of one row, in frictionless' order.

        frictionless reads a row's cells lazily: the unique fields' cells
        and the primary key's first (each when its check reads it), the
        others when a check asks for the row's errors (on a unique or key
        violation, else at the end); a blank row's errors are then the one
        blank-row error, and the violations found after it follow it."""
        width = len(self.fields)
        texts = _texts(row)
        found: list[fl_errors.Error] = []
        done: set[int] = set()
        complete = False

        def touch(index: int) -> None:
            if index in done:
                return
            done.add(index)
            for kind, note in noted.get(index, ()):
                cls = fl_errors.TypeError if kind == "type" \
                    else fl_errors.ConstraintError
                found.append(cls(
                    note=note, cells=texts, row_number=number,
                    cell=str(padded[index]), field_name=self.names[index],
                    field_number=index + 1))

        def finish() -> None:
            nonlocal complete, found
            if complete:
                return
            complete = True
            for index in range(width):
                touch(index)
            for index, cell in enumerate(row[width:], width + 1):
                if budget is not None and len(found) >= budget:
                    break  # cut by the error limit anyway
                found.append(fl_errors.ExtraCellError(
                    note="", cells=texts, row_number=number, cell=str(cell),
                    field_name="", field_number=index))
            for index in range(len(row), width):
                if budget is not None and len(found) >= budget:
                    break
                found.append(fl_errors.MissingCellError(
                    note="", cells=texts, row_number=number, cell="",
                    field_name=self.names[index], field_number=index + 1))
            mistyped = sum(1 for notes in noted.values()
                           if notes[0][0] == "type")
            if values.count(None) - mistyped == width:
                found = [fl_errors.BlankRowError(
                    note="", cells=texts, row_number=number)]

        for index, memory in self.unique.items():
            touch(index)
            value = values[index]
            if value is not None and _matchable(value):
                first = memory.get(value)
                memory[value] = number
                if first:
                    finish()
                    found.append(fl_errors.UniqueError(
                        note=f"the same as in the row at position {first}",
                        cells=texts, row_number=number, cell=str(value),
                        field_name=self.names[index],
                        field_number=index + 1))
        if self.primary_key is not None:
            for index in self.primary_key:
                touch(index)
            key = tuple(values[i] for i in self.primary_key)
            if set(key) == {None}:
                finish()
                found.append(fl_errors.PrimaryKeyError(
                    note='cells composing the primary keys are all "None"',
                    cells=texts, row_number=number))
            elif all(map(_matchable, key)):
                first = self.primary_memory.get(key)
                self.primary_memory[key] = number
                if first:
                    finish()
                    found.append(fl_errors.PrimaryKeyError(
                        note=f"the same as in the row at position {first}",
                        cells=texts, row_number=number))
        finish()
        return found


_UTF8 = operator.methodcaller("encode", "utf-8")
_DIGESTER = functools.partial(hashlib.blake2b, digest_size=16)
_DIGEST = operator.methodcaller("digest")


def _matchable(value: Any) -> bool:
    """Whether a value can equal another row's: NaN matches nothing
    (frictionless makes a new one per row), and a signalling NaN cannot
    even be compared."""
    try:
        return bool(value == value)
    except ArithmeticError:
        return False


def _holds(values: list[Any], marker: Any) -> bool:
    """Whether ``marker`` is among ``values`` (by identity: ``in`` would
    compare, and a Decimal compares slowly with anything else)."""
    return any(map(operator.is_, values, itertools.repeat(marker)))


def _row_number(error: fl_errors.Error) -> int:
    return getattr(error, "row_number", 0) or 0


def _texts(row: list[Any]) -> list[str]:
    return ["" if cell is None else str(cell) for cell in row]

