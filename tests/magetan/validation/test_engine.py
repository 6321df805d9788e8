"""The engine on the files OPDs send: encodings, delimiters and decimal
commas, titled workbooks, and every bad file the issue lists; and the
statistical checks."""
from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Optional

import pytest

from ckanext.magetan.tableschema import TableSchemaError, infer, reading
from ckanext.magetan.validation import checks, engine, source

from tests.magetan.validation import files

pytestmark = pytest.mark.usefixtures("with_request_context")

LIMITS = source.Limits(max_bytes=5 * 1024 * 1024,
                       max_unzipped_bytes=20 * 1024 * 1024)


def validate(path: Path, format: Optional[str] = None,
             schema: Optional[dict[str, Any]] = None,
             dialect: Optional[dict[str, Any]] = None,
             encoding: Optional[str] = None,
             context: Optional[checks.Context] = None,
             limits: source.Limits = LIMITS) -> engine.Outcome:
    return engine.validate_file(
        str(path), path.name, format or path.suffix[1:], schema, dialect,
        encoding, context or checks.Context(), limits)


def kinds(outcome: engine.Outcome) -> list[tuple[Any, ...]]:
    return [(e["type"], e.get("rowNumber"), e.get("fieldName"))
            for e in engine.errors_of(outcome.report)]


def cells(path: Path, format: str, **options: Any) -> list[dict[str, Any]]:
    import frictionless

    with frictionless.system.use_context(trusted=True):
        with frictionless.Resource(path=str(path), format=format,
                                   **options) as table:
            return table.read_rows()


class TestEncodings:
    def test_windows_1252_semicolons_and_decimal_commas(self, tmp_path):
        path = files.windows_1252(tmp_path / "excel.csv")
        assert reading.detect_encoding(str(path)) == "windows-1252"
        schema = infer(str(path), "csv",
                       reading.infer_dialect(str(path), "csv"))
        persen = schema["fields"][2]
        assert persen["type"] == "number" and persen["decimalChar"] == ","
        outcome = validate(path, schema=schema)
        assert outcome.status == "success", kinds(outcome)
        assert outcome.encoding == "windows-1252"
        assert outcome.dialect == {"csv": {"delimiter": ";"}}
        rows = cells(path, "csv", encoding="windows-1252",
                     dialect=__import__("frictionless").Dialect
                     .from_descriptor(outcome.dialect))
        assert rows[0]["keterangan"] == "Café sehat"

    @pytest.mark.parametrize("bom", [True, False])
    def test_utf16(self, tmp_path, bom):
        path = files.utf16(tmp_path / "utf16.csv", bom=bom)
        outcome = validate(path)
        assert outcome.status == "success", kinds(outcome)
        assert outcome.encoding.startswith("utf-16")
        assert outcome.report["tasks"][0]["labels"] == [
            "tahun", "kecamatan", "jumlah"]

    def test_a_byte_order_mark_is_not_part_of_the_header(self, tmp_path):
        path = files.utf8_bom(tmp_path / "bom.csv")
        outcome = validate(path)
        assert outcome.status == "success"
        assert outcome.report["tasks"][0]["labels"][0] == "tahun"

    def test_an_encoding_that_is_wrong_is_reported(self, tmp_path):
        path = files.windows_1252(tmp_path / "excel.csv")
        outcome = validate(path, encoding="utf-8")
        assert outcome.status == "failure"
        assert kinds(outcome)[0][0] in ("encoding-error", "source-error")


