"""GET /: a page that says what Relais is and links to the simulator and the API's
documentation, in French or Bambara."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from bot.web.app import create_app
from tests.conftest import SettingsFactory


@pytest.fixture
def client(make_settings: SettingsFactory, factory: sessionmaker[Session]) -> Iterator[TestClient]:
    del factory  # a migrated database for the app to check
    with TestClient(create_app(make_settings()), client=("127.0.0.1", 40000)) as client:
        yield client


def test_the_home_page_points_to_the_simulator_and_the_docs(client: TestClient) -> None:
    page = client.get("/")
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert 'href="/simulator"' in page.text
    assert 'href="/docs"' in page.text
    assert "Le simulateur" in page.text
    for link in ("/simulator", "/docs", "/healthz"):
        assert client.get(link).status_code == 200, link


def test_the_home_page_in_bambara_keeps_bambara_in_the_simulator(client: TestClient) -> None:
    page = client.get("/?lang=bm")
    assert 'href="/simulator?lang=bm"' in page.text
    assert "Telefɔni ladegelan" in page.text
    assert 'lang="bm"' in page.text
