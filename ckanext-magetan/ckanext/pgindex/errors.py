"""The error a bad search parameter raises."""
from __future__ import annotations

from ckan.lib.search.common import SearchError
from ckan.logic import ValidationError


class SearchSyntaxError(SearchError, ValidationError):
    """A search parameter that cannot be understood or is not supported.

    It is a ``ValidationError`` for the Action API (HTTP 409 with the
    parameter and the problem named) and a ``SearchError`` for CKAN's search
    pages, which then show their "could not search" message instead of
    failing.
    """

    def __init__(self, parameter: str, message: str) -> None:
        ValidationError.__init__(self, {parameter: [message]})
        self.parameter = parameter
        self.message = message

    def __str__(self) -> str:
        return f"{self.parameter}: {self.message}"
