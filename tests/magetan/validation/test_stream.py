"""The lean validation pass finds what frictionless' own ``validate()``
finds, error for error, on tables made to trip every baseline check."""
from __future__ import annotations

import csv
from pathlib import Path
from typing import Any, Optional

import frictionless
import openpyxl
import pytest

from ckanext.magetan.validation import checks, stream

from tests.magetan.validation import files

PEOPLE = {"fields": [
    {"name": "tahun", "type": "year"},
    {"name": "kecamatan", "type": "string"},
    {"name": "jumlah", "type": "integer"},
]}


def reports(path: Path, schema: Optional[dict[str, Any]] = None,
            dialect: Optional[dict[str, Any]] = None, format: str = "csv",
            encoding: Optional[str] = None, limit_errors: int = 1000
            ) -> tuple[dict[str, Any], dict[str, Any]]:
    """frictionless' report and the lean pass's, without their timings."""
    def resource() -> frictionless.resources.TableResource:
        return frictionless.resources.TableResource(
            path=str(path), name="table", format=format, encoding=encoding,
            dialect=frictionless.Dialect.from_descriptor(dialect or {}),
            schema=frictionless.Schema.from_descriptor(schema)
            if schema else None)

    with frictionless.system.use_context(trusted=True):
        theirs = resource().validate(frictionless.Checklist(
            checks=[frictionless.checks.duplicate_row()]),
            limit_errors=limit_errors).to_descriptor()
        ours, warnings = stream.validate(resource(), None,
                                         limit_errors=limit_errors)
    assert warnings == []
    ours = ours.to_descriptor()
    for report in (theirs, ours):
        report["stats"].pop("seconds")
        for task in report["tasks"]:
            task["stats"].pop("seconds")
    return theirs, ours


def assert_same(path: Path, **options: Any) -> dict[str, Any]:
    theirs, ours = reports(path, **options)
    assert ours["tasks"][0]["errors"] == theirs["tasks"][0]["errors"]
    if theirs["tasks"][0]["warnings"]:
        # stopped by the error limit: the bytes frictionless had read, and
        # whether it had reached the end to hash them, depend on its
        # buffers (the lean pass reports no hashes then)
        for report in (theirs, ours):
            for key in ("bytes", "md5", "sha256"):
                report["tasks"][0]["stats"].pop(key, None)
    assert ours == theirs
    return ours


def write(path: Path, rows: list[list[Any]], **fmt: Any) -> Path:
    with open(path, "w", newline="", encoding="utf-8") as f:
        csv.writer(f, **fmt).writerows(rows)
    return path


def error_types(report: dict[str, Any]) -> list[str]:
    return [e["type"] for e in report["tasks"][0]["errors"]]


