"""Fault suite: real webhook bodies written by others (RapidPro courier's handler tests,
2017 and current) are all stored, with no 5xx, on SQLite and PostgreSQL alike."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker
from twilio.request_validator import RequestValidator

from bot.channels.twilio.status import CALLBACK_CHANNEL
from bot.models import InboundMessage
from tests.conftest import HOOK_HEADERS
from tests.fixtures.courier import is_status, telegram_updates, twilio_form, twilio_names
from tests.test_webhook_twilio import PUBLIC, SID, TOKEN, WHATSAPP_FROM
from tests.test_webhook_twilio import client as client

pytestmark = pytest.mark.faults
Factory = sessionmaker[Session]
SMS_FROM = "+22370000009"  # the test app's SMS sender
TELEGRAM = telegram_updates()
TWILIO = twilio_names()


def test_the_fixtures_hold_both_formats() -> None:
    assert {name.split("/")[0] for name, _ in TELEGRAM} == {"2017", "current"}
    assert len(TELEGRAM) >= 30
    assert len(TWILIO) >= 20


@pytest.mark.parametrize("update", [update for _, update in TELEGRAM], ids=[n for n, _ in TELEGRAM])
def test_every_courier_telegram_update_is_stored(
    telegram_app: TestClient, factory: Factory, update: dict[str, Any]
) -> None:
    response = telegram_app.post("/webhooks/telegram", json=update, headers=HOOK_HEADERS)
    assert response.status_code == 200
    with factory() as session:
        stored = session.scalars(select(InboundMessage)).one()
    assert stored.platform_message_id == str(update["update_id"])
    assert stored.payload == update


@pytest.mark.parametrize(("version", "name"), TWILIO, ids=[f"{v}/{n}" for v, n in TWILIO])
def test_every_courier_twilio_form_is_stored(
    client: TestClient, factory: Factory, version: str, name: str
) -> None:
    form = twilio_form(version, name, SID, WHATSAPP_FROM, SMS_FROM)
    path = "/webhooks/twilio/status" if is_status(name) else "/webhooks/twilio"
    signature = RequestValidator(TOKEN).compute_signature(PUBLIC + path, form)
    response = client.post(path, data=form, headers={"X-Twilio-Signature": signature})
    assert response.status_code == (204 if is_status(name) else 200), response.text
    with factory() as session:
        stored = session.scalars(select(InboundMessage)).one()
    assert stored.payload == form
    if is_status(name):
        assert stored.channel == CALLBACK_CHANNEL
    else:
        assert stored.platform_message_id == form["MessageSid"]
