"""Request input CKAN mishandles is refused before any view reads it.

One ``before_app_request`` hook (:func:`refuse_bad_input`) answers, for
every view and action, instead of a server error further in:

* an API body whose JSON nests arrays or objects deeper than
  :data:`ckanext.magetan.inputs.MAX_DEPTH` (Python's JSON decoder raises
  RecursionError about a thousand deep): 400;
* a NUL character or a lone surrogate anywhere in the path or the query
  string, or in the form or the JSON body of an API call (PostgreSQL
  refuses NUL in text, a lone surrogate has no UTF-8 encoding; core's read
  actions, autocompletes and pages fail with 500 on either): a validation
  error (409) from the API, a 400 page elsewhere. A page's form is left to
  its view, so that the form shows the error next to the field;
* an action called through the API with an ``id`` or ``name`` that is not
  text (core's ``*_show`` actions fail with 500 on a list or an object):
  409. Python callers of ``call_action`` are not affected.
"""
from __future__ import annotations

import json
import re
from typing import Any, Iterable, Optional

from flask import Response, g, request

from ckan.plugins import toolkit as tk

from ckanext.magetan import inputs
from ckanext.magetan.inputs import MAX_DEPTH

# JSON strings (skipped whole) and brackets.
_TOKENS = re.compile(rb'"(?:[^"\\]++|\\.)*+"|[\[\]{}]')
# The API's views of actions (``/api/action/…``, ``/api/3/action/…``).
ACTION_ENDPOINT = "api.action"
# Parameters that name the object of an action: text, always.
NAMING = ("id", "name")
_UNSAFE = ("POST", "PUT", "PATCH")


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


def _is_form() -> bool:
    return request.mimetype in ("application/x-www-form-urlencoded",
                                "multipart/form-data")


def _texts() -> Iterable[bytes]:
    """The parts of the request CKAN's API decodes as JSON."""
    if _is_form():
        # CKAN reads a form with one key as that key's JSON
        for key, value in request.form.items(multi=True):
            yield key.encode()
            yield value.encode()
    else:
        yield request.get_data(cache=True)


def _is_api() -> bool:
    return request.blueprint == "api" or request.path.startswith("/api/")


def refuse_bad_input() -> Optional[Response]:
    """The hook: a response refusing this request, or None to go on."""
    for check in (refuse_deep_json, refuse_unreadable_text,
                  refuse_naming_non_text):
        response = check()
        if response is not None:
            return response
    return None


def refuse_deep_json() -> Optional[Response]:
    """A 400 response for an API request nesting deeper than allowed."""
    if request.blueprint != "api" or request.method not in _UNSAFE:
        return None
    if all(depth(text) <= MAX_DEPTH for text in _texts()):
        return None
    body = {"success": False, "error": {
        "__type": "Bad request - JSON Error",
        "message": tk._("The request nests arrays or objects more than "
                        "{depth} levels deep.").format(depth=MAX_DEPTH)}}
    return _json(body, 400)


def _decoded_json() -> list[Any]:
    """Each JSON document of the request's body, decoded once per request
    (two checks read them)."""
    if "_magetan_json" not in g:
        g._magetan_json = list(_decode_json())
    return g._magetan_json


def _decode_json() -> Iterable[Any]:
    """Each JSON document of the request's body: the body itself or, for a
    form, any key or value that decodes as JSON (CKAN's API reads a form
    with one key as that key's JSON)."""
    texts: Iterable[Any]
    if request.method not in _UNSAFE:
        return
    if _is_form():
        if not _is_api():
            return  # a page's form is read as text, checked as such
        texts = (text for pair in request.form.items(multi=True)
                 for text in pair)
    elif request.mimetype == "application/json" or _is_api():
        texts = (request.get_data(cache=True),)
    else:
        return
    for text in texts:
        if isinstance(text, bytes) and depth(text) > MAX_DEPTH:
            continue  # refuse_deep_json answers for the API
        try:
            yield json.loads(text)
        except (ValueError, RecursionError):
            continue  # not JSON: CKAN answers for it


def _unreadable_fields() -> dict[str, bool]:
    """Where the request holds a NUL character or a lone surrogate: the
    names of the parameters (``path`` for the path itself), each with
    whether it holds a NUL character."""
    found: list[tuple[str, str]] = []
    if inputs.unreadable(request.path):
        found.append(("path", request.path))
    pairs = list(request.args.items(multi=True))
    if _is_form() and _is_api():
        # a page's form is left to its view, whose actions answer with the
        # error shown next to the field (security/actions.py)
        pairs += request.form.items(multi=True)
    found += [(key, text) for key, value in pairs for text in (key, value)
              if inputs.unreadable(text)]
    for document in _decoded_json():
        for path, text in inputs.strings(document):
            if text is not None and inputs.unreadable(text):
                found.append((path[0] if path else "body", text))
    fields: dict[str, bool] = {}
    for field, text in found:
        fields[field] = fields.get(field, False) or "\x00" in text
    return fields


def refuse_unreadable_text() -> Optional[Response]:
    """Refuse a request holding a NUL character or a lone surrogate: a
    validation error from the API, a 400 page elsewhere."""
    fields = _unreadable_fields()
    if not fields:
        return None
    if _is_api():
        # the messages of the chained actions' own check (inputs.problem)
        nul = tk._("Text must not contain NUL characters (\\0).")
        surrogate = tk._("Text must not contain unpaired surrogates.")
        return _validation_error({field: [nul if has_nul else surrogate]
                                  for field, has_nul in fields.items()})
    tk.abort(400, tk._("The address holds a NUL character (\\0) or an "
                       "unpaired surrogate, which the portal cannot read."))


def _action_data() -> dict[str, Any]:
    """The parameters of this API action call, as CKAN will read them
    (only as far as this check needs: the top level)."""
    if request.method == "GET":
        return {key: values[0] if len(values) == 1 else values
                for key, values in request.args.lists()}
    if _is_form():
        values = list(request.form.values())
        if len(values) != 1 or values[0] not in ("1", ""):
            return {key: values[0] if len(values) == 1 else values
                    for key, values in request.form.lists()}
    for document in _decoded_json():
        if isinstance(document, dict):
            return document
    return {}


def refuse_naming_non_text() -> Optional[Response]:
    """A validation error for an API action call whose ``id`` or ``name``
    is not text (a list, an object, a number)."""
    if request.endpoint != ACTION_ENDPOINT:
        return None
    data = _action_data()
    wrong = [key for key in NAMING
             if data.get(key) is not None and not isinstance(data[key], str)]
    if not wrong:
        return None
    return _validation_error({key: [
        tk._("Must be text, not a list or an object.")
        if isinstance(data[key], (list, dict)) else tk._("Must be text.")]
        for key in wrong})


def _validation_error(errors: dict[str, list[str]]) -> Response:
    """CKAN's answer to a ValidationError of an action (409)."""
    error: dict[str, Any] = {_printable(key): value
                             for key, value in errors.items()}
    error["__type"] = "Validation Error"
    return _json({"success": False, "error": error}, 409)


def _printable(key: str) -> str:
    return key.replace("\x00", "\\0").encode(
        "utf-8", "backslashreplace").decode("utf-8")


def _json(body: dict[str, Any], status: int) -> Response:
    return Response(json.dumps(body), status=status,
                    content_type="application/json;charset=utf-8")