class TestCsvAgainstFrictionless:
    def test_a_valid_table(self, tmp_path):
        report = assert_same(files.utf8(tmp_path / "t.csv"), schema=PEOPLE)
        assert report["valid"] and report["tasks"][0]["stats"]["rows"] == 2

    def test_types_blank_duplicate_extra_and_missing(self, tmp_path):
        path = write(tmp_path / "t.csv", [
            ["tahun", "kecamatan", "jumlah"],
            ["2024", "Poncol", "10"],
            ["2024", "Parang", "sepuluh"],
            ["2024", "Parang", "sepuluh"],  # a type error again: remembered
            [],
            ["", "", ""],
            ["2024", "Poncol", "10"],
            ["2024", "Lembeyan"],
            ["2024", "Takeran", "5", "lebih"],
            ["dua ribu", "Kawedanan", "-3"],
            ["", "", "", "x"],
        ])
        report = assert_same(path, schema=PEOPLE)
        assert {"type-error", "blank-row", "duplicate-row", "missing-cell",
                "extra-cell"} <= set(error_types(report))

    def test_constraints(self, tmp_path):
        schema = {"fields": [
            {"name": "kode", "type": "string",
             "constraints": {"required": True, "pattern": "35[0-9]{2}",
                             "minLength": 4, "maxLength": 4}},
            {"name": "jenis", "type": "string",
             "constraints": {"enum": ["L", "P"]}},
            {"name": "jumlah", "type": "integer",
             "constraints": {"minimum": 0, "maximum": 1000}},
            {"name": "persen", "type": "number",
             "constraints": {"maximum": 100}},
        ]}
        path = write(tmp_path / "t.csv", [
            ["kode", "jenis", "jumlah", "persen"],
            ["3520", "L", "10", "12.5"],
            ["", "P", "10", "12.5"],
            ["352", "X", "-1", "100.5"],
            ["3520", "L", "1001", "abc"],
            ["3520", "L", "1001", "abc"],
        ])
        report = assert_same(path, schema=schema)
        assert "constraint-error" in error_types(report)

    def test_unique_fields_and_primary_keys(self, tmp_path):
        schema = {"fields": [
            {"name": "kode", "type": "string",
             "constraints": {"unique": True}},
            {"name": "tahun", "type": "integer"},
            {"name": "jumlah", "type": "integer",
             "constraints": {"unique": True}},
        ], "primaryKey": ["kode", "tahun"]}
        path = write(tmp_path / "t.csv", [
            ["kode", "tahun", "jumlah"],
            ["3520010", "2024", "1"],
            ["3520010", "2024", "x"],
            ["3520020", "2024", "1"],
            ["", "", "7"],
            ["", "", ""],
            ["3520030", "tahun", "9"],
        ])
        report = assert_same(path, schema=schema)
        assert {"unique-error", "primary-key"} <= set(
            error_types(report))

    @pytest.mark.parametrize("labels", [
        ["tahun", "kecamatan"],                       # a label missing
        ["tahun", "kecamatan", "jumlah", "lain"],     # one too many
        ["tahun", "", "jumlah"],                      # a blank label
        ["tahun", "tahun", "jumlah"],                 # twice
        ["tahun", "wilayah", "jumlah"],               # another name
    ])
    def test_header_errors(self, tmp_path, labels):
        path = write(tmp_path / "t.csv", [
            labels, ["2024", "Poncol", "10"], ["2024", "Parang"]])
        assert_same(path, schema=PEOPLE)

    def test_title_rows_and_a_two_row_header(self, tmp_path):
        path = write(tmp_path / "t.csv", [
            ["Tabel 4.1 Jumlah Penduduk"], ["Sumber: Dispendukcapil"],
            ["kecamatan", "jenis kelamin", ""], ["", "L", "P"],
            ["Poncol", "10", "12"], ["Parang", "9", "x"]])
        schema = {"fields": [
            {"name": "kecamatan", "type": "string"},
            {"name": "jenis kelamin L", "type": "integer"},
            {"name": "P", "type": "integer"}]}
        assert_same(path, schema=schema,
                    dialect={"headerRows": [3, 4], "headerJoin": " "})

    def test_semicolons_decimal_commas_and_missing_values(self, tmp_path):
        path = tmp_path / "t.csv"
        path.write_text(
            "tahun;persen;jumlah\n2023;12,5;1.200\n2024;-;NA\n"
            "2024;7,25;1.300\n2024;x;1,5\n", encoding="utf-8")
        schema = {"fields": [
            {"name": "tahun", "type": "year"},
            {"name": "persen", "type": "number", "decimalChar": ",",
             "groupChar": "."},
            {"name": "jumlah", "type": "integer", "groupChar": ".",
             "bareNumber": False}],
            "missingValues": ["", "-", "NA"]}
        for dialect in ({"csv": {"delimiter": ";"}}, None):  # or sniffed
            assert_same(path, schema=schema, dialect=dialect)

    def test_quoted_cells_with_newlines_quotes_and_delimiters(self, tmp_path):
        path = write(tmp_path / "t.csv", [
            ["tahun", "kecamatan", "jumlah"],
            ["2024", 'Poncol\n"Utara", timur', "10"],
            ["2024", "Parang; barat", "x"]], quoting=csv.QUOTE_ALL)
        assert_same(path, schema=PEOPLE)

    @pytest.mark.parametrize("make", [
        files.windows_1252, files.utf8_bom, files.utf16,
        files.semicolon_decimal_comma])
    def test_encodings_and_dialects_of_opds(self, tmp_path, make):
        from ckanext.magetan.tableschema import infer, reading

        path = make(tmp_path / "t.csv")
        encoding = reading.detect_encoding(str(path))
        dialect = reading.infer_dialect(str(path), "csv", encoding)
        schema = infer(str(path), "csv", dialect)
        assert_same(path, schema=schema, dialect=dialect, encoding=encoding)
        assert_same(path, schema=PEOPLE, dialect=dialect, encoding=encoding)

    def test_carriage_returns_only(self, tmp_path):
        path = tmp_path / "t.csv"
        path.write_bytes(b"tahun,kecamatan,jumlah\r2024,Poncol,10\r"
                         b"2024,Parang,x\r")
        assert_same(path, schema=PEOPLE, encoding="utf-8")

    def test_a_tsv_file(self, tmp_path):
        path = tmp_path / "t.tsv"
        path.write_text("tahun\tkecamatan\tjumlah\r\n2024\tPoncol\t10\r\n"
                        "2024\tParang\tx\r\n\r\n", encoding="utf-8")
        assert_same(path, schema=PEOPLE, format="tsv", encoding="utf-8")

    @pytest.mark.parametrize("text", ["", "tahun,kecamatan,jumlah\n", "\n\n"])
    def test_empty_tables(self, tmp_path, text):
        path = tmp_path / "t.csv"
        path.write_text(text, encoding="utf-8")
        assert_same(path, schema=PEOPLE, encoding="utf-8")

    def test_the_error_limit(self, tmp_path):
        path = write(tmp_path / "t.csv", [["tahun", "kecamatan", "jumlah"]] + [
            ["2024", f"Desa {n}", "x"] for n in range(30)])
        report = assert_same(path, schema=PEOPLE, limit_errors=7)
        assert report["tasks"][0]["warnings"] == ["reached error limit: 7"]

    @pytest.mark.parametrize("memo_size,counts", [
        (stream.MEMO_SIZE, False), (50, False), (stream.MEMO_SIZE, True)])
    def test_rows_across_batches(self, tmp_path, monkeypatch, memo_size,
                                 counts):
        """Duplicates within a batch and across batches, a short row in a
        column of integers read at once (counts, or once the readers
        remember no more cells), errors at the batch edges."""
        monkeypatch.setattr(stream, "MEMO_SIZE", memo_size)
        rows = [["tahun", "kecamatan", "jumlah"]]
        for n in range(1, 2 * stream.BATCH_ROWS + 500):
            rows.append(["2024", f"Desa {n % 700}",
                         str(n if counts and n % 900 else n % 700)])
        rows[stream.BATCH_ROWS] = ["2024", "Desa 7"]
        rows[stream.BATCH_ROWS + 1] = ["2024", "Desa 7", "x"]
        path = write(tmp_path / "t.csv", rows)
        report = assert_same(path, schema=PEOPLE)
        assert error_types(report).count("duplicate-row") > (
            0 if counts else 100)
        assert_same(path, schema=PEOPLE, limit_errors=50)

    def test_missing_values_that_are_numbers(self, tmp_path):
        """A missing value such as 999 is no number: the column is read
        cell by cell."""
        schema = dict(PEOPLE, missingValues=["", "999"])
        path = write(tmp_path / "t.csv", [
            ["tahun", "kecamatan", "jumlah"], ["2024", "Poncol", "999"],
            ["2024", "Parang", " 12 "], ["2024", "Lembeyan", "+7"],
            ["2024", "Takeran", "1_000"]])
        report = assert_same(path, schema=schema)
        assert report["valid"]

    def test_without_a_schema(self, tmp_path):
        assert_same(files.utf8(tmp_path / "t.csv"))

    def test_a_file_frictionless_cannot_open(self, tmp_path):
        report = assert_same(tmp_path / "gone.csv", schema=PEOPLE)
        assert error_types(report) == ["scheme-error"]

    def test_bytes_that_are_not_the_encoding(self, tmp_path):
        """The csv module stops on it: frictionless' parser reads the
        table again and says what frictionless says."""
        path = tmp_path / "t.csv"
        rows = "".join(f"2024,Desa {n},{n}\n" for n in range(300))
        path.write_bytes(b"tahun,kecamatan,jumlah\n" + rows.encode()
                         + b"2024,Caf\xe9,1\n")
        report = assert_same(path, schema=PEOPLE, encoding="utf-8")
        assert error_types(report) == ["encoding-error"]


    def test_unique_values_and_keys_in_frictionless_order(self, tmp_path):
        """frictionless reads the unique fields' cells first, the others
        when a violation asks for the row's errors."""
        path = write(tmp_path / "t.csv", [
            ["a", "b", "c"], ["x", "y", "1"], ["x", "y", "1"], ["", "", ""],
            ["", "", ""], ["z", "1", "NaN"], ["z", "1", "NaN"]])
        for schema in (
                {"fields": [{"name": "a", "type": "integer"},
                            {"name": "b", "type": "integer",
                             "constraints": {"unique": True}},
                            {"name": "c", "type": "number",
                             "constraints": {"unique": True}}]},
                {"fields": [{"name": "a", "type": "integer"},
                            {"name": "b", "type": "integer"},
                            {"name": "c", "type": "number"}],
                 "primaryKey": ["c", "b"]}):
            assert_same(path, schema=schema)
            assert_same(path, schema=schema, limit_errors=2)

    def test_a_table_without_fields(self, tmp_path):
        path = tmp_path / "t.csv"
        path.write_text("\n\n\n", encoding="utf-8")
        assert_same(path, encoding="utf-8")
        assert_same(path, encoding="utf-8", schema={"fields": []})

    def test_a_cell_frictionless_cannot_read_is_a_type_error(self, tmp_path):
        """frictionless' reader raises on "sNaN" under a maximum (a crash
        of frictionless' own validate()): the lean pass reports a type
        error instead."""
        path = write(tmp_path / "t.csv", [["n"], ["1"], ["sNaN"], ["sNaN"]])
        with frictionless.system.use_context(trusted=True):
            report, _ = stream.validate(frictionless.resources.TableResource(
                path=str(path), schema=frictionless.Schema.from_descriptor(
                    {"fields": [{"name": "n", "type": "number",
                                 "constraints": {"maximum": 5}}]})))
        assert [(e.type, e.row_number) for e in report.tasks[0].errors] == [
            ("type-error", 3), ("type-error", 4), ("duplicate-row", 4)]
        with frictionless.system.use_context(trusted=True):
            report, _ = stream.validate(frictionless.resources.TableResource(
                path=str(path), schema=frictionless.Schema.from_descriptor(
                    {"fields": [{"name": "n", "type": "number",
                                 "constraints": {"unique": True}}]})))
        assert report.tasks[0].stats["rows"] == 3


