"""Small helpers shared by the views and template helpers of several
packages."""
from __future__ import annotations

from typing import Any

from ckan.plugins import toolkit as tk


def user_context() -> dict[str, Any]:
    """An action context for the user of the current request."""
    user = tk.current_user
    return {"user": user.name if user.is_authenticated else "",
            "auth_user_obj": user if user.is_authenticated else None}


def errors_text(error: tk.ValidationError) -> str:
    """A ValidationError's messages as one sentence for a flash message."""
    messages = []
    for value in (error.error_dict or {}).values():
        messages.extend(value if isinstance(value, list) else [str(value)])
    return " ".join(str(m) for m in messages) or str(error)
