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
from typing import Any, Iterator

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


def _exported(kind: str) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for module in modules(kind):
        for item in getattr(module, "__all__", ()):
            if item in found:
                raise ValueError(f"{item} is exported twice ({module.__name__})")
            found[item] = getattr(module, item)
    return found


def actions() -> dict[str, Any]:
    return _exported("actions")


def auth_functions() -> dict[str, Any]:
    return _exported("auth")


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
