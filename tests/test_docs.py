"""/docs and /redoc work with no internet: every file they load comes from the app."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from bot.web.app import create_app
from tests.conftest import SettingsFactory

ABSOLUTE = re.compile(r"""(?:https?:)?//[^\s"'<>)]+""")
REFERENCES = re.compile(r"""(?:src|href|spec-url)="([^"]*)"|url: '([^']*)'""")
CONTENT_TYPES = {
    ".js": ("text/javascript", "application/javascript"),
    ".css": ("text/css",),
    ".png": ("image/png",),
    ".json": ("application/json",),
}


@pytest.fixture
def client(make_settings: SettingsFactory) -> Iterator[TestClient]:
    with TestClient(create_app(make_settings())) as client:
        yield client


def references(page: str) -> list[str]:
    return [src or url for src, url in REFERENCES.findall(page)]


@pytest.mark.parametrize(
    ("path", "needed"),
    [
        ("/docs", {".js", ".css", ".png", ".json"}),
        ("/redoc", {".js", ".png", ".json"}),
    ],
)
def test_the_docs_load_only_files_the_app_serves(
    client: TestClient, path: str, needed: set[str]
) -> None:
    page = client.get(path)
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    outside = [
        url for url in ABSOLUTE.findall(page.text) if not url.startswith(str(client.base_url))
    ]
    assert outside == []
    found = references(page.text)
    assert {suffix for suffix in CONTENT_TYPES for url in found if url.endswith(suffix)} == needed
    for url in found:
        answer = client.get(url)
        assert answer.status_code == 200, url
        kind = answer.headers["content-type"].split(";")[0]
        assert kind in CONTENT_TYPES[url[url.rindex(".") :]], url
        assert answer.content, url


def test_swagger_ui_asks_no_outside_validator(client: TestClient) -> None:
    # Swagger UI's default badge would fetch validator.swagger.io with our schema's URL.
    assert '"validatorUrl": null' in client.get("/docs").text


def test_the_docs_pages_are_not_part_of_the_api_description(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    assert not {"/docs", "/redoc"} & set(paths)
