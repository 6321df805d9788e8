#!/usr/bin/env python3
"""Bring up everything the portal needs on one machine, then run or test it.

Used by ``make run`` and ``make test``; it needs only the Python standard
library, so it runs before the virtualenv has CKAN in it.

Services are found in this order:

1. the ones named by ``CKAN_SQLALCHEMY_URL`` / ``CKAN_REDIS_URL``;
2. the ones listening on the standard local ports (5432, 6379);
3. private ones started under ``var/`` from the distribution's packages
   (installed with apt-get when running as root and they are missing).

Private services are shared by every ``make run`` / ``make test`` of the
checkout: each process holds a lease (``var/leases/<pid>``) while it uses
them, and the last one to leave stops them (``devstack.py env`` holds a lease
until ``make stop``). Servers that devstack did not create are never stopped
and their roles' passwords are never changed.
"""
from __future__ import annotations

import argparse
import atexit
import contextlib
import fcntl
import hashlib
import json
import os
import pwd
import secrets
import shutil
import signal
import socket
import string
import subprocess
import sys
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterator

ROOT = Path(__file__).resolve().parent.parent
VAR = ROOT / "var"
VENV = ROOT / ".venv"
CKAN = VENV / "bin" / "ckan"
CONFIG_TEMPLATE = ROOT / "config" / "ckan.ini.template"
CONFIG = ROOT / "config" / "ckan.ini"
TEST_INI = ROOT / "test.ini"

PRIVATE_PG_PORT = 54329
PRIVATE_REDIS_PORT = 63799
MAIL_SINK_PORT = 8025
MAIL_DIR = VAR / "mail"
DB_ROLE = "ckan_magetan"
DB_NAME = "ckan_magetan"
TEST_DB_NAME = "ckan_magetan_test"

IS_ROOT = os.geteuid() == 0


def say(message: str) -> None:
    print(f"\033[1;34m==>\033[0m {message}", flush=True)


def fail(message: str) -> None:
    print(f"\033[1;31merror:\033[0m {message}", file=sys.stderr, flush=True)
    raise SystemExit(2)


def listening(port: int, host: str = "127.0.0.1") -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex((host, port)) == 0


