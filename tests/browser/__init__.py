"""Browser tests: Playwright driving Debian's Chromium against a live
portal (``conftest.py``), and what their modules share."""
from __future__ import annotations

from typing import Any

# the password of the accounts the browser tests create
PASSWORD = "Rahasia-Magetan-2026"


def log_in(page: Any, portal: str, name: str) -> None:
    """Log ``name`` in through the login form, as a person does."""
    page.context.clear_cookies()
    page.goto(f"{portal}/user/login")
    page.fill("#field-login", name)
    page.fill("#field-password", PASSWORD)
    page.press("#field-password", "Enter")
    page.wait_for_url("**/dashboard/**")
