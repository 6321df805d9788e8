"""Table files as OPDs send them, good and bad, for the validation tests."""
from __future__ import annotations

import io
import zipfile
from pathlib import Path

import openpyxl

UTF8 = "tahun,kecamatan,jumlah\n2023,Poncol,10\n2024,Parang,12\n"


def utf8(path: Path) -> Path:
    path.write_text(UTF8, encoding="utf-8")
    return path


def windows_1252(path: Path) -> Path:
    """Excel's "CSV" on an Indonesian Windows: Windows-1252, semicolons and
    decimal commas."""
    text = "tahun;keterangan;persen\n2023;Café sehat;12,5\n2024;Rumah â€“ bersih;3,25\n"
    path.write_bytes(text.encode("windows-1252", "replace"))
    return path


def utf16(path: Path, bom: bool = True) -> Path:
    data = UTF8.encode("utf-16" if bom else "utf-16-le")
    path.write_bytes(data)
    return path


def utf8_bom(path: Path) -> Path:
    path.write_bytes(b"\xef\xbb\xbf" + UTF8.encode("utf-8"))
    return path


def semicolon_decimal_comma(path: Path) -> Path:
    path.write_text("tahun;kecamatan;persen\n2023;Poncol;12,5\n"
                    "2024;Parang;7,25\n", encoding="utf-8")
    return path


def titled_workbook(path: Path, formula: bool = False) -> Path:
    """A statistics table as it is printed: a title, a source line, a header
    of two rows with a merged cell, then the data."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Tabel 4.1"
    sheet["A1"] = "Tabel 4.1 Jumlah Penduduk Menurut Kecamatan dan Jenis Kelamin"
    sheet.merge_cells("A1:E1")
    sheet["A2"] = "Sumber: Dinas Kependudukan dan Pencatatan Sipil"
    sheet.append(["Kecamatan", "Tahun", "Jenis Kelamin", None, "Jumlah"])
    sheet.merge_cells("C3:D3")
    sheet.merge_cells("A3:A4")
    sheet.merge_cells("B3:B4")
    sheet.merge_cells("E3:E4")
    sheet.append([None, None, "L", "P", None])
    sheet.append(["Poncol", 2024, 100, 120, 220])
    sheet.append(["Parang", 2024, 90, 95, "=C6+D6" if formula else 185])
    book.save(path)
    return path


def html_as(path: Path) -> Path:
    path.write_text("<!DOCTYPE html>\n<html><head><title>Data</title></head>"
                    "<body><table><tr><td>1</td></tr></table></body></html>",
                    encoding="utf-8")
    return path


def zip_bomb(path: Path, unpacked: int) -> Path:
    """An "XLSX" whose one sheet unpacks to ``unpacked`` bytes of zeros."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("xl/worksheets/sheet1.xml", "w") as member:
            block = b"0" * (1024 * 1024)
            for _ in range(unpacked // len(block)):
                member.write(block)
    return path


def not_a_zip(path: Path) -> Path:
    path.write_bytes(b"tahun,jumlah\n2024,1\n")
    return path


def wide_csv(rows: int, duplicate_every: int = 0) -> bytes:
    out = io.StringIO()
    out.write("id,tahun,kecamatan,jumlah\n")
    for n in range(rows):
        number = n if not duplicate_every or n % duplicate_every else n - 1
        out.write(f"{number},2024,Poncol,{number % 997}\n")
    return out.getvalue().encode("utf-8")
