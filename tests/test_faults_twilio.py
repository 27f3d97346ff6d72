"""Fault suite: hostile and odd Twilio webhooks, on SQLite and PostgreSQL alike.

Each answer is a 4xx, or a 200 with the message stored; never a 5xx, and a refused form
is never stored as a message.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker
from twilio.request_validator import RequestValidator

from bot.models import Delivery, InboundMedia, InboundMessage, Relay
from tests.test_webhook_twilio import PUBLIC, SID, TOKEN, WHATSAPP_FROM, message, post
from tests.test_webhook_twilio import client as client

pytestmark = pytest.mark.faults
Factory = sessionmaker[Session]
SENDER = "whatsapp:+22370000001"


def counts(factory: Factory) -> tuple[int, int, int, int]:
    with factory() as session:
        return tuple(  # type: ignore[return-value]
            int(session.scalar(select(func.count()).select_from(model)) or 0)
            for model in (InboundMessage, Delivery, Relay, InboundMedia)
        )


def splices(form: dict[str, str]) -> Iterator[dict[str, str]]:
    """Forms Twilio's signature cannot tell from `form`: the same sorted keys and values
    joined with no separator, cut at other places."""
    keys = sorted(form)
    for first, second in itertools.pairwise(keys):
        merged = {key: value for key, value in form.items() if key != second}
        merged[first] = form[first] + second + form[second]
        yield merged
        for cut in range(1, len(form[first])):
            key = form[first][cut:] + second
            if key in form or not (first < key and all(key < k for k in keys if k > second)):
                continue
            shifted = {k: v for k, v in form.items() if k != second}
            shifted[first] = form[first][:cut]
            shifted[key] = form[second]
            yield shifted


def test_the_spliced_sid_of_the_issue_is_refused(client: TestClient, factory: Factory) -> None:
    signed = message(SENDER, "/start")
    signature = RequestValidator(TOKEN).compute_signature(PUBLIC + "/webhooks/twilio", signed)
    assert post(client, signed, signature=signature).status_code == 200
    before = counts(factory)
    spliced = {key: value for key, value in signed.items() if key != "NumMedia"}
    spliced["MessageSid"] = signed["MessageSid"] + "NumMedia" + signed["NumMedia"]
    validator = RequestValidator(TOKEN)
    assert validator.validate(PUBLIC + "/webhooks/twilio", spliced, signature)
    assert post(client, spliced, signature=signature).status_code == 400
    assert counts(factory) == before


def test_every_splice_of_a_signed_message_changes_nothing(
    client: TestClient, factory: Factory
) -> None:
    signed = message(SENDER, "/start", ProfileName="Awa")
    url = PUBLIC + "/webhooks/twilio"
    signature = RequestValidator(TOKEN).compute_signature(url, signed)
    assert post(client, signed, signature=signature).status_code == 200
    before = counts(factory)
    answers = []
    for form in splices(signed):
        assert RequestValidator(TOKEN).validate(url, form, signature), form
        answers.append(post(client, form, signature=signature).status_code)
        assert counts(factory) == before, form  # refused, or at most a replay of the SID
    assert len(answers) >= len(signed) - 1
    assert set(answers) <= {200, 400, 403}
    # The fields that would make it another message (its SID, sender, account) cannot move;
    # a free-text field swallowing an optional one gives the same SID: a replay.
    assert answers.count(200) <= 1


def test_every_splice_of_a_signed_status_callback_is_refused(
    client: TestClient, factory: Factory
) -> None:
    path = "/webhooks/twilio/status"
    sid = "SM" + "b" * 32
    signed = {
        "MessageSid": sid,
        "SmsSid": sid,
        "MessageStatus": "delivered",
        "SmsStatus": "delivered",
        "AccountSid": SID,
        "From": WHATSAPP_FROM,
        "To": SENDER,
        "ApiVersion": "2010-04-01",
    }
    signature = RequestValidator(TOKEN).compute_signature(PUBLIC + path, signed)
    assert post(client, signed, path, signature=signature).status_code == 204
    before = counts(factory)
    for form in splices(signed):
        assert post(client, form, path, signature=signature).status_code in (400, 403), form
    assert counts(factory) == before


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"AccountSid": "AC" + "1" * 32}, 403),
        ({"To": "whatsapp:+22379999999"}, 403),
        ({"AccountSid": ""}, 400),
        ({"MessageSid": "SM1234"}, 400),
        ({"MessageSid": "XX" + "a" * 32, "SmsMessageSid": "XX" + "a" * 32}, 400),
        ({"SmsMessageSid": "SM" + "f" * 32}, 400),
        ({"NumMedia": "11"}, 400),
        ({"NumMedia": "-1"}, 400),
        ({"NumMedia": "١"}, 400),  # an Arabic-Indic one: int() takes it, Twilio never sends it
        ({"From": "whatsapp:foo_bar"}, 400),
        ({"From": "+22370000001"}, 400),  # SMS from, WhatsApp to
        ({"OriginalRepliedMessageSid": "nope"}, 400),
        ({"Body+x": "1"}, 400),
    ],
)
def test_fields_of_another_shape_are_refused_and_not_stored(
    client: TestClient, factory: Factory, change: dict[str, str], expected: int
) -> None:
    form = message(SENDER, "/start") | change
    assert post(client, form).status_code == expected
    assert counts(factory) == (0, 0, 0, 0)


@pytest.mark.parametrize("path", ["/webhooks/twilio", "/webhooks/twilio/status"])
def test_a_300_character_message_sid_is_400_on_either_route(
    client: TestClient, factory: Factory, path: str
) -> None:
    form = message(SENDER, "/start") if path == "/webhooks/twilio" else {"AccountSid": SID}
    form |= {"MessageSid": "SM" + "a" * 298, "MessageStatus": "delivered"}
    form.pop("SmsMessageSid", None)
    assert post(client, form, path).status_code == 400
    assert counts(factory) == (0, 0, 0, 0)


@pytest.mark.parametrize(
    "kind", ["image/" + "x" * 294, "x" * 63 + "/" + "y" * 63 + "; n=" + "z" * 56]
)
def test_a_media_type_longer_than_its_column_is_400(
    client: TestClient, factory: Factory, kind: str
) -> None:
    form = message(
        SENDER, "", NumMedia="1", MediaUrl0="https://api.twilio.com/media/1", MediaContentType0=kind
    )
    assert post(client, form).status_code == 400
    assert counts(factory) == (0, 0, 0, 0)


@pytest.mark.parametrize(
    "change",
    [{"MessageStatus": "x" * 300}, {"ErrorCode": "abc"}, {"AccountSid": "AC" + "2" * 32}],
)
def test_status_callbacks_of_another_shape_are_refused(
    client: TestClient, factory: Factory, change: dict[str, str]
) -> None:
    sid = "SM" + "c" * 32
    form = {"MessageSid": sid, "MessageStatus": "failed", "AccountSid": SID} | change
    assert post(client, form, "/webhooks/twilio/status").status_code in (400, 403)
    assert counts(factory) == (0, 0, 0, 0)


def test_a_10000_character_profile_name_is_stored_cut_to_its_column(
    client: TestClient, factory: Factory
) -> None:
    assert post(client, message(SENDER, "/start", ProfileName="A" * 10_000)).status_code == 200
    with factory() as session:
        relay = session.scalars(select(Relay)).one()
        assert relay.display_name == "A" * 128
        stored = session.scalars(select(InboundMessage)).one()
        assert stored.payload is not None
        assert len(stored.payload["ProfileName"]) == 10_000


def test_nul_characters_are_dropped_before_storing(client: TestClient, factory: Factory) -> None:
    assert post(client, message(SENDER, "/st\x00art", ProfileName="A\x00wa")).status_code == 200
    with factory() as session:
        stored = session.scalars(select(InboundMessage)).one()
        assert stored.text == "/start"
        assert stored.payload is not None
        assert stored.payload["Body"] == "/start"
        assert session.scalars(select(Relay.display_name)).one() == "Awa"


def test_a_media_url_that_is_not_a_web_address_keeps_the_message_not_the_media(
    client: TestClient, factory: Factory
) -> None:
    form = message(SENDER, "Msg", NumMedia="1", MediaUrl0="cat.jpg", MediaContentType0="image/jpeg")
    assert post(client, form).status_code == 200
    assert counts(factory)[0] == 1
    assert counts(factory)[3] == 0