class TestLayout:
    def test_semicolons_and_decimal_commas(self, tmp_path):
        path = files.semicolon_decimal_comma(tmp_path / "titik-koma.csv")
        schema = {"fields": [
            {"name": "tahun", "type": "year"},
            {"name": "kecamatan", "type": "string"},
            {"name": "persen", "type": "number", "decimalChar": ","}]}
        outcome = validate(path, schema=schema)
        assert outcome.status == "success", kinds(outcome)
        wrong = dict(schema, fields=[*schema["fields"][:2],
                                     {"name": "persen", "type": "number"}])
        assert kinds(validate(path, schema=wrong)) == [
            ("type-error", 2, "persen"), ("type-error", 3, "persen")]

    def test_a_titled_workbook_with_a_header_of_two_rows(self, tmp_path):
        path = files.titled_workbook(tmp_path / "tabel.xlsx")
        dialect = reading.infer_dialect(str(path), "xlsx")
        assert dialect["headerRows"] == [3, 4]
        schema = infer(str(path), "xlsx", dialect)
        assert [f["name"] for f in schema["fields"]] == [
            "Kecamatan", "Tahun", "Jenis Kelamin L", "Jenis Kelamin P",
            "Jumlah"]
        outcome = validate(path, schema=schema, dialect=dialect)
        assert outcome.status == "success", kinds(outcome)
        assert outcome.report["tasks"][0]["stats"]["rows"] == 2

    @pytest.mark.parametrize("content", [
        '[{"tahun": 2023, "kecamatan": "Poncol", "jumlah": 10}, '
        '{"tahun": 2024, "kecamatan": "Parang", "jumlah": "dua"}]',
        '[["tahun", "kecamatan", "jumlah"], [2023, "Poncol", 10], '
        '[2024, "Parang", "dua"]]'])
    def test_json_tables(self, tmp_path, content):
        """Objects or rows under a header row: the columns are inferred and
        checked like a CSV file's."""
        path = tmp_path / "tabel.json"
        path.write_text(content, encoding="utf-8")
        schema = infer(str(path), "json", reading.infer_dialect(
            str(path), "json"))
        assert [f["name"] for f in schema["fields"]] == [
            "tahun", "kecamatan", "jumlah"]
        outcome = validate(path, schema=dict(schema, fields=[
            *schema["fields"][:2], {"name": "jumlah", "type": "integer"}]))
        assert kinds(outcome) == [("type-error", 3, "jumlah")]

    @pytest.mark.parametrize("content", [
        b'[["a"], [1' + b"0" * 4400 + b"]]",  # ijson's C parser would crash
        b"[" * 40 + b"]" * 40,                 # nested too deep
    ])
    def test_json_that_cannot_be_read_safely(self, tmp_path, content):
        path = tmp_path / "tabel.json"
        path.write_bytes(content)
        assert kinds(validate(path)) == [("magetan-bad-json", None, None)]
        with pytest.raises(TableSchemaError):
            infer(str(path), "json", {})

    def test_json_cut_off(self, tmp_path):
        path = tmp_path / "tabel.json"
        path.write_bytes(b'[["a", "[{\\"]"], [1, 2')
        assert kinds(validate(path)) == [("source-error", None, None)]

    def test_json_that_is_no_table(self, tmp_path):
        path = tmp_path / "bukan.json"
        path.write_text('{"judul": "Profil Kabupaten"}', encoding="utf-8")
        assert kinds(validate(path)) == [("source-error", None, None)]

    def test_the_header_row_as_the_person_set_it(self, tmp_path):
        path = files.titled_workbook(tmp_path / "tabel.xlsx")
        # read from row 1, the title row is taken as the header
        outcome = validate(path, dialect={})
        assert outcome.status == "failure"

    def test_formula_cells_without_values(self, tmp_path):
        path = files.titled_workbook(tmp_path / "rumus.xlsx", formula=True)
        outcome = validate(path)
        assert kinds(outcome) == [("magetan-formula", None, None)]
        error = engine.errors_of(outcome.report)[0]
        assert error["params"]["cells"] == ["E6"]


