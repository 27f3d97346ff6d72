"""Fault suite: Telegram bodies with the right secret but an odd or malformed shape, on
SQLite and PostgreSQL alike. Never a 5xx (Telegram retries those): a clear 400, or 200
with the update stored, handled when the conversation understands it."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from bot.models import Delivery, InboundMedia, InboundMessage, Relay
from tests.conftest import HOOK_HEADERS
from tests.factories import callback_update, telegram_update

pytestmark = pytest.mark.faults
Factory = sessionmaker[Session]


def send(client: TestClient, body: object) -> int:
    content = body if isinstance(body, bytes) else json.dumps(body).encode()
    return client.post("/webhooks/telegram", content=content, headers=HOOK_HEADERS).status_code


def counts(factory: Factory) -> tuple[int, int, int]:
    """Stored updates, queued deliveries, relays."""
    with factory() as session:
        return tuple(  # type: ignore[return-value]
            int(session.scalar(select(func.count()).select_from(model)) or 0)
            for model in (InboundMessage, Delivery, Relay)
        )


def stored(factory: Factory) -> InboundMessage:
    with factory() as session:
        return session.scalars(select(InboundMessage)).one()


def with_message(**fields: Any) -> dict[str, Any]:
    update = telegram_update("/start")
    update["message"].update(fields)
    return update


@pytest.mark.parametrize(
    "body",
    [
        b'{"update_id": 1, "x": ' + b"[" * 100_000 + b"]" * 100_000 + b"}",
        b'{"update_id": 1, "x": ' + b'{"a": ' * 100_000 + b"1" + b"}" * 100_000 + b"}",
        json.dumps({"update_id": 1, "x": json.loads("[" * 70 + "]" * 70)}).encode(),
        b'{"update_id": 1, "x": NaN}',
        b'{"update_id": 1, "x": 1e400}',
        b'{"update_id": 1' + b"0" * 400 + b"}",
        b'{"update_id": true}',
        b'{"update_id": -5}',
        b'{"update_id": 1, "message": "\xff\xfe"}',
    ],
    ids=["deep-list", "deep-object", "70-deep", "nan", "inf", "huge-id", "true-id", "neg", "utf8"],
)
def test_bodies_that_are_no_update_get_400_and_store_nothing(
    telegram_app: TestClient, factory: Factory, body: bytes
) -> None:
    assert send(telegram_app, body) == 400
    assert counts(factory) == (0, 0, 0)


@pytest.mark.parametrize(
    "update",
    [
        with_message(text={"a": 1}),
        with_message(text=12),
        with_message(text=["/start"]),
        with_message(caption={"x": 1}),
        with_message(chat=None),
        with_message(chat={"id": "4242", "type": "private"}),
        with_message(chat={"id": 10**30, "type": "private"}),
        {"update_id": 31, "message": ["not", "an", "object"]},
        {"update_id": 32, "callback_query": {"id": "1", "data": "lang:fr"}},
    ],
    ids=[
        "text-object",
        "text-number",
        "text-list",
        "caption-object",
        "chat-null",
        "chat-id-string",
        "chat-id-huge",
        "message-list",
        "callback-nowhere",
    ],
)
def test_malformed_shapes_are_stored_and_ignored(
    telegram_app: TestClient, factory: Factory, update: dict[str, Any]
) -> None:
    assert send(telegram_app, update) == 200
    assert counts(factory) == (1, 0, 0)
    assert stored(factory).kind == "other"
    assert send(telegram_app, update) == 200  # a replay is acknowledged too
    assert counts(factory) == (1, 0, 0)


def test_a_first_name_that_is_a_number_is_dropped_not_the_message(
    telegram_app: TestClient, factory: Factory
) -> None:
    update = telegram_update("/start")
    update["message"]["from"]["first_name"] = 5
    assert send(telegram_app, update) == 200
    assert counts(factory)[0] == 1
    with factory() as session:
        assert session.scalars(select(Relay.display_name)).one() is None


def test_button_data_that_is_an_object_is_acknowledged_not_chosen(
    telegram_app: TestClient, factory: Factory
) -> None:
    update = callback_update("lang:fr")
    update["callback_query"]["data"] = {"lang": "fr"}
    assert send(telegram_app, update) == 200
    with factory() as session:
        kinds = set(session.scalars(select(Delivery.source_kind)))
        assert "ack" in kinds  # the button stops spinning
        assert session.scalars(select(InboundMessage.kind)).one() == "message"


def test_a_button_pressed_with_no_from_is_answered_in_its_chat(
    telegram_app: TestClient, factory: Factory
) -> None:
    assert send(telegram_app, telegram_update("/start", chat_id=77)) == 200
    update = callback_update("lang:bm", chat_id=77)
    del update["callback_query"]["from"]
    assert send(telegram_app, update) == 200
    with factory() as session:
        relay = session.scalars(select(Relay)).one()
        assert relay.language.value == "bm"


@pytest.mark.parametrize("text", ["/st\x00art", "/start\ud800"])
def test_nul_and_lone_surrogates_are_stored_alike_on_both_databases(
    telegram_app: TestClient, factory: Factory, text: str
) -> None:
    update = telegram_update(text)
    assert send(telegram_app, update) == 200
    message = stored(factory)
    assert message.text is not None
    assert "\x00" not in message.text
    assert message.text.startswith("/st")
    assert message.payload is not None
    assert "\x00" not in message.payload["message"]["text"]


def test_a_long_media_type_is_not_kept_but_the_media_is(
    telegram_app: TestClient, factory: Factory
) -> None:
    voice = {"file_id": "AwAD", "duration": 2, "mime_type": "audio/" + "o" * 300}
    assert send(telegram_app, with_message(text=None, voice=voice)) == 200
    with factory() as session:
        media = session.scalars(select(InboundMedia)).one()
        assert media.content_type is None
        assert media.url == "telegram-file:AwAD"


# Updates python-telegram-bot 22 cannot read: fields Telegram's format requires that
# are missing, or types it does not know. Each is stored; what can be read is handled.
def _without(update: dict[str, Any], *path: str) -> dict[str, Any]:
    changed = copy.deepcopy(update)
    node = changed
    for key in path[:-1]:
        node = node[key]
    del node[path[-1]]
    return changed


PHOTO = [{"file_id": "AgAD", "width": 90, "height": 90}]  # no file_unique_id
POLL = {"id": "5", "question": "Ka kɛ?", "options": [{"text": "Ɔwɔ"}, {"text": "Ayi"}]}


@pytest.mark.parametrize(
    ("update", "handled"),
    [
        (_without(telegram_update("/start"), "message", "from", "is_bot"), True),
        (with_message(text=None, caption="/start", photo=PHOTO), True),
        ({"update_id": 41, "poll": POLL}, False),
        ({"update_id": 42, "purchased_paid_media": {"from": {"id": 1}, "payload": "x"}}, False),
        ({"update_id": 43}, False),
    ],
    ids=["no-is_bot", "no-file_unique_id", "poll-without-new-fields", "new-type", "empty"],
)
def test_updates_the_library_cannot_parse_are_stored_and_acknowledged(
    telegram_app: TestClient, factory: Factory, update: dict[str, Any], handled: bool
) -> None:
    assert send(telegram_app, update) == 200
    message = stored(factory)
    assert message.payload == update
    assert message.platform_message_id == str(update["update_id"])
    assert counts(factory)[2] == (1 if handled else 0)  # /start made a relay
    if "photo" in update.get("message", {}):
        with factory() as session:
            assert session.scalars(select(InboundMedia.url)).one() == "telegram-file:AgAD"


@pytest.mark.parametrize("data", ["quiz:99999999999999999999.1", "poll:².1", "quiz:1.²", "poll:1"])
def test_button_data_no_button_of_ours_carries_is_answered_not_failed(
    telegram_app: TestClient, factory: Factory, data: str
) -> None:
    assert send(telegram_app, telegram_update("/start", chat_id=88)) == 200
    assert send(telegram_app, callback_update(data, chat_id=88)) == 200
    assert counts(factory)[0] == 2
