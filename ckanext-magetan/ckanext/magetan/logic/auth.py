"""Who may call the magetan actions."""
from __future__ import annotations

from ckan import authz
from ckan.plugins import toolkit as tk
from ckan.types import AuthResult, Context, DataDict


@tk.auth_allow_anonymous_access
def magetan_codelist_list(context: Context, data_dict: DataDict) -> AuthResult:
    """Reference code lists are public."""
    return {"success": True}


@tk.auth_allow_anonymous_access
def magetan_codelist_show(context: Context, data_dict: DataDict) -> AuthResult:
    """Reference code lists are public."""
    return {"success": True}


def magetan_table_schema_infer(context: Context,
                               data_dict: DataDict) -> AuthResult:
    """Reading a resource's columns is part of editing the resource."""
    return authz.is_authorized("resource_update", context,
                               {"id": data_dict.get("id")})
