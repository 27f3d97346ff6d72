"""The delivery worker against the loopback fake of Twilio's Messages API."""

from __future__ import annotations

import asyncio
import itertools
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy.orm import Session, sessionmaker

from bot.channels.registry import build_channels
from bot.conversation.handlers import build_router
from bot.db import unit_of_work
from bot.domain.outbox import enqueue
from bot.models import DeliveryStatus, Relay, RelayStatus
from bot.outbound import from_json
from bot.settings import Settings
from content.sms import Segments, count_segments
from scheduler.worker import DeliveryWorker
from tests.conftest import SettingsFactory
from tests.factories import converse, deliveries, make_delivery, make_relay
from tests.fakes.twilio import FakeTwilio
from tests.serving import free_port

Factory = sessionmaker[Session]
PUBLIC = "http://127.0.0.1:8999"
WHATSAPP_FROM = "whatsapp:+22370000000"
SMS_FROM = "+22370000009"
LANGUAGE_PROMPT = "HX" + "a" * 32
POST_TEMPLATE = {"sid": "HX" + "b" * 32, "variables": {"1": "Kayes"}}
_numbers = itertools.count(100)


@pytest.fixture
def settings(make_settings: SettingsFactory, twilio: FakeTwilio) -> Settings:
    return make_settings(
        public_url=PUBLIC,
        twilio_account_sid=twilio.account_sid,
        twilio_auth_token=twilio.auth_token,
        twilio_whatsapp_from=WHATSAPP_FROM,
        twilio_sms_from=SMS_FROM,
        twilio_api_url=twilio.api_url,
        whatsapp_prompt_templates={"language": {"bm": LANGUAGE_PROMPT}},
    )


def run_worker(factory: Factory, settings: Settings) -> int:
    async def go() -> int:
        senders = build_channels(settings)
        worker = DeliveryWorker(factory=factory, channels=senders)
        handled = await worker.run_once()
        for sender in senders.values():
            await sender.close()
        return handled

    return asyncio.run(go())


def queue(
    factory: Factory,
    channel: str,
    *payloads: dict[str, Any],
    wrote: timedelta | None = timedelta(minutes=1),
    **relay: Any,
) -> int:
    """Queue payloads for a new relay who last wrote `wrote` ago (None: never)."""
    with unit_of_work(factory) as session:
        target = make_relay(
            session,
            address=f"{channel}:+2237{next(_numbers):07d}",
            channel=channel,
            last_inbound_at=None if wrote is None else datetime.now(UTC) - wrote,
            **relay,
        )
        for number, payload in enumerate(payloads):
            make_delivery(session, target, payload, ref=f"{target.id}.{number}")
        return target.id


def number_of(factory: Factory, relay_id: int) -> str:
    with factory() as session:
        return session.get_one(Relay, relay_id).address.partition(":")[2]


def test_whatsapp_options_become_a_numbered_list_with_a_status_callback(
    factory: Factory, settings: Settings, twilio: FakeTwilio
) -> None:
    options = [{"label": "Kayes", "data": "place:kayes"}, {"label": "Kita", "data": "place:kita"}]
    relay_id = queue(factory, "whatsapp", {"text": "I sigilen bɛ min?", "options": options})
    assert run_worker(factory, settings) == 1
    [sent] = twilio.sent
    assert sent.to == "whatsapp:" + number_of(factory, relay_id)
    assert sent.from_ == WHATSAPP_FROM
    assert sent.body == "I sigilen bɛ min?\n\n1 Kayes\n2 Kita"
    assert sent.status_callback == f"{PUBLIC}/webhooks/twilio/status"
    [row] = deliveries(factory, relay_id)
    assert row.status is DeliveryStatus.SENT
    assert row.platform_message_id == sent.sid
    assert twilio.refused == []


def test_a_configured_quick_reply_template_carries_the_question(
    factory: Factory, settings: Settings, twilio: FakeTwilio
) -> None:
    payload = {"text": "Kan sugandi", "prompt": "language", "language": "bm", "options": []}
    queue(factory, "whatsapp", payload)
    run_worker(factory, settings)
    [sent] = twilio.sent
    assert sent.content_sid == LANGUAGE_PROMPT
    assert not sent.body


def test_sms_goes_to_the_bare_number_with_its_short_version(
    factory: Factory, settings: Settings, twilio: FakeTwilio
) -> None:
    relay_id = queue(factory, "sms", {"text": "A long post…", "sms_text": "Short post"})
    run_worker(factory, settings)
    [sent] = twilio.sent
    assert sent.to == number_of(factory, relay_id)
    assert sent.from_ == SMS_FROM
    assert sent.body == "Short post"


