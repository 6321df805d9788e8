"""Template helpers of the dataset (indikator) pages."""
from __future__ import annotations

from typing import Optional

from ckanext.magetan.indicators import search

__all__ = ["magetan_search_error"]


def magetan_search_error() -> Optional[str]:
    """Why this request's dataset search failed, in the user's language, if
    the search said (see ``indicators/search.py``)."""
    return search.remembered()
