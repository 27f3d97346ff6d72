"""Tests of the fake Twilio Messages API (tests/fakes/twilio.py), through twilio-python's
real Client and through raw HTTP: the creates it accepts and records, how tests wait on
it, and what it never logs."""

from __future__ import annotations

import dataclasses
import json
import logging
import re
import threading
import time
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from twilio.base.exceptions import TwilioRestException

from tests.fakes.twilio import FakeTwilio, Sent
from tests.fakes.twilio_protocol import SPEC_FILE
from tests.twilio_clients import (
    CONTENT_SID,
    SMS_BOT,
    SMS_USER,
    VALID,
    WA_BOT,
    WA_USER,
    ClientFactory,
    Receiver,
    auth,
    messages_url,
)


def test_spec_copy_names_its_source_and_the_message_resource() -> None:
    spec = json.loads(SPEC_FILE.read_text(encoding="utf-8"))
    assert "twilio-oai" in spec["source"]
    assert "2.6.7" in spec["source"]
    assert "spec/json/twilio_api_v2010.json" in spec["source"]
    assert spec["create"]["required"] == ["To"]
    assert spec["create"]["properties"]["MediaUrl"]["type"] == "array"
    assert spec["fetch"]["path"] == "/2010-04-01/Accounts/{AccountSid}/Messages/{Sid}.json"
    assert "read" in spec["enums"]["message_enum_status"]
    assert set(spec["error"]["properties"]) == {"code", "message", "more_info", "status"}


def test_api_url_is_loopback_and_stop_closes_the_port() -> None:
    fake = FakeTwilio()
    with pytest.raises(RuntimeError, match="not started"):
        _ = fake.api_url
    with fake:
        url = fake.api_url
        assert url.startswith("http://127.0.0.1:")
        assert httpx.get(url + "/2010-04-01/Nothing.json", timeout=5).status_code == 401
    with pytest.raises(httpx.ConnectError):
        httpx.get(url, timeout=2)


def test_a_stopped_fake_restarts_with_its_messages_and_callbacks(
    callback_receiver: Receiver,
) -> None:
    fake = FakeTwilio()
    fake.auto_callbacks = ["sent"]
    form = {"To": SMS_USER, "From": SMS_BOT, "Body": "a", "StatusCallback": callback_receiver.base}
    with fake:
        first = httpx.post(messages_url(fake), data=form, headers=auth(fake), timeout=10)
        fake.wait_for_callbacks(sid=first.json()["sid"])
    with fake:
        second = httpx.post(messages_url(fake), data=form, headers=auth(fake), timeout=10)
        fake.wait_for_callbacks(sid=second.json()["sid"])
        assert fake.message(first.json()["sid"])["status"] == "sent"
    assert len(callback_receiver.received()) == 2


def test_whatsapp_create_through_the_real_client_answers_a_message_resource(
    twilio: FakeTwilio, twilio_client: Any
) -> None:
    before = datetime.now(UTC).replace(microsecond=0)
    message = twilio_client.messages.create(
        to=WA_USER,
        from_=WA_BOT,
        body="I ni ce",
        status_callback="http://127.0.0.1:8000/webhooks/twilio/status",
    )
    assert re.fullmatch(r"SM[0-9a-f]{32}", message.sid)
    assert (message.to, message.from_, message.body) == (WA_USER, WA_BOT, "I ni ce")
    assert (message.status, message.direction, message.api_version) == (
        "queued",
        "outbound-api",
        "2010-04-01",
    )
    assert (message.num_segments, message.num_media) == ("1", "0")
    assert message.account_sid == twilio.account_sid
    assert message.price is None
    assert message.error_code is None
    assert message.error_message is None
    assert message.date_sent is None  # not sent yet
    assert before <= message.date_created <= datetime.now(UTC) + timedelta(seconds=1)
    assert message.uri == f"/2010-04-01/Accounts/{twilio.account_sid}/Messages/{message.sid}.json"
    assert message.subresource_uris == {"media": message.uri.removesuffix(".json") + "/Media.json"}

    [sent] = twilio.sent
    assert sent == Sent(
        sid=message.sid,
        to=WA_USER,
        from_=WA_BOT,
        body="I ni ce",
        media_urls=(),
        content_sid=None,
        content_variables=None,
        status_callback="http://127.0.0.1:8000/webhooks/twilio/status",
        params=sent.params,
        at=sent.at,
    )
    assert sent.params["To"] == WA_USER
    assert sent.params["StatusCallback"] == sent.status_callback
    assert twilio.sent_to(WA_USER) == [sent]
    assert twilio.sent_to(SMS_USER) == []
    assert twilio.refused == []
    with pytest.raises(dataclasses.FrozenInstanceError):
        sent.body = "other"  # type: ignore[misc]

    fetched = twilio_client.messages(message.sid).fetch()
    assert (fetched.sid, fetched.status, fetched.body) == (message.sid, "queued", "I ni ce")


