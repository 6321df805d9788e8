"""Who may read the reference code lists: everyone."""
from __future__ import annotations

from ckan.plugins import toolkit as tk
from ckan.types import AuthResult, Context, DataDict

__all__ = ["magetan_codelist_list", "magetan_codelist_show"]


@tk.auth_allow_anonymous_access
def magetan_codelist_list(context: Context, data_dict: DataDict) -> AuthResult:
    """Reference code lists are public."""
    return {"success": True}


@tk.auth_allow_anonymous_access
def magetan_codelist_show(context: Context, data_dict: DataDict) -> AuthResult:
    """Reference code lists are public."""
    return {"success": True}
