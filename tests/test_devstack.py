"""tools/devstack.py without services: leases and foreign PostgreSQL roles."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tools import devstack


@pytest.fixture
def leases(tmp_path: Path) -> devstack.Leases:
    return devstack.Leases(tmp_path / "leases")


@pytest.fixture
def other_process():
    """A live process that is not this one."""
    child = subprocess.Popen([sys.executable, "-c",
                              "import time; time.sleep(60)"])
    yield child.pid
    child.kill()
    child.wait()


def dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


class TestLeases:
    def test_the_last_process_to_leave_stops_the_services(
            self, leases, other_process):
        stopped = []
        leases.take()
        leases.take(pid=other_process)
        assert sorted(leases.holders()) == sorted(
            [str(os.getpid()), str(other_process)])
        # a make test ending while a make run still uses the services
        assert leases.release(lambda: stopped.append("me")) == [
            str(other_process)]
        assert stopped == []
        # then the make run ends
        assert leases.release(lambda: stopped.append("run"),
                              pid=other_process) == []
        assert stopped == ["run"]

    def test_leases_of_dead_processes_do_not_count(self, leases):
        gone = dead_pid()
        leases.take(pid=gone)
        leases.take()
        stopped = []
        assert leases.release(lambda: stopped.append(True)) == []
        assert stopped == [True]
        assert not (leases.directory / str(gone)).exists()

    def test_a_reused_pid_does_not_hold_the_lease(self, leases,
                                                  other_process):
        # the lease was taken by an earlier process that had this pid
        (leases.directory).mkdir(parents=True)
        (leases.directory / str(other_process)).write_text("1")
        assert devstack.process_start(other_process) not in ("", "1")
        assert leases.holders() == []

    def test_env_holds_the_services_until_stop(self, leases):
        stopped = []
        leases.take()
        leases.take("env")
        assert leases.release(lambda: stopped.append(True)) == ["env"]
        assert stopped == []
        leases.drop("env")
        assert leases.holders() == []

    def test_bring_up_releases_its_lease_at_exit(self, leases, monkeypatch):
        """bring_up takes a lease and registers its release with atexit."""
        registered = []
        pg = devstack.Postgres(host="127.0.0.1", port=5432, password="x")
        redis = devstack.Redis(url="redis://127.0.0.1:6379/0")
        monkeypatch.setattr(devstack, "LEASES", leases)
        monkeypatch.setattr(devstack, "load_secrets",
                            lambda: {"db_password": "x", "secret_key": "y"})
        monkeypatch.setattr(devstack, "ensure_postgres", lambda _: pg)
        monkeypatch.setattr(devstack, "ensure_redis", lambda: redis)
        monkeypatch.setattr(devstack.atexit, "register", registered.append)
        stack, _ = devstack.bring_up()
        assert stack.postgres is pg and stack.redis is redis
        assert leases.holders() == [str(os.getpid())]
        stops = []
        monkeypatch.setattr(devstack.Postgres, "stop",
                            lambda self: stops.append("postgres"))
        monkeypatch.setattr(devstack.Redis, "stop",
                            lambda self: stops.append("redis"))
        (release,) = registered
        release()
        assert leases.holders() == []
        assert stops == ["redis", "postgres"]

    def test_servers_devstack_did_not_create_are_not_stopped(self, tmp_path,
                                                             monkeypatch):
        calls = []
        monkeypatch.setattr(devstack.subprocess, "run",
                            lambda *a, **k: calls.append(a))
        monkeypatch.setattr(devstack.os, "kill",
                            lambda *a: calls.append(a))
        devstack.Postgres(host="127.0.0.1", port=5432, password="x").stop()
        devstack.Redis(url="redis://127.0.0.1:6379/0").stop()
        assert calls == []


class FakeServer:
    """The psql of a server that has the portal's role already."""

    def __init__(self, accepts: bool):
        self.accepts = accepts
        self.statements: list[str] = []

    def psql(self, sql: str, database: str = "postgres") -> str:
        self.statements.append(sql)
        return "1" if sql.startswith("SELECT 1 FROM pg_roles") else ""


def server(monkeypatch, accepts: bool, **fields) -> tuple[devstack.Postgres,
                                                           FakeServer]:
    fake = FakeServer(accepts)
    pg = devstack.Postgres(host="127.0.0.1", port=5432, password="ours",
                           admin=["psql"], **fields)
    monkeypatch.setattr(pg, "psql", fake.psql)
    monkeypatch.setattr(pg, "accepts_password", lambda: fake.accepts)
    return pg, fake


class TestForeignPostgres:
    def test_a_role_with_another_password_is_left_alone(self, monkeypatch,
                                                        capsys):
        pg, fake = server(monkeypatch, accepts=False)
        with pytest.raises(SystemExit):
            pg.ensure_database("ckan_magetan_test")
        assert not [s for s in fake.statements if "ALTER" in s.upper()]
        assert not [s for s in fake.statements if "CREATE" in s.upper()]
        message = capsys.readouterr().err
        assert "another password" in message
        assert "CKAN_SQLALCHEMY_URL" in message

    def test_a_role_that_accepts_our_password_is_used(self, monkeypatch):
        pg, fake = server(monkeypatch, accepts=True)
        pg.ensure_database("ckan_magetan_test")
        assert not [s for s in fake.statements if "ALTER" in s.upper()]
        assert any(s.startswith("CREATE DATABASE ckan_magetan_test")
                   for s in fake.statements)

    def test_the_private_cluster_gets_our_password(self, monkeypatch,
                                                   tmp_path):
        pg, fake = server(monkeypatch, accepts=False,
                          data_dir=tmp_path / "data")
        pg.ensure_database("ckan_magetan_test")
        assert "ALTER ROLE ckan_magetan PASSWORD 'ours'" in fake.statements

    def test_the_password_probe_logs_in_for_real(self):
        """accepts_password against the test database's server."""
        url = os.environ.get("CKAN_SQLALCHEMY_URL", "")
        parts = devstack.urllib.parse.urlsplit(url)
        if not url.startswith("postgresql") or parts.username != \
                devstack.DB_ROLE or devstack.postgres_bindir() is None:
            pytest.skip("the tests do not run on devstack's role")

        def probe(password: str) -> bool:
            return devstack.Postgres(
                host=parts.hostname or "127.0.0.1", port=parts.port or 5432,
                password=password,
                bindir=devstack.postgres_bindir()).accepts_password()

        assert probe(devstack.urllib.parse.unquote(parts.password or ""))
        if probe("not-the-password"):
            pytest.skip("the server trusts every TCP login")
        assert not probe("not-the-password")
