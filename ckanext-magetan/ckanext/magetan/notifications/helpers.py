"""Template helpers of notifications."""
from __future__ import annotations

from ckan.plugins import toolkit as tk

__all__ = ["magetan_unread_notifications"]


def magetan_unread_notifications() -> int:
    if not tk.current_user.is_authenticated:
        return 0
    return tk.get_action("magetan_notification_list")(
        {"user": tk.current_user.name}, {"limit": 1})["unread"]
