"""Blueprints of ckanext-magetan."""
from __future__ import annotations

from typing import Optional

from flask import Blueprint, request

from ckan.plugins import toolkit as tk
from ckan.types import Response

magetan = Blueprint("magetan", __name__)


@magetan.post("/dataset/<id>/resource/<resource_id>/schema/infer")
def table_schema_infer(id: str, resource_id: str) -> Response:
    """Re-read the columns of an uploaded table into its data structure."""
    try:
        tk.get_action("magetan_table_schema_infer")(
            {}, {"id": resource_id, "save": True})
    except tk.NotAuthorized:
        return tk.abort(403, tk._("Not authorized to edit this resource"))
    except tk.ObjectNotFound:
        return tk.abort(404, tk._("Resource not found"))
    except tk.ValidationError as error:
        for message in error.error_dict.get("schema", []):
            tk.h.flash_error(message)
    else:
        tk.h.flash_success(tk._(
            "The data structure was read from the file. Columns that were "
            "already described kept their title, unit and description."))
    return tk.redirect_to("resource.read", id=id, resource_id=resource_id)


@magetan.before_app_request
def generic_dataset_form() -> Optional[Response]:
    """Send /dataset/new to the form of the portal's dataset type: the
    generic type ``dataset`` has no schema here (scheming refuses it)."""
    if request.endpoint == "dataset.new" and request.method == "GET":
        default = tk.h.default_package_type()
        if default != "dataset":
            return tk.redirect_to(f"{default}.new", **request.args)
    return None