def free_port(first: int) -> int:
    """The first port from ``first`` on that nothing listens on."""
    for port in range(first, first + 50):
        if not listening(port):
            return port
    fail(f"no free port between {first} and {first + 49}")
    return first


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def wait_for_port(port: int, what: str, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if listening(port):
            return
        time.sleep(0.2)
    fail(f"{what} did not start listening on port {port} in {seconds:.0f} s")


def run(cmd: list[str], **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(cmd, check=True, **kwargs)


def apt_install(*packages: str) -> None:
    if not IS_ROOT:
        fail(
            f"{' and '.join(packages)} not found. Install it with your package "
            f"manager (e.g. 'sudo apt-get install {' '.join(packages)}') or "
            "point CKAN_SQLALCHEMY_URL / CKAN_REDIS_URL at running servers."
        )
    say(f"Installing {' '.join(packages)} from the distribution's packages")
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    # Keep Debian from starting the system-wide services: we run our own.
    policy = Path("/usr/sbin/policy-rc.d")
    created_policy = not policy.exists()
    if created_policy:
        policy.write_text("#!/bin/sh\nexit 101\n")
        policy.chmod(0o755)
    try:
        if subprocess.run(["apt-get", "install", "-y", "-q", *packages],
                          env=env, stdout=subprocess.DEVNULL).returncode:
            run(["apt-get", "update", "-q"], env=env, stdout=subprocess.DEVNULL)
            run(["apt-get", "install", "-y", "-q", *packages], env=env,
                stdout=subprocess.DEVNULL)
    finally:
        if created_policy:
            policy.unlink()


# --------------------------------------------------------------------------
# secrets

def load_secrets() -> dict[str, str]:
    """Secrets generated once per checkout and kept in var/ (never committed)."""
    path = VAR / "secrets.json"
    data = json.loads(path.read_text()) if path.exists() else {}
    changed = False
    for key in ("secret_key", "db_password"):
        if key not in data:
            data[key] = secrets.token_urlsafe(32)
            changed = True
    if changed:
        VAR.mkdir(exist_ok=True)
        path.write_text(json.dumps(data, indent=2))
        path.chmod(0o600)
    return data


# --------------------------------------------------------------------------
# PostgreSQL

def postgres_bindir() -> Path | None:
    """The directory holding initdb, pg_ctl and psql of one PostgreSQL."""
    found = shutil.which("pg_ctl")
    if found and (Path(found).resolve().parent / "initdb").exists():
        return Path(found).resolve().parent
    candidates = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"),
                        key=lambda p: int(p.parent.parent.name))
    return candidates[-1].parent if candidates else None


def reachable_dir_for(user: str, wanted: Path) -> Path:
    """``wanted`` if ``user`` can reach it, else a home under /var/lib linked to it.

    PostgreSQL refuses to run as root, so as root the private cluster runs as
    the ``postgres`` system user; a checkout under a private home directory
    (such as /root) is not traversable for it.
    """
    probe = subprocess.run(["runuser", "-u", user, "--", "test", "-x",
                            str(wanted.parent)], capture_output=True)
    if probe.returncode == 0:
        return wanted
    digest = hashlib.sha1(str(ROOT).encode()).hexdigest()[:12]
    home = Path("/var/lib/ckanext-magetan") / digest / wanted.name
    home.mkdir(parents=True, exist_ok=True)
    if wanted.is_symlink() and wanted.resolve() != home:
        wanted.unlink()
    if not wanted.exists():
        wanted.symlink_to(home)
    return home


@dataclass
class Postgres:
    """Where PostgreSQL is and how to administer it."""

    host: str
    port: int
    password: str
    admin: list[str] = field(default_factory=list)  # psql prefix, superuser
    data_dir: Path | None = None  # set for this checkout's private cluster
    bindir: Path | None = None
    run_as: str | None = None

    def url(self, database: str) -> str:
        return (f"postgresql://{DB_ROLE}:{urllib.parse.quote(self.password)}"
                f"@{self.host}:{self.port}/{database}")

    def psql(self, sql: str, database: str = "postgres") -> str:
        out = subprocess.run(
            [*self.admin, "-d", database, "-tAX", "-v", "ON_ERROR_STOP=1",
             "-c", sql], capture_output=True, text=True)
        if out.returncode:
            fail(f"PostgreSQL refused {sql!r}: {out.stderr.strip()}")
        return out.stdout.strip()

    @property
    def private(self) -> bool:
        """Whether this is the cluster devstack created under var/."""
        return self.data_dir is not None

    def ensure_database(self, name: str) -> None:
        """Create the portal's role and ``name`` if they do not exist yet.

        The role's password is set only on the private cluster; on any other
        server an existing role must already accept the password devstack
        has, or devstack stops and asks for CKAN_SQLALCHEMY_URL.
        """
        if not self.admin:
            return
        password = self.password.replace("'", "''")
        if not self.psql(f"SELECT 1 FROM pg_roles WHERE rolname = '{DB_ROLE}'"):
            self.psql(f"CREATE ROLE {DB_ROLE} LOGIN PASSWORD '{password}'")
        elif self.private:
            self.psql(f"ALTER ROLE {DB_ROLE} PASSWORD '{password}'")
        elif not self.accepts_password():
            fail(f"The PostgreSQL on {self.host}:{self.port} already has a "
                 f"role {DB_ROLE} with another password, and devstack does "
                 "not change passwords on servers it did not create. Set "
                 "CKAN_SQLALCHEMY_URL (and CKAN_TEST_SQLALCHEMY_URL for the "
                 f"tests) to URLs with that role's password, e.g. "
                 f"postgresql://{DB_ROLE}:PASSWORD@{self.host}:{self.port}/"
                 f"{name}")
        if not self.psql(f"SELECT 1 FROM pg_database WHERE datname = '{name}'"):
            say(f"Creating database {name}")
            self.psql(f"CREATE DATABASE {name} OWNER {DB_ROLE} ENCODING 'UTF8' "
                      "TEMPLATE template0")

    def accepts_password(self) -> bool:
        """Whether the portal's role can log in over TCP with our password."""
        psql = (str(self.bindir / "psql") if self.bindir
                else shutil.which("psql") or "psql")
        env = dict(os.environ, PGPASSWORD=self.password, PGCONNECT_TIMEOUT="5")
        env.pop("PGSERVICE", None)
        probe = subprocess.run(
            [psql, "-h", self.host, "-p", str(self.port), "-U", DB_ROLE,
             "-d", "postgres", "-w", "-tAXc", "SELECT 1"],
            capture_output=True, text=True, env=env)
        return probe.returncode == 0 and probe.stdout.strip() == "1"

    def stop(self) -> None:
        """Stop the private cluster (never a server devstack did not create)."""
        if self.private and self.bindir and self.data_dir and (
                self.data_dir / "postmaster.pid").exists():
            say("Stopping the private PostgreSQL")
            cmd = [str(self.bindir / "pg_ctl"), "-D", str(self.data_dir),
                   "-m", "fast", "-w", "stop"]
            if self.run_as:
                cmd = ["runuser", "-u", self.run_as, "--", *cmd]
            subprocess.run(cmd, stdout=subprocess.DEVNULL)


def start_private_postgres(password: str) -> Postgres:
    bindir = postgres_bindir()
    if bindir is None:
        apt_install("postgresql")
        bindir = postgres_bindir()
        if bindir is None:
            fail("PostgreSQL was installed but pg_ctl cannot be found")
    home = VAR / "postgres"
    run_as = None
    if IS_ROOT:
        run_as = "postgres"
        try:
            pwd.getpwnam(run_as)
        except KeyError:
            run(["useradd", "--system", "--no-create-home", run_as])
        VAR.mkdir(exist_ok=True)
        home = reachable_dir_for(run_as, home)
    data_dir, sock_dir = home / "data", home / "run"

    def as_owner(cmd: list[str]) -> list[str]:
        return ["runuser", "-u", run_as, "--", *cmd] if run_as else cmd

    home.mkdir(parents=True, exist_ok=True)
    sock_dir.mkdir(exist_ok=True)
    if run_as:
        shutil.chown(home, run_as)
        shutil.chown(sock_dir, run_as)
    if not (data_dir / "PG_VERSION").exists():
        say(f"Creating a private PostgreSQL cluster in {data_dir}")
        run(as_owner([str(bindir / "initdb"), "-D", str(data_dir), "-U",
                      "postgres", "-E", "UTF8", "--locale=C.UTF-8",
                      "--auth-local=trust", "--auth-host=scram-sha-256"]),
            stdout=subprocess.DEVNULL)
    port = running_postgres_port(data_dir)
    already_running = port is not None
    port = port or free_port(PRIVATE_PG_PORT)
    pg = Postgres(host="127.0.0.1", port=port, password=password,
                  admin=[str(bindir / "psql"), "-h", str(sock_dir), "-p",
                         str(port), "-U", "postgres"],
                  data_dir=data_dir, bindir=bindir, run_as=run_as)
    if already_running:
        return pg  # ours, left running by another make target
    say(f"Starting the private PostgreSQL on 127.0.0.1:{port}")
    options = (f"-c listen_addresses=127.0.0.1 -c port={port} "
               f"-c unix_socket_directories={sock_dir} -c fsync=off "
               "-c synchronous_commit=off -c full_page_writes=off "
               # local disks are SSDs: index scans are cheap
               "-c random_page_cost=1.1")
    run(as_owner([str(bindir / "pg_ctl"), "-D", str(data_dir), "-o", options,
                  "-l", str(home / "postgres.log"), "-w", "start"]),
        stdout=subprocess.DEVNULL)
    return pg


def running_postgres_port(data_dir: Path) -> int | None:
    """The port of this checkout's private cluster, if it is running."""
    pidfile = data_dir / "postmaster.pid"
    try:
        lines = pidfile.read_text().splitlines()
        pid, port = int(lines[0]), int(lines[3])
    except (OSError, ValueError, IndexError):
        return None
    return port if alive(pid) and listening(port) else None


def ensure_postgres(password: str) -> Postgres:
    url = os.environ.get("CKAN_SQLALCHEMY_URL")
    if url:
        say("Using the PostgreSQL named by CKAN_SQLALCHEMY_URL")
        parts = urllib.parse.urlsplit(url)
        return Postgres(host=parts.hostname or "127.0.0.1",
                        port=parts.port or 5432,
                        password=urllib.parse.unquote(parts.password or ""))
    if (VAR / "postgres" / "data" / "PG_VERSION").exists():
        # This checkout's own cluster holds its data: keep using it even if
        # a server appeared on the standard port since.
        return start_private_postgres(password)
    if listening(5432):
        say("Using the PostgreSQL listening on 127.0.0.1:5432")
        if IS_ROOT:
            admin = ["runuser", "-u", "postgres", "--", "psql"]
        else:
            admin = ["psql", "-h", "127.0.0.1"]
        pg = Postgres(host="127.0.0.1", port=5432, password=password,
                      admin=admin)
        probe = subprocess.run([*admin, "-d", "postgres", "-tAc",
                                "SELECT rolsuper OR rolcreatedb FROM pg_roles "
                                "WHERE rolname = current_user"],
                               capture_output=True, text=True)
        if probe.stdout.strip() != "t":
            fail("The PostgreSQL on port 5432 does not let this user create "
                 "databases. Create them yourself and set CKAN_SQLALCHEMY_URL "
                 "(and CKAN_TEST_SQLALCHEMY_URL for the tests).")
        return pg
    return start_private_postgres(password)


# --------------------------------------------------------------------------
# Redis

@dataclass
class Redis:
    url: str
    pidfile: Path | None = None

    def database(self, number: int) -> str:
        parts = urllib.parse.urlsplit(self.url)
        return urllib.parse.urlunsplit(parts._replace(path=f"/{number}"))

    def stop(self) -> None:
        """Stop the private Redis (the one with a pidfile under var/)."""
        if self.pidfile and self.pidfile.exists():
            say("Stopping the private Redis")
            try:
                os.kill(int(self.pidfile.read_text().strip()), signal.SIGTERM)
            except (ProcessLookupError, ValueError):
                pass


def ensure_redis() -> Redis:
    url = os.environ.get("CKAN_REDIS_URL")
    if url:
        say("Using the Redis named by CKAN_REDIS_URL")
        return Redis(url=url)
    if listening(6379):
        say("Using the Redis listening on 127.0.0.1:6379")
        return Redis(url="redis://127.0.0.1:6379/0")
    home = VAR / "redis"
    home.mkdir(parents=True, exist_ok=True)
    pidfile, portfile = home / "redis.pid", home / "port"
    try:
        port = int(portfile.read_text())
        if alive(int(pidfile.read_text())) and listening(port):
            return Redis(url=f"redis://127.0.0.1:{port}/0", pidfile=pidfile)
    except (OSError, ValueError):
        pass
    port = free_port(PRIVATE_REDIS_PORT)
    portfile.write_text(str(port))
    redis = Redis(url=f"redis://127.0.0.1:{port}/0", pidfile=pidfile)
    binary = shutil.which("redis-server") or (
        "/usr/bin/redis-server" if Path("/usr/bin/redis-server").exists()
        else None)
    if binary is None:
        apt_install("redis-server")
        binary = "/usr/bin/redis-server"
    say(f"Starting the private Redis on 127.0.0.1:{port}")
    run([binary, "--bind", "127.0.0.1", "--port", str(port),
         "--dir", str(home), "--daemonize", "yes", "--pidfile",
         str(redis.pidfile), "--logfile", str(home / "redis.log"),
         "--save", "300 1"])
    wait_for_port(port, "Redis")
    return redis


# --------------------------------------------------------------------------
# leases: who is using the private services

def process_start(pid: int) -> str:
    """When process ``pid`` started (Linux: /proc/<pid>/stat field 22), so
    that a lease outlives neither its process nor a reuse of its pid; ""
    where that cannot be read."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return ""
    # the command name (field 2) may hold spaces; it ends at the last ")"
    return stat.rsplit(")", 1)[-1].split()[19]


@dataclass
class Leases:
    """One file per process using the private services: ``<dir>/<pid>``
    holding the process's start time, or ``<dir>/env`` for the services
    that ``devstack.py env`` leaves running until ``devstack.py stop``.

    Taking a lease and bringing the services up, and releasing one and
    stopping them, happen under one lock, so that a process never stops
    services that another has just found running and is about to use.
    """

    directory: Path
    alive: Callable[[int], bool] = alive
    started: Callable[[int], str] = process_start

    @contextlib.contextmanager
    def locked(self) -> Iterator[None]:
        self.directory.mkdir(parents=True, exist_ok=True)
        with open(self.directory / ".lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)

    def take(self, name: str | None = None, pid: int | None = None) -> None:
        """Hold a lease for process ``pid`` (this one), or the named one."""
        pid = os.getpid() if pid is None else pid
        self.directory.mkdir(parents=True, exist_ok=True)
        path = self.directory / (name or str(pid))
        path.write_text("" if name else self.started(pid))

    def drop(self, name: str | None = None, pid: int | None = None) -> None:
        pid = os.getpid() if pid is None else pid
        with contextlib.suppress(FileNotFoundError):
            (self.directory / (name or str(pid))).unlink()

    def holders(self) -> list[str]:
        """The leases still held (stale ones are removed): pids and names."""
        held = []
        for path in sorted(self.directory.glob("[!.]*")):
            if not path.name.isdigit():
                held.append(path.name)
                continue
            pid = int(path.name)
            try:
                started = path.read_text().strip()
            except OSError:
                continue
            if self.alive(pid) and started == self.started(pid):
                held.append(path.name)
            else:
                with contextlib.suppress(FileNotFoundError):
                    path.unlink()
        return held

    def release(self, stop: Callable[[], None],
                pid: int | None = None) -> list[str]:
        """Drop the lease of ``pid`` (this process) and call ``stop`` if no
        other lease is held; returns the leases still held."""
        with self.locked():
            self.drop(pid=pid)
            others = self.holders()
            if not others:
                stop()
        return others


LEASES = Leases(VAR / "leases")


# --------------------------------------------------------------------------
# the stack

@dataclass
class Stack:
    postgres: Postgres
    redis: Redis

    def stop(self) -> None:
        """Stop the private services this stack uses (never the others)."""
        self.redis.stop()
        self.postgres.stop()


def bring_up() -> tuple[Stack, dict[str, str]]:
    """Find or start the services, holding a lease on them until exit."""
    keys = load_secrets()
    found: list[Postgres | Redis] = []

    def release() -> None:
        LEASES.release(lambda: [service.stop() for service in reversed(found)])

    with LEASES.locked():
        LEASES.take()
        atexit.register(release)
        found.append(ensure_postgres(keys["db_password"]))
        found.append(ensure_redis())
    postgres, redis = found
    assert isinstance(postgres, Postgres) and isinstance(redis, Redis)
    return Stack(postgres, redis), keys


def render_config(keys: dict[str, str], sqlalchemy_url: str,
                  redis_url: str) -> str:
    """config/ckan.ini.template filled with secrets and service URLs."""
    return string.Template(CONFIG_TEMPLATE.read_text()).substitute(
        SECRET_KEY=keys["secret_key"], SQLALCHEMY_URL=sqlalchemy_url,
        REDIS_URL=redis_url, SMTP_SERVER=f"127.0.0.1:{MAIL_SINK_PORT}")


def write_config(stack: Stack, keys: dict[str, str]) -> None:
    """Render config/ckan.ini from its template, keeping hand edits safe."""
    text = render_config(keys, os.environ.get("CKAN_SQLALCHEMY_URL")
                         or stack.postgres.url(DB_NAME),
                         stack.redis.database(0))
    stamp = VAR / "ckan.ini.sha1"
    if CONFIG.exists():
        current = CONFIG.read_text()
        if current == text:
            return
        rendered_before = stamp.read_text() if stamp.exists() else ""
        if hashlib.sha1(current.encode()).hexdigest() != rendered_before:
            backup = CONFIG.with_name(f"ckan.ini.{int(time.time())}.bak")
            CONFIG.rename(backup)
            say(f"config/ckan.ini had local edits; kept them in {backup.name}")
    say("Writing config/ckan.ini")
    CONFIG.write_text(text)
    CONFIG.chmod(0o600)
    stamp.write_text(hashlib.sha1(text.encode()).hexdigest())


def ckan(*args: str, ini: Path = CONFIG, **kwargs) -> subprocess.CompletedProcess:
    return run([str(CKAN), "-c", str(ini), *args], **kwargs)


DEMO_ACCOUNTS_NOTE = ROOT / "var" / "demo-accounts.txt"


def cmd_run(args: argparse.Namespace) -> None:
    if listening(args.port, args.host):
        fail(f"{args.host}:{args.port} is already in use (another portal "
             "still running?); stop it or use 'devstack.py run --port N'")
    stack, keys = bring_up()
    stack.postgres.ensure_database(DB_NAME)
    write_config(stack, keys)
    say("Migrating the database (CKAN core and every plugin)")
    ckan("db", "init", stdout=subprocess.DEVNULL)
    say("Loading the Magetan demo data")
    ckan("magetan", "demo", "load")
    say("Checking the search index")
    if subprocess.run([str(CKAN), "-c", str(CONFIG), "pgindex", "check"],
                      stdout=subprocess.DEVNULL,
                      stderr=subprocess.DEVNULL).returncode:
        say("The search index needs a rebuild (ckan pgindex status tells why)")
        ckan("pgindex", "rebuild")
    else:
        ckan("pgindex", "rebuild", "--only-missing")
    (VAR / "storage").mkdir(exist_ok=True)
    # tables left pending (the worker was down, new code lists came with
    # an upgrade) go to the worker started below
    ckan("magetan", "validation", "run", "--pending", "--background")

    children: list[subprocess.Popen] = []

    def shutdown(*_: object) -> None:
        for child in children:
            if child.poll() is None:
                child.terminate()
        for child in children:
            try:
                child.wait(timeout=10)
            except subprocess.TimeoutExpired:
                child.kill()

    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    if listening(MAIL_SINK_PORT):
        say(f"127.0.0.1:{MAIL_SINK_PORT} is taken: e-mails go to whatever "
            "listens there")
    else:
        # a local SMTP sink (aiosmtpd's Maildir handler): the portal's
        # e-mails are files a person can read
        for part in ("tmp", "new", "cur"):  # a Maildir's three folders
            (MAIL_DIR / part).mkdir(parents=True, exist_ok=True)
        children.append(subprocess.Popen(
            [str(VENV / "bin" / "python"), "-m", "aiosmtpd", "-n", "-l",
             f"127.0.0.1:{MAIL_SINK_PORT}", "-c", "aiosmtpd.handlers.Mailbox",
             str(MAIL_DIR)]))
    children.append(subprocess.Popen(
        [str(CKAN), "-c", str(CONFIG), "magetan", "worker"]))
    children.append(subprocess.Popen(
        [str(CKAN), "-c", str(CONFIG), "run", "--host", args.host, "--port",
         str(args.port), "--disable-reloader"]))
    try:
        wait_for_port(args.port, "CKAN", seconds=120)
        print()
        ckan("magetan", "demo", "accounts")
        say(f"The portal is up on http://{args.host}:{args.port}/ "
            "(Ctrl-C stops everything make run started)")
        say(f"Its e-mails land in {MAIL_DIR.relative_to(ROOT)}/new/, one "
            "file per message")
        while all(child.poll() is None for child in children):
            time.sleep(0.5)
        fail("a portal process exited; see the messages above")
    except KeyboardInterrupt:
        print()
    finally:
        shutdown()


def ensure_chromium() -> None:
    """Headless Chromium for the browser tests (Debian's package)."""
    if shutil.which("chromium") or Path("/usr/bin/chromium").exists():
        return
    if IS_ROOT:
        apt_install("chromium")
    else:
        say("Chromium is not installed: the browser tests will be skipped "
            "(sudo apt-get install chromium)")


PGINDEX_TESTS = ROOT / "tests" / "pgindex"
PGINDEX_INI = PGINDEX_TESTS / "test.ini"
CKAN_CORE_TESTS = PGINDEX_TESTS / "ckan_core_tests.txt"
# pytest options whose value is the next argument (never a test path)
VALUE_OPTIONS = {
    "-k", "-m", "-p", "-c", "-o", "-W", "-n", "--deselect", "--ignore",
    "--ignore-glob", "--rootdir", "--confcutdir", "--basetemp", "--tb",
    "--maxfail", "--durations", "--log-level", "--ckan-ini",
}


@dataclass
class TestSession:
    """One pytest run: its name, its CKAN config and its arguments."""

    name: str
    ini: Path
    args: list[str]


def ckan_test_path(target: str) -> str:
    """``ckan.tests.x.test_y::Class`` as the path of the installed module."""
    dotted, _, rest = target.partition("::")
    found = sorted(VENV.glob("lib/python3*/site-packages/ckan"))
    if not found:
        return target
    path = found[-1].parent.joinpath(*dotted.split("."))
    path = path if path.is_dir() else path.with_suffix(".py")
    return str(path.relative_to(ROOT)) + (f"::{rest}" if rest else "")


def ckan_core_tests() -> list[str]:
    lines = (line.split("#", 1)[0].strip()
             for line in CKAN_CORE_TESTS.read_text().splitlines())
    return [ckan_test_path(line) for line in lines if line]


def test_sessions(pytest_args: list[str]) -> list[TestSession]:
    """The magetan and pgindex sessions that the arguments ask for.

    Without test paths both run whole: the magetan suite (test.ini, every
    test but tests/pgindex) and the pgindex suite (tests/pgindex/test.ini:
    its tests and CKAN's search tests). Paths under tests/pgindex and CKAN's
    own tests (``ckan.tests...`` or their path) go to the pgindex session,
    other paths to the magetan one; options go to both.
    """
    options: list[str] = []
    magetan: list[str] = []
    pgindex: list[str] = []
    whole = False
    expect_value = False
    for arg in pytest_args:
        if expect_value or arg.startswith("-"):
            options.append(arg)
            expect_value = arg in VALUE_OPTIONS
            continue
        if arg.startswith("ckan."):
            pgindex.append(ckan_test_path(arg))
            continue
        path = (ROOT / arg.split("::")[0]).resolve()
        if not path.exists():
            options.append(arg)  # not a path: e.g. the value of an option
        elif path == PGINDEX_TESTS or PGINDEX_TESTS in path.parents \
                or "site-packages" in path.parts:
            pgindex.append(arg)
        elif path in PGINDEX_TESTS.parents:
            whole = True
            magetan.append(arg)
        else:
            magetan.append(arg)
    if not magetan and not pgindex:
        whole = True
        magetan = ["tests"]
    sessions = []
    if magetan:
        ignore = ["--ignore", str(PGINDEX_TESTS.relative_to(ROOT))]
        sessions.append(TestSession("magetan", TEST_INI,
                                    [*options, *ignore, *magetan]))
    if whole:
        pgindex = [str(PGINDEX_TESTS.relative_to(ROOT)), *ckan_core_tests(),
                   *pgindex]
    if pgindex:
        sessions.append(TestSession("pgindex", PGINDEX_INI, [
            "-p", "tests.pgindex.pytest_plugin", *options, *pgindex]))
    return sessions


def cmd_test(args: argparse.Namespace) -> int:
    ensure_chromium()
    stack, _ = bring_up()
    env = dict(os.environ)
    test_url = os.environ.get("CKAN_TEST_SQLALCHEMY_URL")
    if not test_url:
        stack.postgres.ensure_database(TEST_DB_NAME)
        test_url = stack.postgres.url(TEST_DB_NAME)
    env["CKAN_SQLALCHEMY_URL"] = test_url
    env["CKAN_REDIS_URL"] = os.environ.get("CKAN_TEST_REDIS_URL") \
        or stack.redis.database(1)
    codes: dict[str, int] = {}
    for session in test_sessions(args.pytest_args):
        say(f"Tests of {session.name} ({session.ini.relative_to(ROOT)})")
        env["CKAN_INI"] = str(session.ini)
        # python -m pytest puts the checkout on sys.path (for -p tests....)
        pytest = [str(VENV / "bin" / "python"), "-m", "pytest",
                  f"--ckan-ini={session.ini.relative_to(ROOT)}",
                  *session.args]
        codes[session.name] = subprocess.run(pytest, cwd=ROOT,
                                             env=env).returncode
    # 5: the session collected no test (say, -k matched only the other's)
    failed = [name for name, code in codes.items() if code not in (0, 5)]
    if failed or all(code == 5 for code in codes.values()):
        print(f"\033[1;31merror:\033[0m tests failed: "
              f"{', '.join(failed or codes)}", file=sys.stderr, flush=True)
        return 1
    return 0


BENCH_DB_NAME = "ckan_magetan_bench"


def cmd_bench(args: argparse.Namespace) -> int:
    """Benchmark search on a database of its own (bench/README.md)."""
    stack, keys = bring_up()
    url = os.environ.get("CKAN_BENCH_SQLALCHEMY_URL")
    if not url:
        stack.postgres.ensure_database(BENCH_DB_NAME)
        url = stack.postgres.url(BENCH_DB_NAME)
    text = render_config(keys, url, stack.redis.database(2))
    # Plain `dataset` type and no scheming, so that other search backends
    # (which may only know that type) can be compared on the same data.
    lines = [line for line in text.splitlines()
             if not line.startswith(("scheming.", "ckan.default.package_type"))]
    # the benchmark asks six facets; the sixth is a field of its own data
    text = "\n".join(
        "ckan.plugins = activity pgindex\n"
        "ckanext.pgindex.facet_fields = periodicity"
        if line.startswith("ckan.plugins") else line for line in lines) + "\n"
    ini = VAR / "bench.ini"
    ini.write_text(text)
    ckan("db", "init", ini=ini, stdout=subprocess.DEVNULL)
    return subprocess.run([str(VENV / "bin" / "python"),
                           str(ROOT / "bench" / "package_search.py"),
                           "--ini", str(ini), *args.bench_args]).returncode


def cmd_env(_: argparse.Namespace) -> None:
    """Start the services and print shell exports for them; keep them up
    (a lease named ``env``) until ``devstack.py stop``."""
    stack, keys = bring_up()
    LEASES.take("env")
    stack.postgres.ensure_database(DB_NAME)
    stack.postgres.ensure_database(TEST_DB_NAME)
    write_config(stack, keys)
    print(f"export CKAN_TEST_SQLALCHEMY_URL='{stack.postgres.url(TEST_DB_NAME)}'")
    print(f"export CKAN_TEST_REDIS_URL='{stack.redis.database(1)}'")


def cmd_stop(_: argparse.Namespace) -> None:
    """Stop the private services left running by ``devstack.py env``, unless
    a ``make run`` or ``make test`` is still using them."""
    pidfile = VAR / "redis" / "redis.pid"
    data_dir = (VAR / "postgres").resolve() / "data"
    bindir = postgres_bindir()
    redis = Redis(url="", pidfile=pidfile)
    postgres = Postgres(host="", port=0, password="", data_dir=data_dir,
                        bindir=bindir, run_as="postgres" if IS_ROOT else None)
    with LEASES.locked():
        LEASES.drop("env")
        others = LEASES.holders()
        if others:
            fail("The private services are still in use by process(es) "
                 f"{', '.join(others)} (make run / make test); they stop "
                 "when the last of them exits.")
        Stack(postgres, redis).stop()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    p_run = sub.add_parser("run", help="serve the portal with demo data")
    p_run.add_argument("--host", default="127.0.0.1")
    p_run.add_argument("--port", type=int, default=5000)
    p_test = sub.add_parser("test", help="run the test suite")
    p_test.add_argument("pytest_args", nargs=argparse.REMAINDER)
    p_bench = sub.add_parser("bench", help="run the search benchmark")
    p_bench.add_argument("bench_args", nargs=argparse.REMAINDER)
    sub.add_parser("env", help="start services and keep them running")
    sub.add_parser("stop", help="stop services left running by 'env'")
    args, extra = parser.parse_known_args()
    if extra and args.command not in ("test", "bench"):
        parser.error(f"unrecognized arguments: {' '.join(extra)}")
    if args.command == "test":
        args.pytest_args = [*extra, *args.pytest_args]
    if args.command == "bench":
        args.bench_args = [*extra, *args.bench_args]
        return cmd_bench(args)
    if args.command == "run":
        cmd_run(args)
    elif args.command == "test":
        return cmd_test(args)
    elif args.command == "env":
        cmd_env(args)
    elif args.command == "stop":
        cmd_stop(args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
