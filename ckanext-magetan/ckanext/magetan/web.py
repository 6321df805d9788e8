"""Small helpers shared by the views and template helpers of several
packages."""
from __future__ import annotations

import contextlib
from typing import Any, Iterator

from flask import Flask, has_request_context

from ckan.plugins import toolkit as tk

_app: Flask | None = None


def remember_app(app: Any) -> None:
    """Keep CKAN's Flask app (``IMiddleware``), for work done outside a
    request."""
    global _app
    if isinstance(app, Flask):
        _app = app


@contextlib.contextmanager
def request_context() -> Iterator[None]:
    """A request context where there is none (the worker's jobs): CKAN's
    translations need one, and without a request they fall back to the
    English msgids instead of the portal's default language."""
    if has_request_context() or _app is None:
        yield
        return
    with _app.test_request_context(
            base_url=tk.config.get("ckan.site_url") or None):
        yield


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
