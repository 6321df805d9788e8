"""Views of the indikator dataset type."""
from __future__ import annotations

from typing import Optional

from flask import Blueprint, request

from ckan.plugins import toolkit as tk
from ckan.types import Response

indicators = Blueprint("magetan_indicators", __name__)


@indicators.before_app_request
def generic_dataset_form() -> Optional[Response]:
    """Send /dataset/new to the form of the portal's dataset type: the
    generic type ``dataset`` has no schema here (scheming refuses it)."""
    if request.endpoint == "dataset.new" and request.method == "GET":
        default = tk.h.default_package_type()
        if default != "dataset":
            # The query string is passed on as it came: as url_for()
            # arguments, keys such as _method or package_type would steer
            # (or break) building the URL.
            query = request.query_string.decode("latin-1")
            target = tk.h.url_for(f"{default}.new")
            return tk.redirect_to(f"{target}?{query}" if query else target)
    return None
