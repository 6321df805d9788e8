"""The per-request CSRF check (see ``ckanext.magetan.csrf``)."""
from __future__ import annotations

from flask import Blueprint

from ckanext.magetan import csrf as csrf_check

csrf = Blueprint("magetan_csrf", __name__)
csrf.record_once(csrf_check.take_over)
csrf.before_app_request(csrf_check.protect)
