"""The request hooks of the security package (no views of its own)."""
from __future__ import annotations

from flask import Blueprint

from ckanext.magetan.security import bodies, csrf as csrf_check

security = Blueprint("magetan_security", __name__)
security.record_once(csrf_check.take_over)
# Flask runs these in order, after CKAN identified the user.
security.before_app_request(bodies.refuse_bad_input)
security.before_app_request(csrf_check.protect)
security.teardown_app_request(csrf_check.forget_exemption)
