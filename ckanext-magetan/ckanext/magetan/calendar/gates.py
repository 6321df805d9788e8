"""The workflow's hook: the calendar follows every version's steps."""
from __future__ import annotations

from typing import Any

from ckanext.magetan import calendar


def after_transition(package_id: str, event: dict[str, Any]) -> None:
    calendar.follow_transition(package_id, event)
