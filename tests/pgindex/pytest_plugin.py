"""pytest plugin of the pgindex session: a stock CKAN site with pgindex.

``make test`` (tools/devstack.py) loads it with ``-p
tests.pgindex.pytest_plugin`` for pgindex's own tests and CKAN's search
tests:

* CKAN's database reset (``model.repo.rebuild_db``: the first one drops
  every table, the index's too) migrates the index's tables back, as
  ``ckan db upgrade -p pgindex`` would;
* every test runs with the plugins of ``ckan.plugins`` loaded, pgindex
  always among them, also CKAN's tests that load no plugin themselves (with
  none loaded CKAN would search with Solr);
* the CKAN tests listed in ``ckan_core_deselected.txt`` are deselected.
"""
from __future__ import annotations

import functools
from pathlib import Path
from typing import Any, Callable, Iterator

import pytest
import sqlalchemy as sa

import ckan.model as model
import ckanext.pgindex

HERE = Path(__file__).resolve().parent
DESELECTED = HERE / "ckan_core_deselected.txt"
ALEMBIC_INI = (Path(ckanext.pgindex.__file__).resolve().parent
               / "migration" / "pgindex" / "alembic.ini")


def ensure_index_tables() -> None:
    """Apply pgindex's migrations if its tables are missing (after a reset)."""
    if sa.inspect(model.ensure_engine()).has_table("pgindex_document"):
        return
    # what `ckan db upgrade -p pgindex` does, without the plugin loaded
    original = model.repo._alembic_ini
    model.repo._alembic_ini = str(ALEMBIC_INI)
    try:
        model.repo.upgrade_db("head")
    finally:
        model.repo._alembic_ini = original


def _with_index_tables(rebuild: Callable[[], None]) -> Callable[[], None]:
    @functools.wraps(rebuild)
    def rebuild_db() -> None:
        rebuild()
        ensure_index_tables()
    return rebuild_db


def pytest_sessionstart(session: pytest.Session) -> None:
    model.repo.rebuild_db = _with_index_tables(model.repo.rebuild_db)


def deselected_ids(path: Path = DESELECTED) -> set[str]:
    """Node ids of the file, one a line (``#`` starts a comment)."""
    lines = (line.split("#", 1)[0].strip()
             for line in path.read_text().splitlines())
    return {line for line in lines if line}


def _core_id(item: pytest.Item) -> str | None:
    """``ckan/tests/...::Class::test`` for one of CKAN's own tests."""
    marker = "ckan/tests/"
    nodeid = item.nodeid
    if marker not in nodeid:
        return None
    return nodeid[nodeid.index(marker):]


def pytest_collection_modifyitems(config: pytest.Config,
                                  items: list[pytest.Item]) -> None:
    unwanted = deselected_ids()
    deselected = [item for item in items if _core_id(item) in unwanted]
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = [item for item in items if item not in deselected]


@pytest.fixture(autouse=True)
def pgindex_loaded(ckan_config: dict[str, Any],
                   monkeypatch: pytest.MonkeyPatch,
                   request: pytest.FixtureRequest) -> Iterator[None]:
    """The plugins of ``ckan.plugins`` loaded for the test, pgindex included."""
    names = ckan_config.get("ckan.plugins") or []
    if isinstance(names, str):
        names = names.split()
    if "pgindex" not in names:
        monkeypatch.setitem(ckan_config, "ckan.plugins", [*names, "pgindex"])
    request.getfixturevalue("with_plugins")
    yield