class TestWorkbooksAgainstFrictionless:
    def test_a_workbook_through_frictionless_parser(self, tmp_path):
        book = openpyxl.Workbook()
        sheet = book.active
        for row in (["tahun", "kecamatan", "jumlah"], [2024, "Poncol", 10],
                    [2024, "Parang", "sepuluh"], [None, None, None],
                    [2024, "Poncol", 10], [2024, "Lembeyan", 1.5],
                    [2024, True, 3]):
            sheet.append(row)
        path = tmp_path / "t.xlsx"
        book.save(path)
        assert_same(path, schema=PEOPLE, format="xlsx")

    def test_a_titled_workbook(self, tmp_path):
        path = files.titled_workbook(tmp_path / "t.xlsx")
        assert_same(path, format="xlsx", dialect={
            "headerRows": [3, 4], "headerJoin": " ",
            "excel": {"fillMergedCells": True}})


class TestJsonAgainstFrictionless:
    @pytest.mark.parametrize("content", [
        '[["tahun", "kecamatan", "jumlah"], [2024, "Poncol", 10], '
        '[2024, "Parang", "x"], [2024, "Parang", "x"], [], '
        '[2024, "Takeran", 5, 6], [2024]]',
        '[{"tahun": 2024, "kecamatan": "Poncol", "jumlah": 10}, '
        '{"tahun": "2024", "jumlah": -1}, {"kecamatan": null}]',
        '{"judul": "bukan tabel"}',
        '[["tahun", "jumlah"], [2024, 1',
    ])
    def test_json_tables(self, tmp_path, content):
        path = tmp_path / "t.json"
        path.write_text(content, encoding="utf-8")
        assert_same(path, schema=PEOPLE, format="json")


