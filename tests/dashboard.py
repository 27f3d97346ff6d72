"""The organisers' dashboard in tests: an account, a logged-in browser-like client, and
the CSRF token its forms carry."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

import httpx2
import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from bot.db import unit_of_work
from bot.domain import organisers
from bot.settings import Settings
from bot.web.app import create_app

LOGIN = "awa"
PASSWORD = "un-mot-de-passe-solide"
SettingsFactory = Callable[..., Settings]
_CSRF = re.compile(r'name="csrf" value="([^"]+)"')


def add_account(factory: sessionmaker[Session], login: str = LOGIN) -> None:
    with unit_of_work(factory) as session:
        organisers.add(session, login=login, password=PASSWORD)


def form_token(html: str) -> str:
    """The CSRF token in a page's forms."""
    found = _CSRF.search(html)
    assert found, "no CSRF field in the page"
    return found.group(1)


def log_in(client: TestClient, login: str = LOGIN, password: str = PASSWORD) -> str:
    """Log in through the form, as a browser does; the session's CSRF token."""
    page = client.get("/admin/login")
    response = client.post(
        "/admin/login",
        data={"login": login, "password": password, "csrf": form_token(page.text)},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    return form_token(client.get("/admin").text)


class Dashboard:
    """A logged-in organiser's browser: `csrf` goes in every form that changes something."""

    def __init__(self, client: TestClient, csrf: str) -> None:
        self.client = client
        self.csrf = csrf

    def post(
        self, path: str, data: dict[str, object] | None = None, **kwargs: object
    ) -> httpx2.Response:
        """POST a form with the session's CSRF token added."""
        form = {**(data or {}), "csrf": self.csrf}
        return self.client.post(path, data=form, **kwargs)  # type: ignore[arg-type]


@pytest.fixture
def dashboard(
    make_settings: SettingsFactory, factory: sessionmaker[Session]
) -> Iterator[Dashboard]:
    """The web app with one organiser account, logged in, from another machine."""
    add_account(factory)
    with TestClient(
        create_app(make_settings()), client=("203.0.113.9", 4000), base_url="http://testserver"
    ) as client:
        yield Dashboard(client, log_in(client))
