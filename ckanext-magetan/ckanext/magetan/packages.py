"""Discovery of the extension's packages, one per concept.

Each package under ``ckanext/magetan/`` (``codelists``, ``tableschema``,
``sectors``, ...) keeps its own ``actions``, ``auth``, ``validators``,
``helpers``, ``views`` and ``cli`` modules and its own ``templates/`` and
``assets/``. The plugin registers what it finds here, so a new package is
wired in by existing, not by being listed (docs/architecture.md).
A module exports what its ``__all__`` names.
"""
from __future__ import annotations

import functools
import importlib
import importlib.util
import pkgutil
from pathlib import Path
from types import ModuleType
from typing import Any, Callable, Iterator

import flask

HERE = Path(__file__).resolve().parent


@functools.cache
def names() -> tuple[str, ...]:
    """The concept packages, in alphabetical order."""
    return tuple(sorted(info.name for info in pkgutil.iter_modules([str(HERE)])
                        if info.ispkg))


def modules(kind: str) -> Iterator[ModuleType]:
    """Each package's module ``kind`` (``actions``, ``views``...), if any."""
    for name in names():
        dotted = f"{__package__}.{name}.{kind}"
        if importlib.util.find_spec(dotted) is not None:
            yield importlib.import_module(dotted)


# Markers CKAN reads on action and auth functions: a composite keeps one
# only if every part has it (a chain is GET-able, or open to anonymous
# users, only if each link is).
_MARKERS = ("side_effect_free", "auth_allow_anonymous_access",
            "auth_audit_exempt")


def _exported(kind: str, chain_marker: str | None = None) -> dict[str, Any]:
    """What the packages' ``kind`` modules export, by name.

    Two packages may chain the same action or auth function (both marked
    ``chain_marker``): their links are composed in package order, the first
    package's link nearest to CKAN's own function. Any other name exported
    twice is an error.
    """
    found: dict[str, Any] = {}
    for module in modules(kind):
        for item in getattr(module, "__all__", ()):
            function = getattr(module, item)
            if item not in found:
                found[item] = function
            elif chain_marker and all(getattr(f, chain_marker, False)
                                      for f in (found[item], function)):
                found[item] = _compose(found[item], function, chain_marker)
            else:
                raise ValueError(f"{item} is exported twice ({module.__name__})")
    return found


def _compose(inner: Callable[..., Any], outer: Callable[..., Any],
             chain_marker: str) -> Callable[..., Any]:
    """One chained function: ``outer`` calls ``inner``, which calls CKAN's."""

    @functools.wraps(outer)
    def composite(up: Callable[..., Any], context: Any,
                  data_dict: Any = None) -> Any:
        return outer(functools.partial(inner, up), context, data_dict)

    for marker in (chain_marker, *_MARKERS):
        setattr(composite, marker, all(getattr(f, marker, False)
                                       for f in (inner, outer)))
    return composite


def actions() -> dict[str, Any]:
    return _exported("actions", "chained_action")


def auth_functions() -> dict[str, Any]:
    return _exported("auth", "chained_auth_function")


def validators() -> dict[str, Any]:
    return _exported("validators")


def helpers() -> dict[str, Any]:
    return _exported("helpers")


def cli_commands() -> list[Any]:
    return list(_exported("cli").values())


def blueprints() -> list[flask.Blueprint]:
    return [member for module in modules("views")
            for member in vars(module).values()
            if isinstance(member, flask.Blueprint)]


def directories(kind: str) -> list[str]:
    """Each package's ``templates`` or ``assets`` folder, relative to here."""
    return [f"{name}/{kind}" for name in names() if (HERE / name / kind).is_dir()]