class TestStatisticalChecks:
    def test_each_bad_cell_is_reported_on_every_row_it_is_in(self, tmp_path):
        """The findings of a cell are remembered with the cell: a repeated
        bad value is an error on each of its rows."""
        path = write(tmp_path / "t.csv", [
            ["tahun", "kecamatan", "jumlah"],
            ["2023", "Poncol", "-4"], ["2023", "Atlantis", "-4"],
            ["2024", "Atlantis", "5"], ["2023", "Atlantis", "-4"]])
        schema = {"fields": [
            {"name": "tahun", "type": "year"},
            {"name": "kecamatan", "type": "string",
             "codelist": "kecamatan:nama"},
            {"name": "jumlah", "type": "integer", "unit": "jiwa"}]}
        with frictionless.system.use_context(trusted=True):
            report, _ = stream.validate(frictionless.resources.TableResource(
                path=str(path), schema=frictionless.Schema.from_descriptor(
                    schema)), checks.Context(reference_period="2023"))
        found = [(e.type, e.row_number, getattr(e, "field_name", None))
                 for e in report.tasks[0].errors]
        assert found == [
            ("magetan-negative", 2, "jumlah"),
            ("magetan-codelist", 3, "kecamatan"),
            ("magetan-negative", 3, "jumlah"),
            ("magetan-codelist", 4, "kecamatan"),
            ("magetan-period", 4, "tahun"),
            ("duplicate-row", 5, None),
            ("magetan-codelist", 5, "kecamatan"),
            ("magetan-negative", 5, "jumlah")]
