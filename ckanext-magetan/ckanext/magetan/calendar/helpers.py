"""Template helpers of the release calendar."""
from __future__ import annotations

import datetime as dt
from typing import Any

import babel.dates

from ckan.plugins import toolkit as tk

from ckanext.magetan import calendar, web

__all__ = ["magetan_month_title", "magetan_weekday_names",
           "magetan_next_release", "magetan_release_badge"]

# Bootstrap's colours of the statuses (with the status's words beside)
BADGES = {"provisional": "text-bg-secondary", "confirmed": "text-bg-primary",
          "postponed": "text-bg-warning", "cancelled": "text-bg-danger",
          "published": "text-bg-success"}


def magetan_month_title(month: dt.date) -> str:
    """``Maret 2027``, in the page's language."""
    return babel.dates.format_date(month, "LLLL y", locale=calendar.locale())


def magetan_weekday_names() -> list[str]:
    """Monday to Sunday, abbreviated, in the page's language."""
    names = babel.dates.get_day_names("abbreviated", locale=calendar.locale())
    return [names[day] for day in range(7)]


def magetan_next_release(package_id: str) -> dict[str, Any] | None:
    """The next announced release of a dataset, for its page."""
    try:
        found = tk.get_action("magetan_release_calendar")(
            web.user_context(), {"upcoming": True, "limit": 1,
                                 "dataset": package_id})
    except (tk.ValidationError, tk.ObjectNotFound):
        return None
    return found["entries"][0] if found["entries"] else None


def magetan_release_badge(status: str) -> str:
    """The classes of a status's badge."""
    return f"magetan-release-{status} {BADGES.get(status, 'text-bg-light')}"
