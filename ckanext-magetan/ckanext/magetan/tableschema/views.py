"""Views of the resources' Table Schemas."""
from __future__ import annotations

from flask import Blueprint

from ckan.plugins import toolkit as tk
from ckan.types import Response

tableschema = Blueprint("magetan_tableschema", __name__)


@tableschema.post("/dataset/<id>/resource/<resource_id>/schema/infer")
def infer(id: str, resource_id: str) -> Response:
    """Re-read the columns of an uploaded table into its data structure."""
    try:
        resource = tk.get_action("resource_show")({}, {"id": resource_id})
        dataset = tk.get_action("package_show")({}, {"id": id})
        if resource["package_id"] != dataset["id"]:
            raise tk.ObjectNotFound()
        tk.get_action("magetan_table_schema_infer")(
            {}, {"id": resource_id, "save": True})
    except tk.NotAuthorized:
        return tk.abort(403, tk._("Not authorized to edit this resource"))
    except tk.ObjectNotFound:
        return tk.abort(404, tk._("Resource not found"))
    except tk.ValidationError as error:
        for messages in error.error_dict.values():
            for message in messages if isinstance(messages, list) else [
                    messages]:
                tk.h.flash_error(message)
    else:
        tk.h.flash_success(tk._(
            "The data structure was read from the file. Columns that were "
            "already described kept their title, unit and description."))
    return tk.redirect_to("resource.read", id=dataset["name"],
                          resource_id=resource_id)
