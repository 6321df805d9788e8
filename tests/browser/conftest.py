"""A live portal (ckan run on test.ini) and headless Chromium driving it."""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Iterator

import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def live_portal(module_db) -> Iterator[str]:
    """URL of the portal served from the test database by `ckan run`."""
    port = _free_port()
    ckan = Path(sys.executable).with_name("ckan")
    # the log goes to a file: a pipe nobody reads fills up and then blocks
    # the server in the middle of a request
    log = tempfile.TemporaryFile()
    server = subprocess.Popen(
        [str(ckan), "-c", str(ROOT / "test.ini"), "run", "--host",
         "127.0.0.1", "--port", str(port), "--disable-reloader"],
        env=dict(os.environ, CKAN_SITE_URL=f"http://127.0.0.1:{port}"),
        stdout=subprocess.DEVNULL, stderr=log)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                break
        if server.poll() is not None:
            log.seek(0)
            pytest.fail("ckan run exited: " + log.read().decode())
        time.sleep(0.3)
    yield f"http://127.0.0.1:{port}"
    server.terminate()
    server.wait(timeout=10)
    log.close()


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.skip("Chromium is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--headless", "--no-sandbox", "--disable-gpu",
                  "--disable-background-networking"])
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="id-ID",
                                  viewport={"width": 1280, "height": 900})
    yield context.new_page()
    context.close()
