"""Fixtures shared by the ckanext-magetan test suite."""
from __future__ import annotations

import http.server
import threading
import uuid
from typing import Any, Callable, Iterator

import pytest
import sqlalchemy as sa

import ckan.model as model
import ckan.plugins as plugins
from ckan.lib import jobs
from ckan.tests import factories, helpers


@pytest.fixture(autouse=True)
def load_standard_plugins(with_plugins):
    """Every test runs with the plugins of test.ini loaded."""


def _reset(reset_db: Callable[[], None],
           migrate_db_for: Callable[[str], None]) -> None:
    reset_db()
    for plugin in ("activity", "pgindex", "magetan"):
        migrate_db_for(plugin)
    model.Session.execute(sa.text(
        "TRUNCATE pgindex_document, pgindex_payload, pgindex_term, "
        "pgindex_field"))
    # the release calendar is on a metadata of its own (its log refuses
    # TRUNCATE, by a trigger the test database may pass by)
    model.Session.execute(sa.text(
        "ALTER TABLE magetan_release_change DISABLE TRIGGER USER"))
    model.Session.execute(sa.text(
        "TRUNCATE magetan_release_delivery, magetan_release_subscription, "
        "magetan_release_change, magetan_release_entry, "
        "magetan_release_period"))
    model.Session.execute(sa.text(
        "ALTER TABLE magetan_release_change ENABLE TRIGGER USER"))
    model.Session.commit()


@pytest.fixture
def clean_db(reset_db, migrate_db_for):
    """CKAN's clean database, with this plugin's tables migrated and empty."""
    _reset(reset_db, migrate_db_for)


@pytest.fixture(scope="module")
def module_db(reset_db, migrate_db_for):
    """A clean database shared by the tests of one module (read-only tests).

    Module fixtures run before the per-test ``with_plugins``, so the plugins
    are loaded here while the module's data is created.
    """
    plugins.load_all()
    _reset(reset_db, migrate_db_for)
    yield
    plugins.unload_all()


class TableServer:
    """Files served over HTTP on 127.0.0.1, as an OPD's own server serves
    the tables its resources link to."""

    def __init__(self) -> None:
        self.files: dict[str, tuple[bytes, str]] = {}
        files = self.files

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - http.server's name
                found = files.get(self.path)
                if found is None:
                    self.send_error(404)
                    return
                content, content_type = found
                self.send_response(200)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(content)))
                self.end_headers()
                self.wfile.write(content)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0),
                                                      Handler)
        self.thread = threading.Thread(target=self.server.serve_forever,
                                       daemon=True)
        self.thread.start()

    def add(self, content: bytes, name: str = "tabel.csv",
            content_type: str = "text/csv") -> str:
        """Serve ``content``; its URL (unique, ending in ``name``)."""
        path = f"/{uuid.uuid4().hex}/{name}"
        self.files[path] = (content, content_type)
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}{path}"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(scope="session")
def _table_server() -> Iterator[TableServer]:
    server = TableServer()
    yield server
    server.close()


@pytest.fixture
def table_server(_table_server: TableServer, ckan_config: Any,
                 monkeypatch: pytest.MonkeyPatch) -> TableServer:
    """A server of linked tables; validation may fetch from it although it
    is on this machine (a private address, refused by default)."""
    monkeypatch.setitem(ckan_config,
                        "ckanext.magetan.validation.allow_private_urls", True)
    return _table_server


@pytest.fixture
def clean_queues() -> None:
    """Empty job queues: no job of an earlier test runs in this one."""
    for queue in jobs.get_all_queues():
        queue.empty()


def run_worker() -> None:
    """What `ckan jobs worker` does, until the queue is empty."""
    jobs.Worker().work(burst=True)


@pytest.fixture
def search() -> Callable[..., dict[str, Any]]:
    """package_search as a given user (anonymous by default)."""

    def run(user: str | None = None, **params: Any) -> dict[str, Any]:
        context = {"user": user or "", "ignore_auth": False}
        return helpers.call_action("package_search", context=context, **params)

    return run


INDIKATOR_DEFAULTS: dict[str, Any] = {
    "type": "indikator",
    "concept": "Konsep baku",
    "definition": "Definisi operasional",
    "method": "Rumus baku",
    "measure": "nilai",
    "unit": "satuan",
    "periodicity": "tahunan",
    "reference_period": "2020-2024",
    "regional_level": ["kabupaten"],
    "sector_code": "2.20",
    "data_source": "Laporan OPD",
    "producer_contact": "Pengelola data",
}


def indikator(org: dict[str, Any], **fields: Any) -> dict[str, Any]:
    """A valid `indikator` dataset owned by ``org``.

    ``private=True`` (or CKAN's ``state="draft"``) leaves it a draft of the
    workflow, hidden; otherwise it is imported as published, as a sysadmin
    loads historical data.
    """
    hidden = bool(fields.pop("private", False)) or fields.get("state") == "draft"
    values = dict(INDIKATOR_DEFAULTS, **fields)
    values.setdefault("indicator_code",
                      f"IND-TEST-{uuid.uuid4().hex[:8].upper()}")
    dataset = factories.Dataset(owner_org=org["id"], **values)
    if not hidden:
        dataset = publish(dataset)
    return dataset


def publish(dataset: dict[str, Any]) -> dict[str, Any]:
    """Import ``dataset`` as published (a sysadmin's recorded step), once
    the worker has validated its linked tables."""
    from tests.sop import settle_validation

    settle_validation(dataset)
    helpers.call_action(
        "magetan_workflow_transition",
        context={"user": _site_user(), "ignore_auth": False},
        id=dataset["id"], transition="import_published",
        reason="Test data")
    return helpers.call_action("package_show", id=dataset["id"])


def _site_user() -> str:
    return helpers.call_action("get_site_user", context={"ignore_auth": True})[
        "name"]
