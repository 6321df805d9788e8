"""The notification list (Notifikasi)."""
from __future__ import annotations

from typing import Any

from flask import Blueprint, request

from ckan.plugins import toolkit as tk

from ckanext.magetan import web

notification_pages = Blueprint("magetan_notifications", __name__)


@notification_pages.route("/notifikasi", methods=["GET", "POST"])
def index() -> Any:
    if not tk.current_user.is_authenticated:
        return tk.redirect_to("user.login", came_from=request.path)
    if request.method == "POST":
        tk.get_action("magetan_notification_mark_read")(
            web.user_context(), {})
        return tk.redirect_to("magetan_notifications.index")
    found = tk.get_action("magetan_notification_list")(
        web.user_context(), {"limit": 100})
    return tk.render("notifications/index.html", {"found": found})
