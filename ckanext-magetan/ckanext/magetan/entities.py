"""Small helpers shared by the validators of several packages."""
from __future__ import annotations

from ckan import model
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


def may_read(context: Context, action: str, id: str) -> bool:
    """Whether the user of ``context`` may call ``action`` (``package_show``,
    ``group_show``, any auth function taking an ``id``) on ``id``: a validator names another object only then.

    The check gets a context of its own: auth functions put the object they
    load into their context, where validators look for their own object.
    """
    check: Context = {"model": model, "session": model.Session,
                      "user": context.get("user") or "",
                      "ignore_auth": bool(context.get("ignore_auth"))}
    if context.get("auth_user_obj") is not None:
        check["auth_user_obj"] = context["auth_user_obj"]
    try:
        return tk.check_access(action, check, {"id": id})
    except (tk.NotAuthorized, tk.ObjectNotFound):
        return False
