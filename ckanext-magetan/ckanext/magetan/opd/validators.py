"""Validators of the OPD schema."""
from __future__ import annotations

import re
from typing import Any

from ckan.plugins import toolkit as tk

__all__ = ["magetan_opd_code"]

OPD_CODE = re.compile(r"^\d+(?:\.\d+)*$")


def magetan_opd_code(value: Any) -> Any:
    """An SIPD organisational-unit code: digits separated by dots."""
    if value in (None, "", tk.missing):
        return value
    code = str(value).strip()
    if not OPD_CODE.match(code) or len(code) > 40:
        raise tk.Invalid(tk._(
            "Use digits separated by dots (e.g. 1.02.0.00.0.00.01.0000)."))
    return code
