"""Running pgindex tests on a stock CKAN: only `activity` and `pgindex`.

The modules that import from here test the index on its own, with CKAN's
plain `dataset` type and `ckan.tests.factories.Dataset`, whatever portal
plugins the suite's configuration enables.
"""
from __future__ import annotations

import threading
import time
from typing import Any, Callable

import pytest
import sqlalchemy as sa

import ckan.model as model



def stock(*plugins: str) -> Callable[[Any], Any]:
    """Decorate a test or class to run on stock CKAN (plus ``plugins``).

    A decorator rather than a module ``pytestmark``: CKAN applies the
    ``ckan_config`` marks of the module last, so they would override a
    test's own.
    """
    marks = [
        pytest.mark.ckan_config("ckan.plugins",
                                " ".join(("activity", "pgindex") + plugins)),
        pytest.mark.ckan_config("ckan.default.package_type", "dataset"),
        pytest.mark.ckan_config(
            "search.facets", "organization groups tags res_format license_id"),
    ]

    def decorate(target: Any) -> Any:
        for mark in marks:
            target = mark(target)
        return target

    return decorate


def reset(reset_db: Callable[[], None],
          migrate_db_for: Callable[[str], None]) -> None:
    """CKAN's clean database with the index tables migrated and empty."""
    reset_db()
    for plugin in ("activity", "pgindex"):
        migrate_db_for(plugin)
    model.Session.execute(sa.text(
        "TRUNCATE pgindex_document, pgindex_payload, pgindex_term, "
        "pgindex_field, pgindex_meta"))
    model.Session.commit()


@pytest.fixture
def stock_db(reset_db, migrate_db_for):
    """A clean database for a test on stock CKAN."""
    reset(reset_db, migrate_db_for)


def dataset(**fields: Any) -> dict[str, Any]:
    """A plain `dataset`, in an organization of its own unless given one."""
    from ckan.tests import factories

    if "owner_org" not in fields:
        fields["owner_org"] = factories.Organization()["id"]
    return factories.Dataset(**fields)


def as_admin() -> dict[str, Any]:
    """An action context of a sysadmin."""
    from ckan.tests import factories

    return {"user": factories.Sysadmin()["name"], "ignore_auth": True}


TIMEOUT = 30


def tag_terms() -> dict[str, int]:
    return dict(model.Session.execute(sa.text(
        "SELECT value, id FROM pgindex_term WHERE field = 'tags'")).all())


def in_thread(work: Callable[[], Any]) -> tuple[threading.Thread, dict]:
    """Run ``work`` on a thread of its own (its own session and connection)."""
    outcome: dict[str, Any] = {}

    def run() -> None:
        try:
            outcome["result"] = work()
        except Exception as error:  # reported by the test
            outcome["error"] = error
            model.Session.rollback()
        finally:
            model.Session.remove()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread, outcome


def wait_for_lock_wait(count: int = 1) -> None:
    """Until ``count`` other connections wait for a row lock."""
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline:
        with model.meta.engine.connect() as connection:
            waiting = connection.execute(sa.text(
                "SELECT count(*) FROM pg_stat_activity "
                "WHERE datname = current_database() "
                "AND wait_event_type = 'Lock'")).scalar_one()
        if waiting >= count:
            return
        time.sleep(0.05)
    raise AssertionError("no connection ever waited for the lock")
