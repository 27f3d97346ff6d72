"""Fault suite: schemathesis generates requests from /openapi.json, valid ones and
wrongly typed, missing or oversized ones, for every /api operation, with the token and
without it: none gets a 5xx. Bounded: a few derandomized examples per operation."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode

from bot.web.app import create_app
from tests.conftest import API_TOKEN, AUTH, REMOTE, SettingsFactory

pytestmark = [pytest.mark.faults, pytest.mark.slow]
EXAMPLES = 15  # per operation, generation mode and token: the whole case stays in seconds


@pytest.fixture
def api(make_settings: SettingsFactory, factory: Any) -> Iterator[TestClient]:
    """The app with an organiser's token, called from another machine (so /api wants the
    token); `factory` empties the tables afterwards."""
    with TestClient(create_app(make_settings(admin_token=API_TOKEN)), client=REMOTE) as client:
        yield client


def operations(client: TestClient) -> list[Any]:
    spec = client.get("/openapi.json").json()
    schema = schemathesis.openapi.from_dict(spec)
    found = [result.ok() for result in schema.get_all_operations()]  # type: ignore[union-attr]
    return [op for op in found if op.path.startswith("/api/")]


def send(client: TestClient, request: dict[str, Any]) -> Any:
    """What schemathesis would send (requests' arguments), through the test client."""
    body = request.pop("data", None)
    if isinstance(body, str | bytes):
        request["content"] = body
    elif body is not None:
        request["data"] = body
    if cookies := request.pop("cookies", None):  # per-request cookies: as a header
        pairs = "; ".join(f"{key}={value}" for key, value in cookies.items())
        request["headers"] = {**(request.get("headers") or {}), "Cookie": pairs}
    allowed = ("method", "url", "headers", "params", "json", "content", "data", "files")
    return client.request(**{key: value for key, value in request.items() if key in allowed})


@pytest.mark.parametrize("token", [True, False], ids=["with-token", "without-token"])
def test_no_generated_api_request_gets_a_5xx(api: TestClient, token: bool) -> None:
    found = operations(api)
    assert len(found) >= 10, [op.path for op in found]
    headers = AUTH if token else {}
    failures: list[str] = []
    answers: dict[int, int] = {}
    for operation in found:
        modes = st.one_of(
            operation.as_strategy(GenerationMode.POSITIVE),
            operation.as_strategy(GenerationMode.NEGATIVE),
        )

        @given(case=modes)
        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def probe(case: Any) -> None:
            response = send(api, case.as_transport_kwargs(base_url="", headers=headers))
            answers[response.status_code] = answers.get(response.status_code, 0) + 1
            if response.status_code >= 500:
                failures.append(f"{case.method} {case.formatted_path}: {response.status_code}")

        probe()
    assert failures == []
    assert sum(answers.values()) >= len(found) * 2  # it did call each operation
    if not token:  # nothing of /api answers without the token (a malformed one may be
        assert all(400 <= code < 500 for code in answers), answers  # refused as such)
        assert answers.get(401, 0) > sum(answers.values()) / 2
