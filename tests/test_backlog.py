"""Under a burst the webhooks store and answer 200, and the conversations follow
(bot/web/backlog.py): every message is answered as it would have been at once, once, and
in order for each relay."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from twilio.request_validator import RequestValidator

from bot.models import Delivery, InboundMessage
from tests.backlog_apps import (
    PUBLIC,
    SID,
    TWILIO_TOKEN,
    WHATSAPP_FROM,
    Factory,
    backlog_app,
    burst,
    drained,
    payloads,
    waiting_count,
)
from tests.conftest import HOOK_HEADERS, SettingsFactory
from tests.factories import telegram_update

SCRIPT = ("/start", "/aide", "bonjour", "/kit")  # each chat says these, in this order


@pytest.fixture
def client(make_settings: SettingsFactory, factory: Factory) -> Iterator[TestClient]:
    """The app, every message of which waits (as under a burst)."""
    with TestClient(backlog_app(make_settings, busy=0), client=("127.0.0.1", 40000)) as client:
        yield client


def test_a_conversation_that_waited_answers_as_one_run_at_once(
    make_settings: SettingsFactory, factory: Factory
) -> None:
    """The same chat script, on two chats: answered before each 200 on one, after the
    200s on the other; the replies are the same, in the same order."""
    answers = {}
    for busy, chat in ((1000, 7001), (0, 7002)):
        app = backlog_app(make_settings, busy=busy)
        with TestClient(app, client=("127.0.0.1", 40000)) as client:
            for text in SCRIPT:
                update = telegram_update(text, chat_id=chat)
                response = client.post("/webhooks/telegram", json=update, headers=HOOK_HEADERS)
                assert response.status_code == 200
            assert drained(client)
        answers[busy] = payloads(factory, f"telegram:{chat}")
    at_once, waited = answers[1000], answers[0]
    assert len(at_once) >= len(SCRIPT)  # each line answered
    assert [{**p, "chat_id": None} for p in waited] == [{**p, "chat_id": None} for p in at_once]
    assert waiting_count(factory) == 0


def test_waiting_marks_the_stored_message_until_its_conversation_runs(
    client: TestClient, factory: Factory
) -> None:
    response = client.post(
        "/webhooks/telegram", json=telegram_update("/start", chat_id=7010), headers=HOOK_HEADERS
    )
    assert response.status_code == 200
    with factory() as session:  # stored, committed before the 200
        assert session.scalar(select(func.count()).select_from(InboundMessage)) == 1
    assert drained(client)
    assert waiting_count(factory) == 0
    assert payloads(factory, "telegram:7010")  # the welcome


@pytest.mark.parametrize("busy", [0, 3])  # every message waits; some do, some not
def test_one_relays_messages_under_a_burst_are_answered_in_the_order_they_came(
    make_settings: SettingsFactory, factory: Factory, busy: int
) -> None:
    app = backlog_app(make_settings, busy=busy)
    texts = ["/start", *(f"message {n}" for n in range(12))]
    updates = [telegram_update(text, chat_id=7020) for text in texts]
    others = [telegram_update("/start", chat_id=7100 + n) for n in range(20)]

    statuses = asyncio.run(burst(app, [updates[0], *others, *updates[1:]]))
    app.state.services.engine.dispose()

    assert statuses == [200] * (len(updates) + len(others))
    with factory() as session:
        stored = session.execute(
            select(InboundMessage.id, InboundMessage.platform_message_id)
            .where(InboundMessage.address == "telegram:7020")
            .order_by(InboundMessage.id)
        ).all()
        answered = session.scalars(
            select(Delivery.source_ref)
            .where(Delivery.source_kind == "reply", Delivery.source_ref.like("%.0"))
            .order_by(Delivery.id)
        ).all()
    assert [platform_id for _, platform_id in stored] == [str(u["update_id"]) for u in updates]
    ours = {str(inbound_id) for inbound_id, _ in stored}
    replied = [int(ref.split(".")[0]) for ref in answered if ref.split(".")[0] in ours]
    assert replied == sorted(replied)  # replies queued in the order the messages came
    assert len(replied) == len(updates)
    assert waiting_count(factory) == 0


def test_a_message_after_the_burst_waits_behind_the_messages_still_waiting(
    make_settings: SettingsFactory, factory: Factory
) -> None:
    """The webhooks are quiet again, but earlier messages still wait: the next one from
    the same relay is not answered before them."""
    app = backlog_app(make_settings, busy=1, chunk=2)
    first, then = (telegram_update(text, chat_id=7025) for text in ("/start", "/aide"))
    others = [telegram_update("/start", chat_id=7400 + n) for n in range(20)]

    async def burst_then_one() -> list[int]:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://relais") as http:
            posted = [http.post("/webhooks/telegram", json=u, headers=HOOK_HEADERS) for u in others]
            responses = await asyncio.gather(
                *posted, http.post("/webhooks/telegram", json=first, headers=HOOK_HEADERS)
            )
            assert len(app.state.services.backlog) > 2  # the first still waits
            responses.append(await http.post("/webhooks/telegram", json=then, headers=HOOK_HEADERS))
        assert await app.state.services.backlog.drained(30.0)
        return [response.status_code for response in responses]

    assert asyncio.run(burst_then_one()) == [200] * 22
    app.state.services.engine.dispose()
    with factory() as session:
        ids = session.scalars(
            select(InboundMessage.id)
            .where(InboundMessage.address == "telegram:7025")
            .order_by(InboundMessage.id)
        ).all()
        refs = session.scalars(
            select(Delivery.source_ref)
            .where(Delivery.source_ref.in_([f"{i}.0" for i in ids]))
            .order_by(Delivery.id)
        ).all()
    assert refs == [f"{i}.0" for i in ids]


def test_a_replayed_update_waits_and_is_answered_once(client: TestClient, factory: Factory) -> None:
    update = telegram_update("/start", chat_id=7030)
    for _ in range(3):
        assert (
            client.post("/webhooks/telegram", json=update, headers=HOOK_HEADERS).status_code == 200
        )
    assert drained(client)
    with factory() as session:
        assert session.scalar(select(func.count()).select_from(InboundMessage)) == 1
        assert session.scalar(select(func.count()).select_from(Delivery)) == 1


def test_a_waiting_message_no_longer_readable_is_left_unanswered_and_unmarked(
    make_settings: SettingsFactory, factory: Factory, caplog: pytest.LogCaptureFixture
) -> None:
    with factory() as session, session.begin():
        session.add(
            InboundMessage(
                channel="whatsapp",
                platform_message_id="SM" + "2" * 32,
                kind="message",
                payload={"From": "whatsapp:+22370000001", "To": "whatsapp:+22399999999"},
                waiting=True,
            )
        )
    with TestClient(backlog_app(make_settings), client=("127.0.0.1", 40000)) as client:
        assert drained(client)
    assert waiting_count(factory) == 0
    with factory() as session:
        assert session.scalar(select(func.count()).select_from(Delivery)) == 0
    assert "left unanswered" in caplog.text


def test_a_whatsapp_message_under_a_burst_is_answered_after_its_200(
    client: TestClient, factory: Factory
) -> None:
    sender = "whatsapp:+22370000042"
    form = {
        "MessageSid": "SM" + "3" * 32,
        "AccountSid": SID,
        "From": sender,
        "To": WHATSAPP_FROM,
        "Body": "/start",
        "NumMedia": "0",
    }
    signature = RequestValidator(TWILIO_TOKEN).compute_signature(PUBLIC + "/webhooks/twilio", form)
    response = client.post("/webhooks/twilio", data=form, headers={"X-Twilio-Signature": signature})
    assert response.status_code == 200
    assert drained(client)
    assert len(payloads(factory, sender)) == 1
    assert waiting_count(factory) == 0
