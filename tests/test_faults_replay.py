"""Fault suite: 10,000 replayed webhooks, on Telegram and Twilio, many of them concurrent
(the same update arriving on several connections at once, as a platform's retries do):
every message is stored once and has its effects (relay, replies) once."""

from __future__ import annotations

import itertools
import random
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker
from twilio.request_validator import RequestValidator

from bot.models import Delivery, InboundMessage, Relay
from bot.web.app import create_app
from tests.conftest import HOOK_HEADERS, HOOK_SECRET, SettingsFactory
from tests.factories import telegram_update
from tests.test_webhook_twilio import PUBLIC, SID, TOKEN, WHATSAPP_FROM, message

pytestmark = [pytest.mark.faults, pytest.mark.slow]
Factory = sessionmaker[Session]
REQUESTS = 10_000
DISTINCT = 40  # messages per platform, each replayed REQUESTS / (2 * DISTINCT) times
THREADS = 8
Send = Callable[[], int]


@pytest.fixture
def app(make_settings: SettingsFactory) -> Iterator[TestClient]:
    settings = make_settings(
        telegram_token="123456:TEST-token",
        telegram_secret=HOOK_SECRET,
        public_url=PUBLIC,
        twilio_account_sid=SID,
        twilio_auth_token=TOKEN,
        twilio_whatsapp_from=WHATSAPP_FROM,
        twilio_sms_from="+22370000009",
    )
    with TestClient(create_app(settings), client=("127.0.0.1", 40000)) as client:
        yield client


def telegram(client: TestClient, update: dict[str, Any]) -> Send:
    return lambda: client.post("/webhooks/telegram", json=update, headers=HOOK_HEADERS).status_code


def twilio(client: TestClient, form: dict[str, str]) -> Send:
    signature = RequestValidator(TOKEN).compute_signature(PUBLIC + "/webhooks/twilio", form)
    headers = {"X-Twilio-Signature": signature}
    return lambda: client.post("/webhooks/twilio", data=form, headers=headers).status_code


def per_relay(factory: Factory) -> tuple[int, int, list[int]]:
    """Messages stored, relays, and how many deliveries each relay has."""
    with factory() as session:
        stored = session.scalar(select(func.count()).select_from(InboundMessage)) or 0
        relays = session.scalar(select(func.count()).select_from(Relay)) or 0
        query = select(func.count()).select_from(Delivery).group_by(Delivery.relay_id)
        return int(stored), int(relays), sorted(int(n) for n in session.scalars(query))


def test_ten_thousand_replayed_webhooks_are_stored_once_with_their_effects_once(
    app: TestClient, factory: Factory
) -> None:
    # One /start of each platform alone first: what a single delivery of it does.
    alone = [
        telegram(app, telegram_update("/start", chat_id=90_000)),
        twilio(app, message("whatsapp:+22371000000", "/start")),
    ]
    assert [send() for send in alone] == [200, 200]
    stored, relays, replies = per_relay(factory)
    assert (stored, relays) == (2, 2)
    assert replies[0] == replies[1] > 0
    each = replies[0]

    sends = [
        telegram(app, telegram_update("/start", chat_id=91_000 + n)) for n in range(DISTINCT)
    ] + [twilio(app, message(f"whatsapp:+2237110{n:04d}", "/start")) for n in range(DISTINCT)]
    # Every message arrives REQUESTS / len(sends) times, in a shuffled order, on 8
    # connections: the first copies of one message often race each other.
    copies = list(
        itertools.chain.from_iterable([send] * (REQUESTS // len(sends)) for send in sends)
    )
    random.Random(14).shuffle(copies)
    with ThreadPoolExecutor(THREADS) as pool:
        answers = list(pool.map(lambda send: send(), copies))
    assert len(answers) == REQUESTS
    assert set(answers) == {200}, {a: answers.count(a) for a in set(answers)}

    stored, relays, replies = per_relay(factory)
    assert stored == 2 + 2 * DISTINCT  # each message once
    assert relays == 2 + 2 * DISTINCT  # each sender joined once
    assert replies == [each] * relays  # and was answered once
