"""A report in words: for each error of a frictionless report, where it is
(row, column), what is wrong and how to fix it, in the portal's language.

The report keeps frictionless' own English notes; these messages are
written from the error's type and its numbers, so that they translate.
"""
from __future__ import annotations

import re
from typing import Any, Callable, Mapping, Optional

from ckan.plugins import toolkit as tk

_CONSTRAINT = re.compile(r'constraint "(\w+)" is "(.*)"')
_TYPE = re.compile(r'type is "(\w+)/')


def _types() -> dict[str, str]:
    return {
        "integer": tk._("a whole number (without dots, commas or letters)"),
        "number": tk._("a number"),
        "year": tk._("a year of four digits"),
        "date": tk._("a date (YYYY-MM-DD)"),
        "yearmonth": tk._("a year and month (YYYY-MM)"),
        "datetime": tk._("a date and time"),
        "boolean": tk._("yes or no (true/false)"),
        "string": tk._("text"),
    }


def _constraint_text(name: str, value: str) -> str:
    texts = {
        "required": tk._("the column must be filled in on every row"),
        "unique": tk._("each value may appear only once"),
        "minimum": tk._("the smallest value allowed is {value}"),
        "maximum": tk._("the largest value allowed is {value}"),
        "minLength": tk._("at least {value} characters"),
        "maxLength": tk._("at most {value} characters"),
        "pattern": tk._("the value must follow the pattern {value}"),
        "enum": tk._("the value must be one of {value}"),
    }
    return texts.get(name, tk._("the rule {name} is {value}")).format(
        name=name, value=value)


Describer = Callable[[Mapping[str, Any]], tuple[str, str]]


def _what_and_fix(error: Mapping[str, Any]) -> tuple[str, str]:
    kind = error.get("type", "")
    cell = error.get("cell", "")
    note = error.get("note", "")
    params = error.get("params") or {}
    if kind == "type-error":
        found = _TYPE.search(note)
        wanted = _types().get(found.group(1) if found else "",
                              tk._("the column's type"))
        return (tk._('"{cell}" is not {wanted}.').format(cell=cell,
                                                         wanted=wanted),
                tk._("Write the value as {wanted}, or correct the column's "
                     "type in the data structure.").format(wanted=wanted))
    if kind == "constraint-error":
        found = _CONSTRAINT.search(note)
        rule = _constraint_text(*found.groups()) if found else note
        return (tk._('"{cell}" breaks a rule of the column: {rule}.').format(
                    cell=cell, rule=rule),
                tk._("Correct the value, or the rule in the data "
                     "structure if the rule is wrong."))
    simple: dict[str, tuple[str, str]] = {
        "blank-row": (tk._("The row is empty."),
                      tk._("Delete the empty row.")),
        "duplicate-row": (tk._("The row repeats an earlier row exactly."),
                          tk._("Delete the repeated row.")),
        "extra-cell": (tk._('The row has a value "{cell}" beyond the last '
                            "column."),
                       tk._("Remove the extra value, or add the column to "
                            "the header and the data structure.")),
        "missing-cell": (tk._("The row ends before this column."),
                         tk._("Fill in the missing value (leave it empty "
                              "but keep the separator).")),
        "unique-error": (tk._('"{cell}" appears more than once in a column '
                              "whose values must be unique."),
                         tk._("Keep one row per value.")),
        "primary-key": (tk._("The row repeats the key of an earlier row."),
                        tk._("Each combination of the key columns may "
                             "appear only once.")),
        "blank-label": (tk._("The header has an empty column name."),
                        tk._("Give the column a name, or delete the empty "
                             "column.")),
        "duplicate-label": (tk._('The column name "{cell}" appears twice in '
                                 "the header."),
                            tk._("Give each column its own name.")),
        "extra-label": (tk._('The header has a column "{cell}" that the '
                             "data structure does not describe."),
                        tk._("Describe the column in the data structure, or "
                             "remove it from the file.")),
        "missing-label": (tk._("A column of the data structure is missing "
                               "from the file."),
                          tk._("Add the column to the file, or remove it "
                               "from the data structure.")),
        "incorrect-label": (tk._('The header says "{cell}" where the data '
                                 "structure has another column."),
                            tk._("Put the columns in the order of the data "
                                 "structure, with the same names.")),
        "encoding-error": (tk._("The characters of the file cannot be read "
                                "in its text encoding."),
                           tk._("Choose the text encoding under How the file "
                                "is read, or save the file as CSV UTF-8.")),
        "format-error": (tk._("The file cannot be read in its format."),
                         tk._("Check the format and the sheet, or save the "
                              "file again from the spreadsheet program.")),
        "source-error": (tk._("The file cannot be read."),
                         tk._("Upload the file again; if it persists, save "
                              "it as CSV UTF-8.")),
        "scheme-error": (tk._("The file cannot be reached."),
                         tk._("Check the link, or upload the file.")),
        "schema-error": (tk._("The data structure is not valid."),
                         tk._("Correct the data structure of the "
                              "resource.")),
        "dialect-error": (tk._("The reading options are not valid."),
                          tk._("Correct How the file is read.")),
        "magetan-codelist": (tk._('"{cell}" is not in the code list of the '
                                  "column."),
                             tk._("Use the code or name of the reference "
                                  "list (Kemendagri or BPS), as in "
                                  "/api/3/action/magetan_codelist_show.")),
        "magetan-code-name": (tk._('The name "{cell}" does not match the code '
                                   "on the same row."),
                              tk._("Correct the code or the name so that "
                                   "both name the same place.")),
        "magetan-period": (tk._('The period "{cell}" is outside the '
                                "dataset's reference period."),
                           tk._("Correct the period, or the reference period "
                                "of the dataset.")),
        "magetan-negative": (tk._('"{cell}" is negative, which its unit '
                                  "cannot be."),
                             tk._("Correct the value; a count or an area is "
                                  "zero or more.")),
        "magetan-total": (tk._('The total "{cell}" is not the sum of the rows '
                               "it totals ({sum})."),
                          tk._("Correct the total or the rows it adds up.")),
        "magetan-empty-file": (tk._("The file is empty."),
                               tk._("Upload the file that holds the table.")),
        "magetan-too-large": (tk._("The file is larger than the portal "
                                   "validates ({size} of at most {limit} "
                                   "bytes)."),
                              tk._("Split the table into several files, by "
                                   "year for instance.")),
        "magetan-html": (tk._("The file is a web page (HTML), not a table."),
                         tk._("Open it in the spreadsheet program and save "
                              "it as CSV or Excel workbook (.xlsx).")),
        "magetan-not-spreadsheet": (tk._("The file is not the workbook its "
                                         "name says."),
                                    tk._("Save it again as Excel workbook "
                                         "(.xlsx) or as CSV.")),
        "magetan-zip-bomb": (tk._("The workbook unpacks to far more than "
                                  "the portal reads ({size} of at most "
                                  "{limit} bytes)."),
                             tk._("Save the table alone in a new workbook, "
                                  "or as CSV.")),
        "magetan-formula": (tk._("{count} formula cells have no computed "
                                 "value: {cells}."),
                            tk._("Open the file in the spreadsheet program, "
                                 "let it compute, and save it; or paste the "
                                 "values instead of the formulas.")),
        "magetan-bad-json": (tk._("The JSON file cannot be read as a table: "
                                  "it is not valid JSON, or nests too deep."),
                             tk._("Save the table as an array of rows or of "
                                  "objects, or as CSV.")),
        "magetan-binary": (tk._("The file holds binary data, not text."),
                           tk._("Upload the table itself, saved as CSV or "
                                "Excel workbook.")),
        "magetan-missing-file": (tk._("The uploaded file is missing from the "
                                      "storage."),
                                 tk._("Upload the file again.")),
        "magetan-too-many-columns": (
            tk._("The table has {count} columns; the portal validates at "
                 "most {limit}."),
            tk._("Split the table into several files.")),
    }
    if kind in simple:
        what, fix = simple[kind]
        found = re.search(r"add up to (\S+)", note)
        values = {"cell": cell, "sum": found.group(1) if found else "",
                  "size": params.get("size", ""),
                  "limit": params.get("limit", ""),
                  "count": params.get("count", ""),
                  "cells": ", ".join(params.get("cells") or [])}
        return what.format(**values), fix
    return note or kind, tk._("See the note of the error.")


