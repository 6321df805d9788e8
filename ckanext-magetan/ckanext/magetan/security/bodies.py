"""API request bodies nested too deeply are refused before CKAN reads them.

CKAN's API view decodes the body with Python's JSON decoder, which raises
RecursionError (a server error) for arrays or objects nested about a
thousand deep. Nothing of the portal needs more than
:data:`ckanext.magetan.inputs.MAX_DEPTH` levels.
"""
from __future__ import annotations

import json
import re
from typing import Iterable, Optional

from flask import Response, request

from ckan.plugins import toolkit as tk

from ckanext.magetan.inputs import MAX_DEPTH

# JSON strings (skipped whole) and brackets.
_TOKENS = re.compile(rb'"(?:[^"\\]++|\\.)*+"|[\[\]{}]')


def depth(data: bytes) -> int:
    """How deeply the JSON text ``data`` nests arrays and objects (stops
    counting past :data:`MAX_DEPTH`)."""
    level = deepest = 0
    for token in _TOKENS.finditer(data):
        bracket = token.group()
        if bracket in (b"[", b"{"):
            level += 1
            deepest = max(deepest, level)
            if deepest > MAX_DEPTH:
                break
        elif bracket in (b"]", b"}"):
            level -= 1
    return deepest


def _texts() -> Iterable[bytes]:
    """The parts of the request CKAN's API decodes as JSON."""
    if request.mimetype in ("application/x-www-form-urlencoded",
                            "multipart/form-data"):
        # CKAN reads a form with one key as that key's JSON
        for key, value in request.form.items(multi=True):
            yield key.encode()
            yield value.encode()
    else:
        yield request.get_data(cache=True)


def refuse_deep_json() -> Optional[Response]:
    """A 400 response for an API request nesting deeper than allowed."""
    if request.blueprint != "api" or request.method not in (
            "POST", "PUT", "PATCH"):
        return None
    if all(depth(text) <= MAX_DEPTH for text in _texts()):
        return None
    body = {"success": False, "error": {
        "__type": "Bad request - JSON Error",
        "message": tk._("The request nests arrays or objects more than "
                        "{depth} levels deep.").format(depth=MAX_DEPTH)}}
    return Response(json.dumps(body), status=400,
                    content_type="application/json;charset=utf-8")
