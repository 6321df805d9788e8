"""Notifications are their owner's: any signed-in user reads their own."""
from __future__ import annotations

from ckan.types import AuthResult, Context, DataDict

__all__ = ["magetan_notification_list", "magetan_notification_mark_read"]


def magetan_notification_list(context: Context,
                              data_dict: DataDict) -> AuthResult:
    return {"success": bool(context.get("user"))}


def magetan_notification_mark_read(context: Context,
                                   data_dict: DataDict) -> AuthResult:
    return {"success": bool(context.get("user"))}
