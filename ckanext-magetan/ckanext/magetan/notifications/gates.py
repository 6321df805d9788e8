"""The workflow's hook: every step notifies whoever it concerns."""
from __future__ import annotations

from typing import Any

from ckanext.magetan import notifications


def after_transition(package_id: str, event: dict[str, Any]) -> None:
    notifications.record(package_id, event)