def describe(error: Mapping[str, Any]) -> dict[str, Any]:
    """``where`` (row and column, when the error has them), ``what`` and
    ``fix`` of one error of a report."""
    row = error.get("rowNumber")
    column = error.get("fieldName")
    number = error.get("fieldNumber")
    if row and column:
        where = tk._("Row {row}, column {column} (no. {number})").format(
            row=row, column=column, number=number)
    elif row:
        where = tk._("Row {row}").format(row=row)
    elif column:
        where = tk._("Column {column}").format(column=column)
    else:
        where = tk._("The whole file")
    what, fix = _what_and_fix(error)
    return {"where": where, "what": what, "fix": fix,
            "type": error.get("type"), "row": row, "column": column,
            "cells": error.get("cells")}


def describe_warning(warning: Mapping[str, Any]) -> dict[str, Any]:
    kind = warning.get("type")
    params = warning.get("params") or {}
    if kind == "magetan-jump":
        what = tk._("{column} moves from {previous} ({before}) to {value} "
                    "({after}), {change:+.0%}.").format(
                        column=warning.get("fieldName"),
                        previous=params.get("previous"),
                        value=params.get("value"),
                        before=params.get("from"), after=params.get("to"),
                        change=float(params.get("change") or 0))
        fix = tk._("Check the value; if it is right, explain the change in "
                   "the dataset's notes.")
    elif kind == "magetan-missing-period":
        what = tk._("Years of the reference period without data: "
                    "{years}.").format(years=", ".join(
                        str(y) for y in params.get("years") or []))
        fix = tk._("Add the missing years, or correct the reference "
                   "period.")
    elif kind == "magetan-formulas-read":
        what = tk._("{count} formula cells were read as their computed "
                    "values.").format(count=params.get("count"))
        fix = tk._("Nothing to do, if the values are the ones you see in "
                   "the spreadsheet.")
    else:
        what, fix = str(warning.get("note") or kind), ""
    row = warning.get("rowNumber")
    return {"what": what, "fix": fix, "row": row,
            "where": tk._("Row {row}").format(row=row) if row else None}


def error_message(error: Optional[Mapping[str, Any]]) -> str:
    """Why a validation could not run (status ``error``), in words."""
    if not error:
        return ""
    kind = error.get("type")
    texts = {
        "magetan-fetch": tk._("The linked file could not be downloaded: "
                              "{message}"),
        "magetan-timeout": tk._("The validation took longer than allowed; "
                                "split the file into smaller ones."),
        "magetan-memory": tk._("The validation needed more memory than "
                               "allowed; split the file into smaller ones."),
        "magetan-dialect": tk._("The reading options are not valid: "
                                "{message}"),
        # what stopped it is in the log, for the administrator
        "magetan-crash": tk._("The validation stopped unexpectedly; "
                              "validate again, and if it stops again, tell "
                              "Walidata."),
    }
    text = texts.get(kind, tk._("The validation stopped: {message}"))
    return text.format(message=error.get("message", ""))
