"""POST /webhooks/twilio and /webhooks/twilio/status, signed as Twilio signs them."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker
from twilio.request_validator import RequestValidator

from bot.channels.twilio.status import apply_early_callbacks
from bot.db import unit_of_work
from bot.models import (
    Delivery,
    DeliveryStatus,
    InboundMedia,
    InboundMessage,
    Language,
    Relay,
    RelayStatus,
)
from bot.web.app import create_app
from scheduler import claims
from tests.conftest import SettingsFactory
from tests.factories import make_delivery, make_relay

PUBLIC = "https://relais.example.org"
SID = "AC" + "0" * 32
TOKEN = "twilio-auth-token-for-tests"
WHATSAPP_FROM = "whatsapp:+22370000000"
Factory = sessionmaker[Session]
_numbers = itertools.count(1)


@pytest.fixture
def client(make_settings: SettingsFactory, factory: Factory) -> Iterator[TestClient]:
    settings = make_settings(
        public_url=PUBLIC,
        twilio_account_sid=SID,
        twilio_auth_token=TOKEN,
        twilio_whatsapp_from=WHATSAPP_FROM,
        twilio_sms_from="+22370000009",
    )
    with TestClient(create_app(settings), client=("127.0.0.1", 40000)) as client:
        yield client


def message(sender: str, body: str = "", **extra: str) -> dict[str, str]:
    sid = f"SM{next(_numbers):032x}"
    to = WHATSAPP_FROM if sender.startswith("whatsapp:") else "+22370000009"
    return {
        "MessageSid": sid,
        "SmsMessageSid": sid,
        "AccountSid": SID,
        "From": sender,
        "To": to,
        "Body": body,
        "NumMedia": "0",
        "ApiVersion": "2010-04-01",
        **extra,
    }


def post(
    client: TestClient,
    form: dict[str, str],
    path: str = "/webhooks/twilio",
    *,
    signed_url: str | None = None,
    signature: str | None = None,
) -> Any:
    url = signed_url or PUBLIC + path
    if signature is None:
        signature = RequestValidator(TOKEN).compute_signature(url, form)
    return client.post(path, data=form, headers={"X-Twilio-Signature": signature})


def replies(factory: Factory, address: str) -> list[dict[str, Any]]:
    with factory() as session:
        relay_ids = select(Relay.id).where(Relay.address == address)
        rows = session.scalars(
            select(Delivery)
            .where((Delivery.relay_id.in_(relay_ids)) | (Delivery.address == address))
            .order_by(Delivery.id)
        )
        return [row.payload for row in rows]


@pytest.mark.parametrize(
    ("sender", "address"),
    [
        ("whatsapp:+22370000001", "whatsapp:+22370000001"),
        ("+223 70 00 00 02", "sms:+22370000002"),
    ],
)
def test_join_in_bambara_on_whatsapp_and_sms(
    client: TestClient, factory: Factory, sender: str, address: str
) -> None:
    response = post(client, message(sender, "/start", ProfileName="Awa"))
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/xml")
    assert response.text.endswith("<Response></Response>")
    assert post(client, message(sender, "1")).status_code == 200  # 1 = Bamanankan
    assert post(client, message(sender, "kayes")).status_code == 200
    with factory() as session:
        relay = session.scalars(select(Relay).where(Relay.address == address)).one()
        assert relay.language is Language.BM
        assert relay.place == "kayes"
        assert relay.display_name == "Awa"
        assert relay.last_inbound_at is not None
    texts = [payload["text"] for payload in replies(factory, address)]
    assert texts[1].startswith("I sigilen bɛ min?")
    assert texts[2].startswith("I bisimila kampaɲi ka relaw cɛma")


def test_quick_reply_button_payload_is_a_choice(client: TestClient, factory: Factory) -> None:
    sender = "whatsapp:+22370000003"
    post(client, message(sender, "JOIN"))
    post(client, message(sender, "", ButtonPayload="lang:fr", ButtonText="Français"))
    with factory() as session:
        relay = session.scalars(select(Relay).where(Relay.address == sender)).one()
        assert relay.language is Language.FR


@pytest.mark.parametrize("case", ["forged", "missing", "other url", "other token"])
def test_bad_signatures_are_refused_and_store_nothing(
    client: TestClient, factory: Factory, case: str
) -> None:
    form = message("whatsapp:+22370000004", "/start")
    if case == "forged":
        response = post(client, form, signature="bm90IGEgc2lnbmF0dXJl")
    elif case == "missing":
        response = client.post("/webhooks/twilio", data=form)
    elif case == "other url":
        response = post(client, form, signed_url="http://testserver/webhooks/twilio")
    else:
        forged = RequestValidator("another-token").compute_signature(
            PUBLIC + "/webhooks/twilio", form
        )
        response = post(client, form, signature=forged)
    assert response.status_code == 403
    with factory() as session:
        assert session.scalar(select(func.count()).select_from(InboundMessage)) == 0


def test_signature_covers_the_query_string(client: TestClient, factory: Factory) -> None:
    form = message("whatsapp:+22370000005", "/start")
    path = "/webhooks/twilio?campaign=paix"
    assert post(client, form, path).status_code == 200
    tampered = RequestValidator(TOKEN).compute_signature(PUBLIC + "/webhooks/twilio", form)
    response = client.post(path, data=form, headers={"X-Twilio-Signature": tampered})
    assert response.status_code == 403


def test_replayed_message_sid_changes_nothing(client: TestClient, factory: Factory) -> None:
    form = message("whatsapp:+22370000006", "/start")
    assert post(client, form).status_code == 200
    assert post(client, form).status_code == 200
    with factory() as session:
        assert session.scalar(select(func.count()).select_from(InboundMessage)) == 1
        assert session.scalar(select(func.count()).select_from(Delivery)) == 1


def test_voice_notes_and_pictures_are_recorded(client: TestClient, factory: Factory) -> None:
    sender = "whatsapp:+22370000007"
    post(client, message(sender, "/start"))
    voice = "https://api.twilio.com/2010-04-01/Accounts/AC/Messages/MM1/Media/ME1"
    picture = "https://api.twilio.com/2010-04-01/Accounts/AC/Messages/MM1/Media/ME2"
    form = message(
        sender,
        "",
        NumMedia="2",
        MediaUrl0=voice,
        MediaContentType0="audio/ogg",
        MediaUrl1=picture,
        MediaContentType1="image/jpeg",
    )
    assert post(client, form).status_code == 200
    with factory() as session:
        media = session.scalars(select(InboundMedia).order_by(InboundMedia.id)).all()
        assert [(m.kind, m.url, m.content_type) for m in media] == [
            ("voice", voice, "audio/ogg"),
            ("photo", picture, "image/jpeg"),
        ]
        assert all(m.relay_id is not None for m in media)


def test_malformed_forms_are_400(client: TestClient) -> None:
    form = message("not a number", "/start")
    assert post(client, form).status_code == 400
    assert post(client, {"Body": "hi"}).status_code == 400


def test_twilio_routes_are_closed_when_twilio_is_off(
    make_settings: SettingsFactory, factory: Factory
) -> None:
    with TestClient(create_app(make_settings()), client=("127.0.0.1", 40000)) as client:
        assert post(client, message("whatsapp:+22370000008", "/start")).status_code == 404


# --- status callbacks -------------------------------------------------------------


def sent_delivery(factory: Factory, sid: str, **relay: Any) -> tuple[int, int]:
    """A WhatsApp delivery the worker handed to Twilio, which answered `sid`."""
    with unit_of_work(factory) as session:
        target = make_relay(
            session, address=f"whatsapp:+2237{next(_numbers):07d}", channel="whatsapp", **relay
        )
        make_delivery(session, target, {"text": "x"}, ref="p1")
        make_delivery(session, target, {"text": "y"}, ref="p2")
        relay_id = target.id
    with unit_of_work(factory) as session:
        item = claims.claim(session=session, now=datetime.now(UTC), limit=1)[0]
        now = datetime.now(UTC)
        claims.mark_sent(session=session, item=item, now=now, platform_id=sid)
        # What the Twilio channels do in the same unit of work (TwilioChannel.after_sent).
        delivery = session.get_one(Delivery, item.id)
        apply_early_callbacks(session=session, delivery=delivery, now=now, nudge_templates={})
    return item.id, relay_id


def callback(client: TestClient, sid: str, status: str, code: str | None = None) -> int:
    form = {
        "MessageSid": sid,
        "MessageStatus": status,
        "AccountSid": SID,
        "ChannelPrefix": "whatsapp",
    }
    if code:
        form["ErrorCode"] = code
    response = post(client, form, "/webhooks/twilio/status")
    return int(response.status_code)


def status_of(factory: Factory, delivery_id: int) -> tuple[DeliveryStatus, str | None]:
    with factory() as session:
        delivery = session.get_one(Delivery, delivery_id)
        return delivery.status, delivery.error_code


def test_statuses_only_move_forward(client: TestClient, factory: Factory) -> None:
    delivery_id, _ = sent_delivery(factory, "SM" + "a" * 32)
    for status, expected in [
        ("delivered", DeliveryStatus.DELIVERED),
        ("sent", DeliveryStatus.DELIVERED),  # late, out of order
        ("read", DeliveryStatus.READ),
        ("delivered", DeliveryStatus.READ),
        ("failed", DeliveryStatus.READ),
    ]:
        assert callback(client, "SM" + "a" * 32, status) == 204
        assert status_of(factory, delivery_id)[0] is expected


def test_a_replayed_callback_is_kept_once(client: TestClient, factory: Factory) -> None:
    sent_delivery(factory, "SM" + "b" * 32)
    callback(client, "SM" + "b" * 32, "delivered")
    callback(client, "SM" + "b" * 32, "delivered")
    with factory() as session:
        count = select(func.count()).select_from(InboundMessage)
        assert session.scalar(count.where(InboundMessage.channel == "twilio-status")) == 1


@pytest.mark.parametrize("code", ["21610", "63024", "21211"])
def test_unsubscribed_or_invalid_numbers_make_the_relay_unreachable(
    client: TestClient, factory: Factory, code: str
) -> None:
    delivery_id, relay_id = sent_delivery(factory, f"SM{int(code):032x}")
    assert callback(client, f"SM{int(code):032x}", "undelivered", code) == 204
    assert status_of(factory, delivery_id) == (DeliveryStatus.UNDELIVERED, code)
    with factory() as session:
        assert session.get_one(Relay, relay_id).status is RelayStatus.UNREACHABLE
        statuses = session.scalars(select(Delivery.status).where(Delivery.relay_id == relay_id))
        assert sorted(statuses) == [DeliveryStatus.CANCELLED, DeliveryStatus.UNDELIVERED]


def test_outside_the_window_holds_the_message_until_the_relay_writes(
    client: TestClient, factory: Factory
) -> None:
    delivery_id, relay_id = sent_delivery(factory, "SM" + "c" * 32)
    assert callback(client, "SM" + "c" * 32, "failed", "63016") == 204
    assert status_of(factory, delivery_id) == (DeliveryStatus.HELD, "63016")
    with factory() as session:
        address = session.get_one(Relay, relay_id).address
    post(client, message(address, "aide"))
    assert status_of(factory, delivery_id) == (DeliveryStatus.QUEUED, None)


def test_a_callback_that_overtakes_the_worker_is_applied_when_the_sid_is_recorded(
    client: TestClient, factory: Factory
) -> None:
    sid = "SM" + "d" * 32
    assert callback(client, sid, "delivered") == 204  # nothing knows this sid yet
    delivery_id, _ = sent_delivery(factory, sid)
    assert status_of(factory, delivery_id)[0] is DeliveryStatus.DELIVERED


def test_status_callbacks_need_a_signature(client: TestClient) -> None:
    form = {"MessageSid": "SM" + "e" * 32, "MessageStatus": "delivered"}
    assert client.post("/webhooks/twilio/status", data=form).status_code == 403
