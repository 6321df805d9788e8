"""Validators of the indikator schema (ckanext-scheming `validators:`)."""
from __future__ import annotations

import re
from typing import Any

import sqlalchemy as sa

import ckan.model as model
from ckan.plugins import toolkit as tk
from ckan.types import Context, FlattenDataDict, FlattenErrorDict, FlattenKey

from ckanext.magetan.entities import may_read, own_id
from ckanext.magetan.workflow import revisions

__all__ = ["magetan_indicator_code", "magetan_reference_period",
           "magetan_open_license", "magetan_composite_components"]

_missing = tk.missing
INDICATOR_CODE = re.compile(r"^[A-Z0-9]+(?:[.\-][A-Z0-9]+)*$")
# 2024 | 2024-S1 | 2024-Q3 | 2024-05 | 2020-2024 (a span of years)
REFERENCE_PERIOD = re.compile(
    r"^(?:\d{4}(?:-(?:S[12]|Q[1-4]|0[1-9]|1[0-2]))?|\d{4}\s*[-–]\s*\d{4})$")


def magetan_indicator_code(key: FlattenKey, data: FlattenDataDict,
                           errors: FlattenErrorDict, context: Context) -> Any:
    """A Matriks Indikator code, in capitals, used by one dataset only."""
    value = data.get(key)
    if value is _missing or value is None or value == "":
        return
    code = str(value).strip().upper()
    data[key] = code
    if not 3 <= len(code) <= 40 or not INDICATOR_CODE.match(code):
        errors[key].append(tk._(
            "Use 3 to 40 letters and digits, separated by dots or dashes "
            "(e.g. IND-DINKES-001)."))
        return
    # A revision shares its code with the published dataset it revises.
    own = own_id(key, data, context, "package")
    same = revisions.family(own or context.get("magetan_revision_of"))
    same.discard(None)
    other = model.Session.execute(sa.text(
        "SELECT id, name FROM package WHERE extras ->> 'indicator_code' = :code "
        "AND state <> 'deleted' AND id IS DISTINCT FROM :id "
        "AND NOT (id = ANY(:same)) LIMIT 1"),
        {"code": code, "id": own, "same": sorted(same)},
    ).first()
    if other is None:
        return
    # A private or draft dataset is named only to those who may read it.
    if may_read(context, "package_show", other.id):
        errors[key].append(tk._(
            "Indicator code {code} is already used by dataset {name}.").format(
                code=code, name=other.name))
    else:
        errors[key].append(tk._(
            "Indicator code {code} is already used by another dataset.")
            .format(code=code))


def magetan_reference_period(value: Any) -> Any:
    """A reference period: 2024, 2024-S1, 2024-Q3, 2024-05 or 2020-2024."""
    if value in (None, "", _missing):
        return value
    text = str(value).strip()
    if not REFERENCE_PERIOD.match(text):
        raise tk.Invalid(tk._(
            "Write the period as a year (2024), a half year (2024-S1), a "
            "quarter (2024-Q3), a month (2024-05) or years (2020-2024)."))
    years = [int(y) for y in re.findall(r"\d{4}", text)]
    if any(not 1900 <= y <= 2100 for y in years) or years != sorted(years):
        raise tk.Invalid(tk._("The years of the period are not valid."))
    return text


def magetan_open_license(value: Any) -> Any:
    """An open licence of CKAN's licence register."""
    if value in (None, "", _missing):
        return value
    licence = model.Package.get_license_register().get(value)
    if licence is None or not licence.isopen():
        raise tk.Invalid(tk._(
            "Choose an open licence; open data must be reusable."))
    return value


def magetan_composite_components(key: FlattenKey, data: FlattenDataDict,
                                 errors: FlattenErrorDict,
                                 context: Context) -> Any:
    """A composite indicator names the indicators it is built from."""
    composite = data.get(key[:-1] + ("is_composite",))
    value = data.get(key)
    listed = [v for v in (value if isinstance(value, list) else [value])
              if v not in (None, "", _missing)]
    if composite is not _missing and str(composite).lower() == "true" \
            and not listed:
        errors[key].append(tk._(
            "A composite indicator needs at least one building indicator."))
