"""Parameters of the review actions."""
from __future__ import annotations

import re
from typing import Any

from ckan.plugins import toolkit as tk
from ckan.types import Schema

from ckanext.magetan import review
from ckanext.magetan.workflow.schema import text

MAX_ID = 2 ** 63 - 1


def verdict_name(value: Any) -> Any:
    if not isinstance(value, str) or value not in review.VERDICTS:
        raise tk.Invalid(tk._("Unknown verdict; one of: {names}").format(
            names=", ".join(review.VERDICTS)))
    return value


def comment_id(value: Any) -> Any:
    """A comment's number (a positive integer, as text or a number)."""
    if isinstance(value, bool):
        raise tk.Invalid(tk._("Give a comment's number."))
    if isinstance(value, str) and re.fullmatch(r"[0-9]{1,19}", value.strip()):
        value = int(value.strip())
    if not isinstance(value, int) or not 0 < value <= MAX_ID:
        raise tk.Invalid(tk._("Give a comment's number."))
    return value


def comment_schema() -> Schema:
    not_empty = tk.get_validator("not_empty")
    ignore_missing = tk.get_validator("ignore_missing")
    unicode_safe = tk.get_validator("unicode_safe")
    return {
        "id": [not_empty, unicode_safe, text],
        "field": [ignore_missing, text],
        "resource_id": [ignore_missing, text],
        "verdict": [not_empty, verdict_name],
        "feedback": [ignore_missing, text],
    }


def respond_schema() -> Schema:
    not_empty = tk.get_validator("not_empty")
    # text strips before not_empty looks: blank is empty
    return {"id": [not_empty, comment_id],
            "response": [text, not_empty]}


def list_schema() -> Schema:
    not_empty = tk.get_validator("not_empty")
    unicode_safe = tk.get_validator("unicode_safe")
    return {"id": [not_empty, unicode_safe, text]}
