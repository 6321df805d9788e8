"""Fixtures of pgindex's tests: a stock CKAN site with pgindex alone.

They run in the pgindex session (tests/pgindex/test.ini, see
``pytest_plugin.py``), with plain ``dataset`` types.
"""
from __future__ import annotations

from typing import Callable

import pytest

import ckan.plugins as plugins

from tests.pgindex.pytest_plugin import ensure_index_tables


@pytest.fixture
def clean_db(reset_db: Callable[[], None]) -> None:
    """CKAN's clean database, with the index's tables there and empty."""
    reset_db()
    ensure_index_tables()


@pytest.fixture(scope="module")
def module_db(reset_db: Callable[[], None]):
    """A clean database shared by the tests of one module (read-only tests).

    Module fixtures run before the per-test ``with_plugins``, so the plugins
    are loaded here while the module's data is created.
    """
    plugins.load_all()
    reset_db()
    ensure_index_tables()
    yield
    plugins.unload_all()
