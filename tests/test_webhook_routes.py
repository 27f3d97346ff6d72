"""The webhooks are plain Starlette routes (bot/web/webhooks/route.py): POST only, out of
the schema, their errors answered by the app's handlers as before, and no dependency for
FastAPI to solve on a platform's request."""

from __future__ import annotations

import fastapi.routing
import pytest
from fastapi.testclient import TestClient

from tests.conftest import HOOK_HEADERS
from tests.factories import telegram_update

WEBHOOKS = ["/webhooks/telegram", "/webhooks/twilio", "/webhooks/twilio/status"]


@pytest.mark.parametrize("path", WEBHOOKS)
def test_a_webhook_is_post_only_and_out_of_the_schema(telegram_app: TestClient, path: str) -> None:
    assert telegram_app.get(path).status_code == 405
    assert path not in telegram_app.get("/openapi.json").json()["paths"]


def test_a_webhook_has_no_dependency_for_fastapi_to_solve(
    telegram_app: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def refuse(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("FastAPI solved a webhook's dependencies")

    monkeypatch.setattr(fastapi.routing, "solve_dependencies", refuse)
    answered = telegram_app.post(
        "/webhooks/telegram", json=telegram_update("/start"), headers=HOOK_HEADERS
    )
    assert answered.status_code == 200
    with pytest.raises(AssertionError, match="solved"):
        telegram_app.get("/healthz")  # a FastAPI route: the patch is the one FastAPI calls


def test_a_webhooks_refusal_is_still_the_apps_json_error(telegram_app: TestClient) -> None:
    forged = telegram_app.post("/webhooks/telegram", json={"update_id": 1}, headers={})
    assert forged.status_code == 403
    assert forged.json() == {"detail": "wrong or missing secret token"}
    malformed = telegram_app.post("/webhooks/telegram", content=b"[]", headers=HOOK_HEADERS)
    assert malformed.status_code == 400
    assert malformed.json()["detail"] == "not a Telegram Update: no integer update_id"
