"""Small helpers shared by the validators of several packages."""
from __future__ import annotations

from ckan.plugins import toolkit as tk
from ckan.types import Context, FlattenDataDict, FlattenKey


def own_id(key: FlattenKey, data: FlattenDataDict, context: Context,
           entity: str) -> str | None:
    """The id of the dataset or group being validated; None while created.

    The object in the context comes first: an update's ``id`` may be a name.
    """
    if context.get(entity) is not None:
        return context[entity].id
    found = data.get(key[:-1] + ("id",))
    return None if found is tk.missing else found