def test_sms_with_media_gets_an_mm_sid_and_keeps_every_media_url(
    twilio: FakeTwilio, twilio_client: Any
) -> None:
    urls = ["https://example.org/affiche.jpg", "https://example.org/carte.png"]
    message = twilio_client.messages.create(
        to=SMS_USER, from_=SMS_BOT, body="Affiche", media_url=urls
    )
    assert message.sid.startswith("MM")
    assert message.num_media == "2"
    [sent] = twilio.wait_for(to=SMS_USER)
    assert sent.media_urls == tuple(urls)
    assert sent.params["MediaUrl"] == tuple(urls)
    media_only = twilio_client.messages.create(to=SMS_USER, from_=SMS_BOT, media_url=urls[:1])
    assert (media_only.body, media_only.num_media) == ("", "1")


def test_content_sid_sends_need_no_body(twilio: FakeTwilio, twilio_client: Any) -> None:
    plain = twilio_client.messages.create(
        to=WA_USER, from_=WA_BOT, content_sid=CONTENT_SID, content_variables='{"1":"Awa"}'
    )
    assert plain.body == ""
    twilio.add_template(CONTENT_SID, "I ni ce {{1}}! Kalata bɛ {{2}}.")
    rendered = twilio_client.messages.create(
        to=WA_USER, from_=WA_BOT, content_sid=CONTENT_SID, content_variables='{"1":"Awa"}'
    )
    assert rendered.body == "I ni ce Awa! Kalata bɛ {{2}}."
    first, second = twilio.sent
    assert (first.content_sid, first.body, first.variables) == (CONTENT_SID, "", {"1": "Awa"})
    assert "Body" not in first.params
    assert second.content_variables == '{"1":"Awa"}'


def test_a_messaging_service_send_is_accepted_without_from(
    twilio: FakeTwilio, twilio_client: Any
) -> None:
    service = "MG" + "cd" * 16
    message = twilio_client.messages.create(
        to=SMS_USER, messaging_service_sid=service, body="Ka kɛnɛ"
    )
    assert (message.status, message.from_, message.num_segments) == ("accepted", None, "0")
    assert message.messaging_service_sid == service
    assert twilio.sent[0].from_ is None


def test_unknown_parameters_are_ignored_but_recorded(twilio: FakeTwilio) -> None:
    response = httpx.post(
        messages_url(twilio),
        data={"To": SMS_USER, "From": SMS_BOT, "Body": "a", "Foo": "bar", "Tags": "x"},
        headers=auth(twilio),
        timeout=10,
    )
    assert response.status_code == 201, response.text
    assert response.json()["body"] == "a"
    assert twilio.sent[0].params == {
        "To": SMS_USER,
        "From": SMS_BOT,
        "Body": "a",
        "Foo": "bar",
        "Tags": "x",
    }


def test_wait_for_sees_creates_from_other_threads(twilio: FakeTwilio, twilio_client: Any) -> None:
    def later() -> None:
        time.sleep(0.2)
        twilio_client.messages.create(to=WA_USER, from_=WA_BOT, body="plus tard")

    thread = threading.Thread(target=later)
    thread.start()
    [sent] = twilio.wait_for(lambda s: s.body == "plus tard", to=WA_USER, timeout=5)
    thread.join()
    assert sent.to == WA_USER
    with pytest.raises(AssertionError, match=r"waited 0\.2s for 2 message"):
        twilio.wait_for(to=WA_USER, count=2, timeout=0.2)


def test_clear_forgets_recordings_not_messages(twilio: FakeTwilio, twilio_client: Any) -> None:
    message = twilio_client.messages.create(**VALID)
    twilio.clear()
    assert (twilio.sent, twilio.refused, twilio.callbacks) == ([], [], [])
    assert twilio_client.messages(message.sid).fetch().sid == message.sid


def test_the_auth_token_is_never_logged(
    twilio: FakeTwilio, make_twilio_client: ClientFactory, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    make_twilio_client().messages.create(**VALID)
    with pytest.raises(TwilioRestException):
        make_twilio_client(password=twilio.auth_token + "x").messages.create(**VALID)
    twilio.fail_next(code=20500)
    with pytest.raises(TwilioRestException):
        make_twilio_client().messages.create(**VALID)
    assert "fake Twilio" in caplog.text  # the fake did log
    assert not [r for r in caplog.records if r.name == "uvicorn.access"]  # paths stay out
    assert twilio.auth_token not in caplog.text
    assert twilio.auth_token not in repr(twilio)
    assert twilio.auth_token not in twilio.summary()
