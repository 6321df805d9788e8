"""Template helpers of the review comments."""
from __future__ import annotations

from typing import Any

from ckan.plugins import toolkit as tk

from ckanext.magetan import review, web

__all__ = ["magetan_review", "magetan_review_verdict_label"]


def magetan_review(package_id: str) -> dict[str, Any] | None:
    """The review comments on a version, if the current user may read
    them."""
    if not tk.current_user.is_authenticated:
        return None
    try:
        return tk.get_action("magetan_review_list")(
            web.user_context(), {"id": package_id})
    except (tk.ObjectNotFound, tk.NotAuthorized):
        return None


def magetan_review_verdict_label(verdict: str) -> str:
    """sesuai, tidak sesuai, tidak terisi, in the current language."""
    return review.verdict_label(verdict)
