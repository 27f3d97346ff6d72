"""The dashboard's and the API's routers are included on the first request that needs
them (bot/web/deferred.py): every route still answers from the first request on, and
/openapi.json lists them all."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from bot.web.app import create_app
from bot.web.deferred import DEFERRED, SERVED_KEPT
from tests.conftest import SettingsFactory


@pytest.fixture
def client(make_settings: SettingsFactory, factory: sessionmaker[Session]) -> Iterator[TestClient]:
    del factory  # a migrated database for the app to check
    with TestClient(create_app(make_settings()), client=("127.0.0.1", 40000)) as client:
        yield client


def test_a_dashboard_page_answers_as_the_first_request(client: TestClient) -> None:
    page = client.get("/admin/login")
    assert page.status_code == 200
    assert "<form" in page.text
    assert client.get("/admin", follow_redirects=False).status_code == 303


def test_an_api_route_answers_as_the_first_request(client: TestClient) -> None:
    assert client.get("/api/broadcasts").status_code == 200


def test_the_schema_lists_every_route_as_the_first_request(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    assert "/api/broadcasts" in paths
    assert "/api/indicators" in paths
    assert "/healthz" in paths


def test_the_schema_asked_of_the_app_lists_every_route(
    make_settings: SettingsFactory, factory: sessionmaker[Session]
) -> None:
    del factory
    paths = create_app(make_settings()).openapi()["paths"]
    assert "/api/broadcasts" in paths


def test_an_unknown_path_is_still_a_404_and_then_the_dashboard_answers(
    client: TestClient,
) -> None:
    assert client.get("/nowhere").status_code == 404
    assert client.get("/admin/login").status_code == 200


def test_health_answers_without_the_deferred_routers(
    make_settings: SettingsFactory, factory: sessionmaker[Session]
) -> None:
    del factory
    app = create_app(make_settings())
    with TestClient(app, client=("127.0.0.1", 40000)) as client:
        assert client.get("/healthz").status_code == 200
        assert client.get("/simulator").status_code == 200
        assert not app.state.deferred.included
        assert client.get("/api/broadcasts").status_code == 200
        assert app.state.deferred.included


@pytest.mark.slow
def test_building_the_app_imports_none_of_the_deferred_routers(tmp_path: Path) -> None:
    code = (
        "import sys\n"
        "from bot.settings import load_settings\n"
        "from bot.web.app import create_app\n"
        "create_app(load_settings())\n"
        f"print(sorted(set({list(DEFERRED)!r}) & set(sys.modules)))\n"
    )
    found = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=tmp_path
    )
    assert found.stdout.strip() == "[]"


def _scope(path: str, method: str = "POST") -> dict[str, object]:
    return {"type": "http", "method": method, "path": path, "root_path": "", "headers": []}


def test_a_served_path_is_matched_against_the_routes_once(
    make_settings: SettingsFactory, factory: sessionmaker[Session], monkeypatch: pytest.MonkeyPatch
) -> None:
    del factory
    deferred = create_app(make_settings()).state.deferred
    assert not deferred.needed_for(_scope("/webhooks/telegram"))

    def no_matching(_self: object, _scope: object) -> None:
        raise AssertionError("the routes were matched again")

    for route in deferred.app.router.routes:
        monkeypatch.setattr(type(route), "matches", no_matching)
    assert not deferred.needed_for(_scope("/webhooks/telegram"))
    with pytest.raises(AssertionError, match="matched again"):
        deferred.needed_for(_scope("/webhooks/telegram", method="PUT"))


def test_what_is_not_served_is_never_remembered_and_the_memory_is_bounded(
    make_settings: SettingsFactory, factory: sessionmaker[Session]
) -> None:
    del factory
    deferred = create_app(make_settings()).state.deferred
    for _ in range(2):
        assert deferred.needed_for(_scope("/admin/login", method="GET"))
    assert not deferred.included
    for n in range(SERVED_KEPT + 50):
        assert not deferred.needed_for(_scope(f"/media/sahel/{n}.jpg", method="GET"))
    assert len(deferred._served) == SERVED_KEPT
