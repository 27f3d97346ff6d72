"""What the browser tests share: Debian's Chromium (Playwright downloads none), where
screenshots are kept, an organiser account made with the CLI, and logging in through the
dashboard's form."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path
from typing import Any

import pytest

from tests.dashboard import LOGIN, PASSWORD
from tests.serving import RELAIS, relais_env

CHROMIUM = Path("/usr/bin/chromium")
SCREENSHOTS = Path(__file__).resolve().parent / "screenshots"


def require_chromium() -> None:
    """Skip without Chromium on a developer's machine; in CI (CI=true) the test runs and
    fails instead, so a missing browser cannot pass unnoticed."""
    if not CHROMIUM.exists() and os.environ.get("CI", "").lower() != "true":
        pytest.skip("needs Debian's chromium at /usr/bin/chromium (apt-get install chromium)")


def add_organiser(database: Path, login: str = LOGIN, password: str = PASSWORD) -> None:
    """`relais admin user add LOGIN --password-stdin` on a SQLite database, as an operator
    runs it."""
    done = subprocess.run(
        [RELAIS, "admin", "user", "add", login, "--password-stdin"],
        input=f"{password}\n",
        env=relais_env(database_url=f"sqlite:///{database}"),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr


def log_in(page: Any, url: str, login: str = LOGIN, password: str = PASSWORD) -> None:
    """Fill and send the login form the browser was sent to (or /admin/login)."""
    if "/admin/login" not in page.url:
        page.goto(f"{url}/admin/login")
    page.fill('input[name="login"]', login)
    page.fill('input[name="password"]', password)
    page.click('button[type="submit"]')
    page.wait_for_url(lambda address: "/admin/login" not in address)
