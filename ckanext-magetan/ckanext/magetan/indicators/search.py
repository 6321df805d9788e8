"""Why a search of the dataset pages failed, for the page to say.

CKAN's search views catch a ``SearchError`` and pass the template only
``query_error=True`` (ckan/views/dataset.py ``search``; the group and
organization pages likewise): the exception, and the reason it carries, is
discarded, and the page says only "There was an error while searching".
So the portal's ``package_search`` (``actions.py``) remembers the reason on
``flask.g`` as the error passes through it, and the search form's template
reads it back with the helper ``magetan_search_error``.

A reason is shown only when the error says it is the searcher's (it is also
a ``ValidationError``, as the search backend raises for a query it cannot
understand, with a message written for people); other search errors (the
index unreachable, a bug) keep CKAN's generic message and reveal nothing.
"""
from __future__ import annotations

from typing import Any, Optional

from flask import g, has_request_context

from ckan.plugins import toolkit as tk

# flask.g attribute holding the reason of this request's failed search.
ATTRIBUTE = "magetan_search_error"


def reason(error: BaseException) -> Optional[str]:
    """The message for people of a search error, if it has one."""
    if not isinstance(error, tk.ValidationError):
        return None
    message = getattr(error, "message", None)
    if isinstance(message, str) and message:
        return message
    for messages in (error.error_dict or {}).values():
        found: Any = messages[0] if isinstance(messages, list) and messages \
            else messages
        if isinstance(found, str) and found:
            return found
    return None


def remember(error: BaseException) -> None:
    """Keep the reason of ``error`` for this request's page."""
    found = reason(error)
    if found and has_request_context():
        setattr(g, ATTRIBUTE, found)


def remembered() -> Optional[str]:
    """The reason this request's search failed, or None."""
    return g.get(ATTRIBUTE) if has_request_context() else None