class TestBadFiles:
    def test_an_empty_file(self, tmp_path):
        path = tmp_path / "kosong.csv"
        path.write_bytes(b"")
        assert kinds(validate(path)) == [("magetan-empty-file", None, None)]

    @pytest.mark.parametrize("name", ["halaman.csv", "ekspor.xls",
                                      "ekspor.xlsx"])
    def test_a_web_page_saved_as_a_table(self, tmp_path, name):
        path = files.html_as(tmp_path / name)
        assert kinds(validate(path)) == [("magetan-html", None, None)]

    def test_a_file_over_the_size_limit(self, tmp_path):
        path = tmp_path / "besar.csv"
        path.write_bytes(files.wide_csv(1000))
        small = source.Limits(max_bytes=1000, max_unzipped_bytes=10 ** 6)
        outcome = validate(path, limits=small)
        assert kinds(outcome) == [("magetan-too-large", None, None)]
        assert engine.errors_of(outcome.report)[0]["params"]["limit"] == 1000

    def test_a_zip_bomb_disguised_as_xlsx(self, tmp_path):
        path = files.zip_bomb(tmp_path / "bom.xlsx", 30 * 1024 * 1024)
        assert path.stat().st_size < 1024 * 1024
        assert kinds(validate(path)) == [("magetan-zip-bomb", None, None)]

    def test_a_csv_named_xlsx(self, tmp_path):
        path = files.not_a_zip(tmp_path / "bukan.xlsx")
        assert kinds(validate(path)) == [
            ("magetan-not-spreadsheet", None, None)]

    def test_a_workbook_without_worksheets(self, tmp_path):
        import zipfile

        path = tmp_path / "kosong.xlsx"
        files.titled_workbook(path)
        with zipfile.ZipFile(path) as source:
            kept = {n: source.read(n) for n in source.namelist()
                    if not n.startswith("xl/worksheets/")}
        kept["xl/workbook.xml"] = re.sub(
            rb"<sheets>.*</sheets>", b"<sheets/>", kept["xl/workbook.xml"])
        with zipfile.ZipFile(path, "w") as target:
            for name, content in kept.items():
                target.writestr(name, content)
        outcome = validate(path)
        assert outcome.status == "failure"
        assert kinds(outcome)[0][0] == "magetan-not-spreadsheet"

    def test_a_mac_csv_with_carriage_returns_only(self, tmp_path):
        path = tmp_path / "mac.csv"
        path.write_bytes(b"tahun;jumlah\r2023;1\r2024;2\r")
        assert reading.infer_dialect(str(path), "csv") == {
            "csv": {"delimiter": ";"}}

    def test_binary_data_named_csv(self, tmp_path):
        path = tmp_path / "biner.csv"
        path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 20)
        assert kinds(validate(path)) == [("magetan-binary", None, None)]

    def test_blank_and_duplicate_rows(self, tmp_path):
        path = tmp_path / "baris.csv"
        path.write_text("tahun,jumlah\n2023,1\n,\n2023,1\n2024,2\n")
        assert kinds(validate(path)) == [("blank-row", 3, None),
                                         ("duplicate-row", 4, None)]

    def test_a_header_that_does_not_match_the_schema(self, tmp_path):
        path = tmp_path / "kolom.csv"
        path.write_text("tahun,nilai\n2023,1\n")
        schema = {"fields": [{"name": "tahun", "type": "year"},
                             {"name": "jumlah", "type": "integer"}]}
        assert kinds(validate(path, schema=schema))[0][0] == \
            "incorrect-label"

    def test_required_and_primary_key(self, tmp_path):
        path = tmp_path / "kunci.csv"
        path.write_text("kode,jumlah\n35.20.01,1\n35.20.01,2\n,3\n")
        schema = {"fields": [{"name": "kode", "type": "string",
                              "constraints": {"required": True}},
                             {"name": "jumlah", "type": "integer"}],
                  "primaryKey": ["kode"]}
        found = kinds(validate(path, schema=schema))
        assert ("primary-key", 3, None) in found
        assert ("constraint-error", 4, "kode") in found


