"""Actions of the dataset (indikator) pages."""
from __future__ import annotations

from typing import Any

from ckan.lib.search import SearchError
from ckan.plugins import toolkit as tk
from ckan.types import Action, Context, DataDict

from ckanext.magetan.indicators import search

__all__ = ["package_search"]


@tk.side_effect_free
@tk.chained_action
def package_search(up_func: Action, context: Context,
                   data_dict: DataDict) -> Any:
    """CKAN's ``package_search``; a failed search's reason is kept for the
    page that asked (``search.py``), and the error raised as it was."""
    try:
        return up_func(context, data_dict)
    except SearchError as error:
        search.remember(error)
        raise
