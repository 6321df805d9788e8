"""CSRF protection decided per request, not once per process.

CKAN 2.12 skips the CSRF check of a request that was authenticated by an API
token, and of an anonymous one (``g.login_via_auth_header``, set by
``ckan.config.middleware.flask_app.load_user*``). It does so by calling
flask-wtf's ``csrf.exempt(view)`` in ``ckan_before_request``, and flask-wtf
keeps an exempt view exempt for the life of the process: once anybody has
reached ``/user/edit`` or ``/dataset/new`` with a token, or anonymously
(a GET is enough), a logged-in person's browser can be made to post that
form from another site.

The portal takes that decision back, per request:

* when the app is set up, flask-wtf's own ``before_request`` check is
  switched off for it (``WTF_CSRF_CHECK_DEFAULT``) and :func:`protect` runs
  instead, after CKAN has identified the user;
* :func:`protect` skips the check of a token (or anonymous) request, as CKAN
  means to, for that request only; :func:`forget_exemption` undoes CKAN's
  process-wide exemption of the view when the request ends;
* every other request to an unsafe method is checked, unless its view or
  blueprint was exempted on purpose: a whole blueprint, or a view flask-wtf
  held exempt when the app's first request began (:func:`snapshot`, run
  before CKAN's own hook could exempt anything), so that exemptions made
  anywhere in set-up count, also by blueprints registered after this one;
  CKAN's per-request ones come later and never do.

A site that configured ``WTF_CSRF_CHECK_DEFAULT = false`` (protecting views
one by one) or ``WTF_CSRF_ENABLED = false`` is left as it is.
See docs/architecture.md, "Security".
"""
from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any, Optional

from flask import Flask, current_app, g, request
from flask.blueprints import BlueprintSetupState

# app.extensions key: the portal's CSRF state (:class:`Decision`), absent
# when the portal does not decide (flask-wtf's own check is in charge).
EXTENSION = "magetan_csrf"


@dataclass
class Decision:
    """The views exempted on purpose, known from the first request on."""

    deliberate: Optional[frozenset[str]] = None
    lock: threading.Lock = field(default_factory=threading.Lock)


def take_over(state: BlueprintSetupState) -> None:
    """Replace flask-wtf's check of every view by :func:`protect`.

    Runs when the blueprint is registered, before CKAN calls
    ``csrf.init_app`` (which only sets defaults, so the setting stays), and
    puts :func:`snapshot` first among the app's ``before_request`` hooks,
    ahead of ``ckan_before_request``, which CKAN registered already.
    """
    app = state.app
    if not app.config.get("WTF_CSRF_CHECK_DEFAULT", True):
        return
    app.config["WTF_CSRF_CHECK_DEFAULT"] = False
    app.extensions[EXTENSION] = Decision()
    app.before_request_funcs.setdefault(None, []).insert(0, snapshot)


def snapshot() -> None:
    """At the app's first request, before any of CKAN's hooks, record the
    views flask-wtf holds exempt: all of them are deliberate, as CKAN
    exempts views only while answering requests."""
    decision = current_app.extensions.get(EXTENSION)
    if isinstance(decision, Decision) and decision.deliberate is None:
        _deliberate(current_app, decision, late=False)


def _deliberate(app: Flask, decision: Decision, late: bool) -> frozenset[str]:
    """The deliberate exemptions, recorded once. ``late`` when CKAN's hook
    may have run for this request already (a fallback; :func:`snapshot`
    runs first), so this request's own exemption is left out."""
    with decision.lock:
        if decision.deliberate is None:
            views = set(_exempt_views(_ckan_csrf()))
            if late and g.get("login_via_auth_header"):
                views.discard(_view_name())
            decision.deliberate = frozenset(views)
        return decision.deliberate


def _decision() -> Optional[frozenset[str]]:
    """The deliberate exemptions, or None when the portal does not decide."""
    decision = current_app.extensions.get(EXTENSION)
    if not isinstance(decision, Decision):
        return None
    return decision.deliberate if decision.deliberate is not None \
        else _deliberate(current_app, decision, late=True)


def protect() -> None:
    """Check the CSRF token of this request unless it came with an API token
    (or from nobody logged in); raises flask-wtf's ``CSRFError`` (400)."""
    app = current_app
    deliberate = _decision()
    if deliberate is None or not request.endpoint:
        return
    # flask-wtf's own check is off for this app: fail closed, never open
    csrf = app.extensions.get("csrf") or _ckan_csrf()
    if g.get("login_via_auth_header"):
        return  # CKAN's rule, for this request only (see forget_exemption)
    if not app.config.get("WTF_CSRF_ENABLED", True):
        return
    if _view_name() in deliberate or _blueprint_exempt(csrf):
        return
    csrf.protect()


def forget_exemption(_error: Optional[BaseException] = None) -> None:
    """Undo the exemption CKAN made of this request's view for every later
    request. Runs when the request ends, however it ended (another hook may
    have answered before :func:`protect` ran)."""
    csrf = current_app.extensions.get("csrf")
    deliberate = _decision()
    if deliberate is None or csrf is None or not g.get("login_via_auth_header"):
        return
    name = _view_name()
    if name and name not in deliberate:
        _exempt_views(csrf).discard(name)


def _view_name() -> Optional[str]:
    """The view of this request as flask-wtf names it in its exemptions."""
    view = current_app.view_functions.get(request.endpoint or "")
    return f"{view.__module__}.{view.__name__}" if view else None


def _ckan_csrf() -> Any:
    # CKAN creates its CSRFProtect at import time and registers it with the
    # app only after the plugins' blueprints; no interface hands it out, so
    # it is read from the module that owns it (the same object as
    # app.extensions["csrf"] once the app is set up).
    from ckan.config.middleware import flask_app

    return flask_app.csrf


def _exempt_views(csrf: Any) -> set[str]:
    # flask-wtf has no public accessor for its exempt views (1.x keeps them
    # in ``_exempt_views``); an empty set if a later version renames it, so
    # that every view is checked rather than none.
    views = getattr(csrf, "_exempt_views", None)
    return views if isinstance(views, set) else set()


def _blueprint_exempt(csrf: Any) -> bool:
    blueprint: Optional[Any] = current_app.blueprints.get(request.blueprint or "")
    return blueprint is not None and blueprint in getattr(
        csrf, "_exempt_blueprints", ())