SCHEMA = {"fields": [
    {"name": "kode", "type": "string", "codelist": "kecamatan"},
    {"name": "kecamatan", "type": "string", "codelist": "kecamatan:nama"},
    {"name": "tahun", "type": "year"},
    {"name": "jumlah", "type": "integer", "unit": "jiwa"},
    {"name": "persen", "type": "number", "unit": "persen"}]}


class TestStatisticalChecks:
    def check(self, tmp_path, text: str, **context: Any) -> engine.Outcome:
        path = tmp_path / "tabel.csv"
        path.write_text(text)
        return validate(path, schema=SCHEMA, context=checks.Context(
            reference_period=context.pop("period", "2022-2024"), **context))

    def test_a_clean_table(self, tmp_path):
        outcome = self.check(tmp_path, (
            "kode,kecamatan,tahun,jumlah,persen\n"
            "35.20.01,Poncol,2024,100,-1.5\n35.20.02,Kec. Parang,2024,50,2\n"
            ",Jumlah,2024,150,\n"), period="2024")
        assert outcome.status == "success", kinds(outcome)
        assert outcome.warnings == []

    def test_codes_and_names(self, tmp_path):
        outcome = self.check(tmp_path, (
            "kode,kecamatan,tahun,jumlah,persen\n"
            "35.20.99,Poncol,2024,1,\n35.20.01,Atlantis,2024,1,\n"
            "35.20.01,Parang,2024,1,\n"), period="2024")
        assert kinds(outcome) == [("magetan-codelist", 2, "kode"),
                                  ("magetan-codelist", 3, "kecamatan"),
                                  ("magetan-code-name", 4, "kecamatan")]

    def test_bps_codes(self, tmp_path):
        path = tmp_path / "bps.csv"
        path.write_text("kode_bps,jumlah\n3520010,1\n3520999,2\n")
        schema = {"fields": [
            {"name": "kode_bps", "type": "integer",
             "codelist": "kecamatan:bps"},
            {"name": "jumlah", "type": "integer"}]}
        assert kinds(validate(path, schema=schema)) == [
            ("magetan-codelist", 3, "kode_bps")]

    def test_desa(self, tmp_path):
        path = tmp_path / "desa.csv"
        path.write_text("kode_desa,desa\n35.20.01.2001,Poncol\n"
                        "35.20.01.9999,Poncol\n")
        schema = {"fields": [
            {"name": "kode_desa", "type": "string", "codelist": "desa"},
            {"name": "desa", "type": "string", "codelist": "desa:nama"}]}
        assert kinds(validate(path, schema=schema)) == [
            ("magetan-codelist", 3, "kode_desa")]

    def test_the_reference_period(self, tmp_path):
        outcome = self.check(tmp_path, (
            "kode,kecamatan,tahun,jumlah,persen\n"
            "35.20.01,Poncol,2021,1,\n35.20.01,Poncol,2024,1,\n"))
        assert kinds(outcome) == [("magetan-period", 2, "tahun")]
        assert [w["type"] for w in outcome.warnings] == [
            "magetan-missing-period"]
        assert outcome.warnings[0]["params"]["years"] == [2022, 2023]

    @pytest.mark.parametrize("period,inside", [
        ("2024-S1", "2024-03-31"), ("2024-Q3", "2024-08-01"),
        ("2024-05", "2024-05-31")])
    def test_periods_shorter_than_a_year(self, tmp_path, period, inside):
        path = tmp_path / "tanggal.csv"
        path.write_text(f"tanggal,jumlah\n{inside},1\n2025-01-01,1\n")
        schema = {"fields": [{"name": "tanggal", "type": "date"},
                             {"name": "jumlah", "type": "integer"}]}
        outcome = validate(path, schema=schema, context=checks.Context(
            reference_period=period))
        assert kinds(outcome) == [("magetan-period", 3, "tanggal")]

    def test_negative_counts(self, tmp_path):
        outcome = self.check(tmp_path, (
            "kode,kecamatan,tahun,jumlah,persen\n"
            "35.20.01,Poncol,2024,-3,-2.5\n"), period="2024")
        # persons cannot be negative; a percentage change can
        assert kinds(outcome) == [("magetan-negative", 2, "jumlah")]

    def test_the_dataset_unit_stands_for_columns_without_one(self, tmp_path):
        path = tmp_path / "satuan.csv"
        path.write_text("tahun,nilai\n2024,-1\n")
        schema = {"fields": [{"name": "tahun", "type": "year"},
                             {"name": "nilai", "type": "integer"}]}
        outcome = validate(path, schema=schema,
                           context=checks.Context(unit="kasus"))
        assert kinds(outcome) == [("magetan-negative", 2, "nilai")]

    def test_a_total_that_does_not_add_up(self, tmp_path):
        outcome = self.check(tmp_path, (
            "kode,kecamatan,tahun,jumlah,persen\n"
            "35.20.01,Poncol,2023,10,1\n35.20.02,Parang,2023,5,1\n"
            ",Jumlah,2023,16,2\n"
            "35.20.01,Poncol,2024,11,1\n35.20.02,Parang,2024,5,1\n"
            ",Jumlah,2024,16,9\n"))
        # percentages do not add up: only persons are checked
        assert kinds(outcome) == [("magetan-total", 4, "jumlah")]
        error = engine.errors_of(outcome.report)[0]
        assert "15" in error["note"]

    def test_other_measures_do_not_take_the_dataset_unit(self, tmp_path):
        """A "Kecamatan Dalam Angka" table: counts, growth rates and
        densities side by side, the dataset's unit being the counts'."""
        path = tmp_path / "penduduk.csv"
        path.write_text("kecamatan,jumlah_penduduk,laju_pertumbuhan,"
                        "kepadatan\nPoncol,30000,-0.5,400\n"
                        "Parang,40000,1.2,500\nJumlah,70000,0.7,450\n")
        schema = {"fields": [
            {"name": "kecamatan", "type": "string"},
            {"name": "jumlah_penduduk", "type": "integer"},
            {"name": "laju_pertumbuhan", "type": "number"},
            {"name": "kepadatan", "type": "integer"}]}
        outcome = validate(path, schema=schema,
                           context=checks.Context(unit="jiwa"))
        assert outcome.status == "success", kinds(outcome)

    def test_kecamatan_magetan_is_not_a_total(self, tmp_path):
        outcome = self.check(tmp_path, (
            "kode,kecamatan,tahun,jumlah,persen\n"
            "35.20.01,Poncol,2024,10,1\n35.20.06,Magetan,2024,5,1\n"
            ",Kabupaten Magetan,2024,15,\n"), period="2024")
        assert outcome.status == "success", kinds(outcome)

    def test_the_regency_totals_its_kecamatan(self, tmp_path):
        outcome = self.check(tmp_path, (
            "kode,kecamatan,tahun,jumlah,persen\n"
            "35.20.01,Poncol,2024,10,1\n35.20.02,Parang,2024,5,1\n"
            ",Kabupaten Magetan,2024,16,\n"), period="2024")
        assert kinds(outcome) == [("magetan-total", 4, "jumlah")]

    def test_the_regency_totals_parts_without_a_place_too(self, tmp_path):
        """A part with a blank or unknown label (Lainnya) is still a part."""
        outcome = self.check(tmp_path, (
            "kode,kecamatan,tahun,jumlah,persen\n"
            "35.20.01,Poncol,2024,10,1\n35.20.02,Parang,2024,20,1\n"
            ",,2024,5,\n,Kabupaten Magetan,2024,99,\n"), period="2024")
        assert ("magetan-total", 5, "jumlah") in kinds(outcome)

    def test_the_regency_beside_other_regions_is_no_total(self, tmp_path):
        """A table comparing the regency with the province and Indonesia:
        its row is one among others, not their sum."""
        path = tmp_path / "banding.csv"
        path.write_text("wilayah,tahun,penduduk\n"
                        "Kabupaten Magetan,2024,690000\n"
                        "Provinsi Jawa Timur,2024,41000000\n"
                        "Indonesia,2024,281000000\n")
        schema = {"fields": [
            {"name": "wilayah", "type": "string"},
            {"name": "tahun", "type": "year"},
            {"name": "penduduk", "type": "integer", "unit": "jiwa"}]}
        outcome = validate(path, schema=schema,
                           context=checks.Context(reference_period="2024"))
        assert outcome.status == "success", kinds(outcome)

    def test_not_a_number_is_no_crash(self, tmp_path):
        path = tmp_path / "nan.csv"
        path.write_text("wilayah,luas\nA,NaN\nB,-inf\nJumlah,inf\n")
        schema = {"fields": [{"name": "wilayah", "type": "string"},
                             {"name": "luas", "type": "number",
                              "unit": "km2"}]}
        assert validate(path, schema=schema).status == "success"

    def test_subtotals_are_not_parts(self, tmp_path):
        path = tmp_path / "subtotal.csv"
        path.write_text("wilayah,jumlah\nDesa A,1\nDesa B,2\n"
                        "Jumlah Kecamatan X,3\nDesa C,4\nJumlah,7\n")
        schema = {"fields": [{"name": "wilayah", "type": "string"},
                             {"name": "jumlah", "type": "integer",
                              "unit": "jiwa"}]}
        assert validate(path, schema=schema).status == "success"

    def test_decimals_within_rounding(self, tmp_path):
        path = tmp_path / "desimal.csv"
        path.write_text("wilayah,luas\nA,1.33\nB,1.33\nC,1.33\nTotal,4.00\n"
                        "X,1\n")
        schema = {"fields": [{"name": "wilayah", "type": "string"},
                             {"name": "luas", "type": "number",
                              "unit": "km2"}]}
        # 3.99 against 4.00: within the rounding of three values
        outcome = validate(path, schema=schema)
        assert ("magetan-total", 5, "luas") in kinds(outcome)
        path.write_text("wilayah,luas\nA,1.33\nB,1.33\nC,1.33\nTotal,4.00\n")
        assert validate(path, schema=schema).status == "success"

    def test_jumps_are_warnings(self, tmp_path):
        outcome = self.check(tmp_path, (
            "kode,kecamatan,tahun,jumlah,persen\n"
            "35.20.01,Poncol,2022,100,10\n35.20.01,Poncol,2023,104,10\n"
            "35.20.01,Poncol,2024,900,10\n35.20.02,Parang,2022,3,1\n"
            "35.20.02,Parang,2023,8,1\n35.20.02,Parang,2024,8,1\n"))
        assert outcome.status == "success"
        jumps = [w for w in outcome.warnings if w["type"] == "magetan-jump"]
        # Parang's 3 to 8 is below the floor of 10
        assert [(w["rowNumber"], w["fieldName"]) for w in jumps] == [
            (4, "jumlah")]
        assert jumps[0]["params"]["from"] == "2023"
        assert outcome.report["tasks"][0]["warnings"]

    def test_the_threshold_is_configurable(self, tmp_path):
        text = ("kode,kecamatan,tahun,jumlah,persen\n"
                "35.20.01,Poncol,2023,100,10\n35.20.01,Poncol,2024,130,10\n")
        assert not self.check(tmp_path, text, period="2023-2024").warnings
        assert self.check(tmp_path, text, period="2023-2024",
                          jump_threshold=0.2).warnings


