"""Who may read a resource's columns from its file."""
from __future__ import annotations

from ckan import authz
from ckan.types import AuthResult, Context, DataDict

__all__ = ["magetan_table_schema_infer"]


def magetan_table_schema_infer(context: Context,
                               data_dict: DataDict) -> AuthResult:
    """Reading a resource's columns is part of editing the resource."""
    return authz.is_authorized("resource_update", context,
                               {"id": data_dict.get("id")})
