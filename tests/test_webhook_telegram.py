"""POST /webhooks/telegram through FastAPI's test client, against the real database."""

from __future__ import annotations

import json
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from bot.models import Delivery, InboundMessage, Language, Relay
from bot.web.app import create_app
from tests.conftest import HOOK_HEADERS, SettingsFactory
from tests.factories import callback_update, telegram_update


def post(client: TestClient, update: Any, headers: dict[str, str] = HOOK_HEADERS) -> int:
    return client.post("/webhooks/telegram", json=update, headers=headers).status_code


def count(factory: sessionmaker[Session], model: type[Any]) -> int:
    with factory() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


@pytest.mark.parametrize(
    "headers",
    [{}, {"X-Telegram-Bot-Api-Secret-Token": "forged"}, {"X-Telegram-Bot-Api-Secret-Token": ""}],
)
def test_wrong_or_missing_secret_is_refused_and_stores_nothing(
    telegram_app: TestClient, factory: sessionmaker[Session], headers: dict[str, str]
) -> None:
    assert post(telegram_app, telegram_update("/start"), headers) == 403
    assert count(factory, InboundMessage) == 0


@pytest.mark.parametrize(
    "body", [b"{not json", b"[]", b'{"message": {}}', b'{"update_id": "12"}', b'"hello"']
)
def test_malformed_body_is_400(telegram_app: TestClient, body: bytes) -> None:
    response = telegram_app.post("/webhooks/telegram", content=body, headers=HOOK_HEADERS)
    assert response.status_code == 400
    assert "not a Telegram Update" in response.json()["detail"]


def test_body_over_one_mebibyte_is_413(
    telegram_app: TestClient, factory: sessionmaker[Session]
) -> None:
    update = telegram_update("x" * (1024 * 1024))
    response = telegram_app.post(
        "/webhooks/telegram", content=json.dumps(update), headers=HOOK_HEADERS
    )
    assert response.status_code == 413
    assert count(factory, InboundMessage) == 0


def test_replayed_update_is_acknowledged_and_changes_nothing(
    telegram_app: TestClient, factory: sessionmaker[Session]
) -> None:
    update = telegram_update("/start", update_id=777)
    assert post(telegram_app, update) == 200
    before = (count(factory, InboundMessage), count(factory, Delivery), count(factory, Relay))
    assert before == (1, 1, 1)
    assert post(telegram_app, update) == 200
    assert (
        count(factory, InboundMessage),
        count(factory, Delivery),
        count(factory, Relay),
    ) == before


def test_conversation_is_stored_and_replies_wait_in_the_outbox(
    telegram_app: TestClient, factory: sessionmaker[Session]
) -> None:
    assert post(telegram_app, telegram_update("/start", chat_id=555, first_name="Moussa")) == 200
    assert post(telegram_app, callback_update("lang:bm", chat_id=555, message_id=10)) == 200
    assert post(telegram_app, callback_update("place:kita", chat_id=555, message_id=11)) == 200
    with factory() as session:
        relay = session.scalars(select(Relay).where(Relay.address == "telegram:555")).one()
        assert relay.language is Language.BM
        assert relay.place == "kita"
        assert relay.display_name == "Moussa"
        rows = session.scalars(select(Delivery).order_by(Delivery.id)).all()
        kinds = [row.source_kind for row in rows]
        assert kinds == ["reply", "ack", "reply", "ack", "reply"]
        assert rows[1].payload == {
            "ack": {
                "callback_query_id": rows[1].payload["ack"]["callback_query_id"],
                "message_id": 10,
            }
        }
        assert all(row.status.value == "queued" for row in rows)
        raw = session.scalars(select(InboundMessage).order_by(InboundMessage.id)).first()
        assert raw is not None
        assert raw.payload is not None
        assert raw.payload["message"]["text"] == "/start"


def test_group_chats_and_other_updates_are_kept_but_not_answered(
    telegram_app: TestClient, factory: sessionmaker[Session]
) -> None:
    update = telegram_update("/start")
    update["message"]["chat"]["type"] = "group"
    assert post(telegram_app, update) == 200
    assert post(telegram_app, {"update_id": 31337, "edited_message": update["message"]}) == 200
    assert count(factory, InboundMessage) == 2
    assert count(factory, Delivery) == 0


def test_webhook_is_closed_when_telegram_is_not_configured(
    make_settings: SettingsFactory, factory: sessionmaker[Session]
) -> None:
    del factory
    with TestClient(create_app(make_settings()), client=("127.0.0.1", 40000)) as client:
        assert post(client, telegram_update("/start")) == 404


def test_healthz_reports_the_database(telegram_app: TestClient) -> None:
    response = telegram_app.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}