@pytest.mark.parametrize("value,messages", [
    ({"headerRows": [0]}, 1), ({"headerRows": [3, 2]}, 1),
    ({"headerRows": "3"}, 1), ({"csv": {"delimiter": ";;"}}, 1),
    ({"sql": {"table": "user"}}, 1), ({"csv": {"url": "x"}}, 1),
    ({"excel": {"sheet": ""}}, 1), ("{not json", 1), ([1], 1),
    ({"headerRows": [True]}, 1),
    # comment rows would hide rows from the validation
    ({"commentRows": [3]}, 1), ({"commentChar": "#"}, 1)])
def test_dialects_refused(value, messages):
    with pytest.raises(reading.DialectError) as caught:
        reading.check_dialect(value)
    assert len(caught.value.messages) == messages


@pytest.mark.parametrize("value", ["base64", "rot13", "nope", "x" * 100, 5,
                                   "idna", "undefined", "utf-8\x00",
                                   "zlib"])
def test_encodings_refused(value):
    with pytest.raises(reading.DialectError):
        reading.check_encoding(value)


def test_the_form_reads_the_options():
    resource = {"dialect": '{"header": true}',
                "dialect-headerRows": "4, 5", "dialect-sheet": "2",
                "dialect-delimiter": "semicolon"}
    assert reading.pop_dialect_form(resource)
    assert resource["dialect"] == {
        "header": True, "headerRows": [4, 5], "headerJoin": " ",
        "excel": {"sheet": 2}, "ods": {"sheet": 2},
        "csv": {"delimiter": ";"}}
    assert reading.form_values(resource["dialect"]) == {
        "headerRows": "4, 5", "sheet": "2", "delimiter": "semicolon"}
    cleared = {"dialect": resource["dialect"], "dialect-headerRows": "",
               "dialect-sheet": "", "dialect-delimiter": ""}
    reading.pop_dialect_form(cleared)
    assert cleared["dialect"] == {"header": True}