def test_outside_the_window_a_post_goes_as_its_template_and_counts_for_the_tier(
    factory: Factory, settings: Settings, twilio: FakeTwilio
) -> None:
    relay_id = queue(
        factory, "whatsapp", {"text": "Post", "template": POST_TEMPLATE}, wrote=timedelta(days=2)
    )
    run_worker(factory, settings)
    [sent] = twilio.sent
    assert sent.content_sid == POST_TEMPLATE["sid"]
    assert sent.variables == {"1": "Kayes"}
    [row] = deliveries(factory, relay_id)
    assert row.template_sid == POST_TEMPLATE["sid"]


def test_outside_the_window_without_a_template_nothing_is_sent(
    factory: Factory, settings: Settings, twilio: FakeTwilio
) -> None:
    relay_id = queue(factory, "whatsapp", {"text": "Post"}, wrote=None)
    run_worker(factory, settings)
    assert twilio.sent == []
    assert [row.status for row in deliveries(factory, relay_id)] == [DeliveryStatus.HELD]


@pytest.mark.parametrize("code", [21610, 63024, 21211])
def test_unsubscribed_and_invalid_numbers_make_the_relay_unreachable(
    factory: Factory, settings: Settings, twilio: FakeTwilio, code: int
) -> None:
    twilio.fail_next(code=code)
    relay_id = queue(factory, "whatsapp", {"text": "one"}, {"text": "two"})
    run_worker(factory, settings)
    first, second = deliveries(factory, relay_id)
    assert (first.status, first.error_code) == (DeliveryStatus.FAILED, str(code))
    assert second.status is DeliveryStatus.CANCELLED
    with factory() as session:
        assert session.get_one(Relay, relay_id).status is RelayStatus.UNREACHABLE


def test_63016_holds_the_message_instead_of_retrying_it(
    factory: Factory, settings: Settings, twilio: FakeTwilio
) -> None:
    twilio.fail_next(code=63016)
    relay_id = queue(factory, "whatsapp", {"text": "one"})
    run_worker(factory, settings)
    [row] = deliveries(factory, relay_id)
    assert (row.status, row.error_code) == (DeliveryStatus.HELD, "63016")


@pytest.mark.parametrize(("code", "status"), [(20429, 429), (63018, None)])
def test_rate_limits_wait_for_retry_after_without_spending_an_attempt(
    factory: Factory, settings: Settings, twilio: FakeTwilio, code: int, status: int | None
) -> None:
    twilio.fail_next(code=code, status=status, retry_after=30)
    relay_id = queue(factory, "whatsapp", {"text": "one"}, {"text": "two"})
    before = datetime.now(UTC)
    run_worker(factory, settings)
    first, second = deliveries(factory, relay_id)
    assert first.status is DeliveryStatus.QUEUED
    assert first.attempts == 0
    assert first.error_code == str(code)
    assert first.next_attempt_at >= before + timedelta(seconds=9)
    assert second.status is DeliveryStatus.QUEUED  # waits behind the first
    assert twilio.sent == []


def test_server_errors_are_retried_later(
    factory: Factory, settings: Settings, twilio: FakeTwilio
) -> None:
    twilio.fail_next(code=20500, status=500)
    relay_id = queue(factory, "sms", {"text": "one"})
    run_worker(factory, settings)
    [row] = deliveries(factory, relay_id)
    assert row.status is DeliveryStatus.QUEUED
    assert row.attempts == 1
    assert row.next_attempt_at > datetime.now(UTC)


def test_someone_who_has_not_joined_gets_the_invitation_on_whatsapp(
    factory: Factory, settings: Settings, twilio: FakeTwilio
) -> None:
    stranger = "whatsapp:+22371111111"
    with unit_of_work(factory) as session:
        enqueue(
            session=session,
            source_kind="reply",
            source_ref="1.0",
            message=from_json({"text": "I ni ce! Ne ye Relais ye"}),
            relay=None,
            address=stranger,
        )
    run_worker(factory, settings)
    assert [sent.to for sent in twilio.sent] == [stranger]


def test_an_unreachable_twilio_is_retried_later(
    factory: Factory, settings: Settings, twilio: FakeTwilio
) -> None:
    down = settings.model_copy(update={"twilio_api_url": f"http://127.0.0.1:{free_port()}"})
    relay_id = queue(factory, "whatsapp", {"text": "one"})
    run_worker(factory, down)
    [row] = deliveries(factory, relay_id)
    assert row.status is DeliveryStatus.QUEUED
    assert row.attempts == 1
    assert "twilio" in (row.error or "")


def test_the_sms_language_question_fits_one_plain_segment(
    factory: Factory, settings: Settings, twilio: FakeTwilio
) -> None:
    converse(factory, build_router(), "sms:+22372222222", "/start")
    run_worker(factory, settings)
    [sent] = twilio.sent
    assert sent.body == (
        "Relais: i ka kan sugandi.\n\nRelais : choisissez votre langue.\n\n1 Bamanankan\n2 Francais"
    )
    assert count_segments(sent.body) == Segments("GSM-7", len(sent.body), 1)