@pytest.mark.parametrize("address", [
    "127.0.0.1", "10.1.2.3", "169.254.169.254", "::1", "fe80::1",
    "::ffff:127.0.0.1", "::127.0.0.1", "64:ff9b::a9fe:a9fe",
    "2002:a9fe:a9fe::1", "2001:0:4136:e378:8000:63bf:f5fe:fefe"])
def test_addresses_of_the_portals_network_are_refused(address):
    with pytest.raises(source.FetchError):
        source._refuse_address(address)


@pytest.mark.parametrize("address", ["8.8.8.8", "2606:4700::1111"])
def test_public_addresses_are_read(address):
    source._refuse_address(address)


class TestDnsRebinding:
    """The address checked is the address connected to: a name resolved
    once, its answer pinned for the connection."""

    LIMITS = source.Limits(max_bytes=1024, max_unzipped_bytes=1024,
                           timeout=5)

    def test_a_name_that_rebinds_gets_no_second_look_up(self, monkeypatch,
                                                       tmp_path):
        import socket

        import urllib3.util.connection

        answers = iter(["8.8.8.8", "127.0.0.1", "127.0.0.1"])
        looked_up, connected = [], []

        def getaddrinfo(host, port, *args, **kwargs):
            looked_up.append(host)
            address = next(answers)
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "",
                     (address, port))]

        def create_connection(address, *args, **kwargs):
            connected.append(address[0])
            raise OSError("no network in this test")

        monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
        monkeypatch.setattr(urllib3.util.connection, "create_connection",
                            create_connection)
        monkeypatch.setattr(urllib3.connection.connection,
                            "create_connection", create_connection)
        with open(tmp_path / "copy", "wb") as target, \
                pytest.raises(source.FetchError, match="cannot be read"):
            source.download("http://data.example.org/tabel.csv", target,
                            self.LIMITS)
        assert looked_up == ["data.example.org"]
        assert connected == ["8.8.8.8"]

    @pytest.mark.parametrize("url", [
        "http://127.0.0.1:9/tabel.csv", "http://localhost:9/tabel.csv",
        "http://[::1]:9/tabel.csv"])
    def test_links_into_the_portals_network_are_refused(self, url,
                                                        tmp_path):
        with open(tmp_path / "copy", "wb") as target, \
                pytest.raises(source.FetchError):
            source.download(url, target, self.LIMITS)
