"""Tests of the fake Twilio Messages API (tests/fakes/twilio.py), through twilio-python's
real Client, through raw HTTP, and with a small application receiving its callbacks."""

from __future__ import annotations

import base64
import dataclasses
import json
import logging
import re
import socket
import threading
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qsl

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import Route
from twilio.base.exceptions import TwilioRestException
from twilio.request_validator import RequestValidator
from twilio.rest import Client

from tests.fakes.server import LoopbackServer
from tests.fakes.twilio import FakeTwilio, Sent, inbound_params, signed_form
from tests.fakes.twilio_protocol import SPEC_FILE, sms_segments

WA_BOT = "whatsapp:+22370000000"
WA_USER = "whatsapp:+22370000001"
SMS_BOT = "+22370000000"
SMS_USER = "+22370000001"
CONTENT_SID = "HX" + "ab" * 16
ClientFactory = Callable[..., Any]


@pytest.fixture
def make_client(twilio: FakeTwilio) -> Iterator[ClientFactory]:
    """twilio-python Clients pointed at the fake (their HTTP sessions closed afterwards)."""
    clients: list[Any] = []

    def make(username: str = "", password: str = "", account_sid: str | None = None) -> Any:
        client = Client(username or twilio.account_sid, password or twilio.auth_token, account_sid)
        client.api.base_url = twilio.api_url
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.http_client.session.close()


@pytest.fixture
def client(make_client: ClientFactory) -> Any:
    return make_client()


def auth(twilio: FakeTwilio, token: str = "") -> dict[str, str]:
    pair = f"{twilio.account_sid}:{token or twilio.auth_token}".encode()
    return {"Authorization": "Basic " + base64.b64encode(pair).decode()}


def messages_url(twilio: FakeTwilio) -> str:
    return f"{twilio.api_url}/2010-04-01/Accounts/{twilio.account_sid}/Messages.json"


class Receiver:
    """A small application on 127.0.0.1 recording the forms posted to it."""

    def __init__(self) -> None:
        self._requests: list[tuple[str, dict[str, str], dict[str, str]]] = []
        self._lock = threading.Lock()
        self._loopback = LoopbackServer("callback-receiver")
        self._app = Starlette(routes=[Route("/{path:path}", self._record, methods=["POST"])])

    @property
    def base(self) -> str:
        return self._loopback.url

    async def _record(self, request: Request) -> PlainTextResponse:
        form = dict(parse_qsl((await request.body()).decode(), keep_blank_values=True))
        with self._lock:
            self._requests.append((str(request.url), dict(request.headers), form))
        return PlainTextResponse("", status_code=204)

    def received(self) -> list[tuple[str, dict[str, str], dict[str, str]]]:
        with self._lock:
            return list(self._requests)

    def __enter__(self) -> Receiver:
        self._loopback.start(self._app)
        return self

    def __exit__(self, *exc: object) -> None:
        self._loopback.stop()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with Receiver() as app:
        yield app


# --------------------------------------------------------------------------- basics


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


def test_a_stopped_fake_restarts_with_its_messages_and_callbacks(receiver: Receiver) -> None:
    fake = FakeTwilio()
    fake.auto_callbacks = ["sent"]
    form = {"To": SMS_USER, "From": SMS_BOT, "Body": "a", "StatusCallback": receiver.base}
    with fake:
        first = httpx.post(messages_url(fake), data=form, headers=auth(fake), timeout=10)
        fake.wait_for_callbacks(sid=first.json()["sid"])
    with fake:
        second = httpx.post(messages_url(fake), data=form, headers=auth(fake), timeout=10)
        fake.wait_for_callbacks(sid=second.json()["sid"])
        assert fake.message(first.json()["sid"])["status"] == "sent"
    assert len(receiver.received()) == 2


def test_whatsapp_create_through_the_real_client_answers_a_message_resource(
    twilio: FakeTwilio, client: Any
) -> None:
    before = datetime.now(UTC).replace(microsecond=0)
    message = client.messages.create(
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

    fetched = client.messages(message.sid).fetch()
    assert (fetched.sid, fetched.status, fetched.body) == (message.sid, "queued", "I ni ce")


def test_sms_with_media_gets_an_mm_sid_and_keeps_every_media_url(
    twilio: FakeTwilio, client: Any
) -> None:
    urls = ["https://example.org/affiche.jpg", "https://example.org/carte.png"]
    message = client.messages.create(to=SMS_USER, from_=SMS_BOT, body="Affiche", media_url=urls)
    assert message.sid.startswith("MM")
    assert message.num_media == "2"
    [sent] = twilio.wait_for(to=SMS_USER)
    assert sent.media_urls == tuple(urls)
    assert sent.params["MediaUrl"] == tuple(urls)
    media_only = client.messages.create(to=SMS_USER, from_=SMS_BOT, media_url=urls[:1])
    assert (media_only.body, media_only.num_media) == ("", "1")


def test_content_sid_sends_need_no_body(twilio: FakeTwilio, client: Any) -> None:
    plain = client.messages.create(
        to=WA_USER, from_=WA_BOT, content_sid=CONTENT_SID, content_variables='{"1":"Awa"}'
    )
    assert plain.body == ""
    twilio.add_template(CONTENT_SID, "I ni ce {{1}}! Kalata bɛ {{2}}.")
    rendered = client.messages.create(
        to=WA_USER, from_=WA_BOT, content_sid=CONTENT_SID, content_variables='{"1":"Awa"}'
    )
    assert rendered.body == "I ni ce Awa! Kalata bɛ {{2}}."
    first, second = twilio.sent
    assert (first.content_sid, first.body, first.variables) == (CONTENT_SID, "", {"1": "Awa"})
    assert "Body" not in first.params
    assert second.content_variables == '{"1":"Awa"}'


def test_a_messaging_service_send_is_accepted_without_from(twilio: FakeTwilio, client: Any) -> None:
    service = "MG" + "cd" * 16
    message = client.messages.create(to=SMS_USER, messaging_service_sid=service, body="Ka kɛnɛ")
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


# ------------------------------------------------------------------------- validation

VALID: dict[str, Any] = {"to": SMS_USER, "from_": SMS_BOT, "body": "I ni ce"}


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        pytest.param({"to": ""}, 21604, id="missing To"),
        pytest.param({"from_": None}, 21603, id="missing From"),
        pytest.param({"body": None}, 21602, id="no Body, MediaUrl or ContentSid"),
        pytest.param({"body": "a" * 1601}, 21617, id="Body over 1600"),
        pytest.param({"to": "70000001"}, 21211, id="To not E.164"),
        pytest.param({"to": "whatsapp:0022370"}, 21211, id="WhatsApp To not E.164"),
        pytest.param({"from_": "+0123"}, 21212, id="From not E.164"),
        pytest.param({"to": WA_USER}, 21910, id="WhatsApp To, SMS From"),
        pytest.param({"to": SMS_BOT}, 21266, id="To is From"),
        pytest.param({"media_url": [f"https://e.org/{n}.jpg" for n in range(11)]}, 21623),
        pytest.param({"media_url": ["ftp://e.org/a.jpg"]}, 21620, id="media not http"),
        pytest.param({"body": None, "content_sid": "HX123"}, 21655, id="bad ContentSid"),
        pytest.param(
            {"content_sid": CONTENT_SID, "content_variables": "{1: Awa}"}, 21656, id="bad vars"
        ),
        pytest.param({"status_callback": "not a url"}, 21609, id="bad StatusCallback"),
    ],
)
def test_invalid_creates_raise_twilio_errors(
    twilio: FakeTwilio, client: Any, changes: dict[str, Any], code: int
) -> None:
    params = {k: v for k, v in {**VALID, **changes}.items() if v is not None}
    with pytest.raises(TwilioRestException) as caught:
        client.messages.create(**params)
    assert (caught.value.code, caught.value.status) == (code, 400)
    assert twilio.sent == []
    [refused] = twilio.refused
    assert (refused.code, refused.status, refused.injected) == (code, 400, False)
    assert refused.message in caught.value.msg


def test_error_bodies_have_twilio_shape_and_messages(twilio: FakeTwilio) -> None:
    response = httpx.post(
        messages_url(twilio), data={"From": SMS_BOT, "Body": "a"}, headers=auth(twilio), timeout=10
    )
    assert response.status_code == 400
    assert response.json() == {
        "code": 21604,
        "message": "A 'To' phone number is required.",
        "more_info": "https://www.twilio.com/docs/errors/21604",
        "status": 400,
    }
    too_long = {"To": SMS_USER, "From": SMS_BOT, "Body": "a" * 1601}
    response = httpx.post(messages_url(twilio), data=too_long, headers=auth(twilio), timeout=10)
    assert response.json()["message"] == (
        "The concatenated message body exceeds the 1600 character limit."
    )
    exactly = {**too_long, "Body": "a" * 1600}
    assert httpx.post(messages_url(twilio), data=exactly, headers=auth(twilio)).status_code == 201


def test_senders_restrict_the_from_addresses() -> None:
    with FakeTwilio(senders=[WA_BOT, SMS_BOT]) as fake:
        client = Client(fake.account_sid, fake.auth_token)
        client.api.base_url = fake.api_url
        try:
            client.messages.create(to=WA_USER, from_=WA_BOT, body="a")
            with pytest.raises(TwilioRestException) as whatsapp:
                client.messages.create(to=WA_USER, from_="whatsapp:+22370000009", body="a")
            with pytest.raises(TwilioRestException) as sms:
                client.messages.create(to=SMS_USER, from_="+22370000009", body="a")
        finally:
            client.http_client.session.close()
    assert (whatsapp.value.code, sms.value.code) == (63007, 21606)


# -------------------------------------------------------------------------- auth, paths


def test_wrong_auth_token_is_20003(twilio: FakeTwilio, make_client: ClientFactory) -> None:
    client = make_client(password="not-the-token")
    with pytest.raises(TwilioRestException) as caught:
        client.messages.create(**VALID)
    assert (caught.value.code, caught.value.status) == (20003, 401)
    assert twilio.sent == []
    assert twilio.refused[0].code == 20003


def test_another_accounts_path_is_20003(twilio: FakeTwilio, make_client: ClientFactory) -> None:
    other = "AC" + "f" * 32
    client = make_client(account_sid=other)  # authenticates as the fake's account, posts to other
    with pytest.raises(TwilioRestException) as caught:
        client.messages.create(**VALID)
    assert (caught.value.code, caught.value.status) == (20003, 401)


def test_missing_credentials_answer_the_exact_twilio_body(twilio: FakeTwilio) -> None:
    response = httpx.post(messages_url(twilio), data={"To": SMS_USER}, timeout=10)
    assert response.status_code == 401
    assert response.headers["www-authenticate"].startswith("Basic")
    assert response.json() == {
        "code": 20003,
        "message": "Authenticate",
        "more_info": "https://www.twilio.com/docs/errors/20003",
        "status": 401,
    }


def test_unknown_paths_and_messages_are_20404(twilio: FakeTwilio, client: Any) -> None:
    response = httpx.get(
        f"{twilio.api_url}/2010-04-01/Nothing.json", headers=auth(twilio), timeout=10
    )
    assert (response.status_code, response.json()["code"]) == (404, 20404)
    with pytest.raises(TwilioRestException) as caught:
        client.messages("SM" + "0" * 32).fetch()
    assert (caught.value.code, caught.value.status) == (20404, 404)
    listing = httpx.get(messages_url(twilio), headers=auth(twilio), timeout=10)
    assert (listing.status_code, listing.json()["code"]) == (405, 20004)


# -------------------------------------------------------------------- injected failures


def test_fail_next_20429_answers_429_with_retry_after(twilio: FakeTwilio, client: Any) -> None:
    twilio.fail_next(code=20429, retry_after=7)
    with pytest.raises(TwilioRestException) as caught:
        client.messages.create(**VALID)
    assert (caught.value.code, caught.value.status) == (20429, 429)
    assert client.http_client._test_only_last_response.headers["Retry-After"] == "7"
    assert client.messages.create(**VALID).status == "queued"  # only the next one
    [refused] = twilio.refused
    assert (refused.code, refused.message, refused.injected) == (20429, "Too Many Requests", True)


def test_fail_next_defaults_and_times(twilio: FakeTwilio) -> None:
    twilio.fail_next(code=63016, times=2)
    twilio.fail_next(code=20500)
    twilio.fail_next(code=20429)
    twilio.fail_next(code=63018, status=429, message="slow down")
    form = {"To": WA_USER, "From": WA_BOT, "Body": "a"}
    answers = [httpx.post(messages_url(twilio), data=form, headers=auth(twilio)) for _ in range(6)]
    assert [(a.status_code, a.json().get("code")) for a in answers] == [
        (400, 63016),
        (400, 63016),
        (500, 20500),
        (429, 20429),
        (429, 63018),
        (201, None),
    ]
    assert answers[0].json()["message"].startswith("Failed to send freeform message because")
    assert answers[2].json()["message"] == "Internal Server Error"
    assert answers[3].headers["retry-after"] == "1"
    assert answers[4].json()["message"] == "slow down"


def test_injected_failures_do_not_hide_invalid_requests(twilio: FakeTwilio, client: Any) -> None:
    twilio.fail_next(code=21211)
    with pytest.raises(TwilioRestException) as caught:
        client.messages.create(to=SMS_USER, from_=SMS_BOT)
    assert caught.value.code == 21602
    with pytest.raises(TwilioRestException) as injected:
        client.messages.create(**VALID)
    assert (injected.value.code, injected.value.msg) == (
        21211,
        "Unable to create record: Invalid 'To' Phone Number",
    )


def test_unsubscribed_recipients_answer_21610(twilio: FakeTwilio, client: Any) -> None:
    twilio.unsubscribe(WA_USER)
    with pytest.raises(TwilioRestException) as caught:
        client.messages.create(to=WA_USER, from_=WA_BOT, body="a")
    assert (caught.value.code, caught.value.status) == (21610, 400)
    assert client.messages.create(**VALID).status == "queued"  # others still reachable
    twilio.resubscribe(WA_USER)
    assert client.messages.create(to=WA_USER, from_=WA_BOT, body="a").status == "queued"
    assert [r.injected for r in twilio.refused] == [True]


# ----------------------------------------------------------------------- segments


GSM_161 = ("Bonjour Awa, la réunion est à 18h au siège. " * 4)[:161]
BAMBARA = ("Aw ni sɔgɔma! Kalata bɛ kɛ sini dugujɛ la. " * 3)[:71]


@pytest.mark.parametrize(
    ("body", "segments"),
    [
        pytest.param(GSM_161[:160], "1", id="GSM 160"),
        pytest.param(GSM_161, "2", id="GSM 161"),
        pytest.param("a" * 306, "2", id="GSM 306"),
        pytest.param("a" * 307, "3", id="GSM 307"),
        pytest.param("€" * 80, "1", id="extension chars count 2"),
        pytest.param("€" * 81, "2", id="extension chars 81"),
        pytest.param(BAMBARA[:70], "1", id="Bambara 70"),
        pytest.param(BAMBARA, "2", id="Bambara 71"),
        pytest.param("ɛ" * 134, "2", id="UCS-2 134"),
        pytest.param("ɛ" * 135, "3", id="UCS-2 135"),
        pytest.param("😀" * 35, "1", id="surrogate pairs count 2"),
        pytest.param("😀" * 36, "2", id="36 emoji"),
    ],
)
def test_num_segments_counts_gsm7_and_ucs2(client: Any, body: str, segments: str) -> None:
    message = client.messages.create(to=SMS_USER, from_=SMS_BOT, body=body)
    assert message.num_segments == segments


def test_segment_test_texts_are_what_they_claim() -> None:
    assert len(GSM_161) == 161
    assert "é" in GSM_161
    assert "à" in GSM_161
    assert len(BAMBARA) == 71
    assert "ɛ" in BAMBARA[:70]
    assert sms_segments("a" * 152 + "€") == 1  # 154 septets fit one SMS
    assert sms_segments("a" * 152 + "€" + "a" * 7) == 2  # an escape pair is not split


def test_whatsapp_bodies_are_not_segmented(client: Any) -> None:
    message = client.messages.create(to=WA_USER, from_=WA_BOT, body="ɛ" * 500)
    assert message.num_segments == "1"


# ---------------------------------------------------------------------- status callbacks


def test_advance_posts_a_signed_status_callback(
    twilio: FakeTwilio, client: Any, receiver: Receiver
) -> None:
    url = receiver.base + "/webhooks/twilio/status?channel=whatsapp"
    message = client.messages.create(to=WA_USER, from_=WA_BOT, body="a", status_callback=url)

    assert twilio.advance(message.sid, "delivered") == 204
    [(received_url, headers, form)] = receiver.received()
    assert received_url == url
    assert form == {
        "SmsSid": message.sid,
        "SmsStatus": "delivered",
        "MessageStatus": "delivered",
        "To": WA_USER,
        "MessageSid": message.sid,
        "AccountSid": twilio.account_sid,
        "ApiVersion": "2010-04-01",
        "From": WA_BOT,
        "ChannelPrefix": "whatsapp",
    }
    signature = headers["x-twilio-signature"]
    assert RequestValidator(twilio.auth_token).validate(url, form, signature)
    assert not RequestValidator("another-token").validate(url, form, signature)
    assert not RequestValidator(twilio.auth_token).validate(
        url, {**form, "To": SMS_USER}, signature
    )
    assert headers["content-type"] == "application/x-www-form-urlencoded"

    fetched = client.messages(message.sid).fetch()
    assert fetched.status == "delivered"
    assert fetched.date_sent is not None
    [callback] = twilio.callbacks
    assert (callback.status, callback.http_status, callback.error) == ("delivered", 204, None)


def test_failed_callbacks_carry_an_error_code(
    twilio: FakeTwilio, client: Any, receiver: Receiver
) -> None:
    url = receiver.base + "/status"
    message = client.messages.create(**VALID, status_callback=url)
    twilio.advance(message.sid, "undelivered", error_code=30003)
    [(_, _, form)] = receiver.received()
    assert (form["MessageStatus"], form["ErrorCode"]) == ("undelivered", "30003")
    assert "ChannelPrefix" not in form  # SMS
    resource = twilio.message(message.sid)
    assert (resource["status"], resource["error_code"]) == ("undelivered", 30003)
    assert resource["error_message"] == "Unreachable destination handset"
    with pytest.raises(ValueError, match="error code"):
        twilio.advance(message.sid, "delivered", error_code=30003)
    with pytest.raises(ValueError, match="not a status"):
        twilio.advance(message.sid, "received")


def test_auto_callbacks_post_in_order(twilio: FakeTwilio, client: Any, receiver: Receiver) -> None:
    twilio.auto_callbacks = ["sent", "delivered", "read"]
    url = receiver.base + "/status"
    message = client.messages.create(to=WA_USER, from_=WA_BOT, body="a", status_callback=url)
    client.messages.create(to=WA_USER, from_=WA_BOT, body="no callback")
    last = client.messages.create(to=WA_USER, from_=WA_BOT, body="b", status_callback=url)
    # One thread posts the callbacks, message after message in the order of the creates:
    # once the last message's are in, the one without a StatusCallback has had its turn.
    twilio.wait_for_callbacks(sid=last.sid, status="read")
    expected = [(sid, s) for sid in (message.sid, last.sid) for s in ("sent", "delivered", "read")]
    assert [(c.sid, c.status) for c in twilio.callbacks] == expected
    assert [(f["MessageSid"], f["MessageStatus"]) for _, _, f in receiver.received()] == expected
    assert all(
        RequestValidator(twilio.auth_token).validate(u, f, h["x-twilio-signature"])
        for u, h, f in receiver.received()
    )
    assert twilio.message(message.sid)["status"] == "read"


def test_fail_after_accept_reports_the_failure_in_a_callback(
    twilio: FakeTwilio, client: Any, receiver: Receiver
) -> None:
    twilio.fail_after_accept(WA_USER, 63016)
    twilio.fail_after_accept("whatsapp:+22370000002", 63024, status="undelivered")
    twilio.auto_callbacks = ["sent", "delivered"]
    url = receiver.base + "/status"
    failed = client.messages.create(to=WA_USER, from_=WA_BOT, body="a", status_callback=url)
    undelivered = client.messages.create(
        to="whatsapp:+22370000002", from_=WA_BOT, body="a", status_callback=url
    )
    assert failed.status == "queued"  # the create itself succeeds
    assert [c.status for c in twilio.wait_for_callbacks(sid=failed.sid)] == ["failed"]
    later = twilio.wait_for_callbacks(sid=undelivered.sid, count=2)
    assert [(c.status, c.params.get("ErrorCode")) for c in later] == [
        ("sent", None),
        ("undelivered", "63024"),
    ]
    assert twilio.wait_for_callbacks(sid=failed.sid)[0].params["ErrorCode"] == "63016"
    fetched = client.messages(failed.sid).fetch()
    assert (fetched.status, fetched.error_code) == ("failed", 63016)


def test_fail_after_accept_posts_even_without_auto_callbacks(
    twilio: FakeTwilio, client: Any, receiver: Receiver
) -> None:
    twilio.fail_after_accept(SMS_USER, 30005)
    message = client.messages.create(**VALID, status_callback=receiver.base + "/s")
    [callback] = twilio.wait_for_callbacks(sid=message.sid)
    assert (callback.status, callback.params["ErrorCode"]) == ("failed", "30005")


def test_callbacks_go_to_loopback_urls_only(twilio: FakeTwilio, client: Any) -> None:
    message = client.messages.create(**VALID, status_callback="https://example.org/status")
    with pytest.raises(ValueError, match="loopback"):
        twilio.advance(message.sid, "sent")
    url, headers, form = twilio.prepare_callback(message.sid, "delivered")
    assert url == "https://example.org/status"
    assert RequestValidator(twilio.auth_token).validate(url, form, headers["X-Twilio-Signature"])
    no_callback = client.messages.create(**VALID)
    assert twilio.advance(no_callback.sid, "sent") is None
    with pytest.raises(ValueError, match="no StatusCallback"):
        twilio.prepare_callback(no_callback.sid, "sent")


def test_a_failing_automatic_callback_is_recorded(twilio: FakeTwilio, client: Any) -> None:
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    twilio.auto_callbacks = ["sent"]
    message = client.messages.create(**VALID, status_callback=f"http://127.0.0.1:{port}/s")
    [callback] = twilio.wait_for_callbacks(sid=message.sid)
    assert callback.http_status is None
    assert callback.error is not None
    assert "ConnectError" in callback.error


# ------------------------------------------------------------------ inbound helpers


def test_signed_form_validates_with_twilios_request_validator(twilio: FakeTwilio) -> None:
    url = "http://testserver/webhooks/twilio?x=1"
    params = inbound_params(from_=WA_USER, to=WA_BOT, body="Awɔ", account_sid=twilio.account_sid)
    headers, form = signed_form(url, params, twilio.auth_token)
    validator = RequestValidator(twilio.auth_token)
    assert validator.validate(url, form, headers["X-Twilio-Signature"])
    assert not validator.validate(url, {**form, "Body": "Ayi"}, headers["X-Twilio-Signature"])
    assert not validator.validate(url.replace("x=1", "x=2"), form, headers["X-Twilio-Signature"])
    assert form == params
    assert form is not params


def test_inbound_params_look_like_twilios_incoming_whatsapp_form(twilio: FakeTwilio) -> None:
    params = inbound_params(
        from_=WA_USER,
        to=WA_BOT,
        body="Ɔwɔ",
        account_sid=twilio.account_sid,
        media=[("https://api.twilio.com/m/1", "image/jpeg"), ("https://x/2", "audio/ogg")],
        button_payload="relay:yes",
        profile_name="Awa",
    )
    sid = params["MessageSid"]
    assert re.fullmatch(r"MM[0-9a-f]{32}", sid)
    assert params["SmsMessageSid"] == params["SmsSid"] == sid
    assert params["AccountSid"] == twilio.account_sid
    assert (params["From"], params["To"], params["Body"]) == (WA_USER, WA_BOT, "Ɔwɔ")
    assert (params["NumMedia"], params["MediaUrl0"], params["MediaContentType1"]) == (
        "2",
        "https://api.twilio.com/m/1",
        "audio/ogg",
    )
    assert (params["ButtonPayload"], params["ButtonText"]) == ("relay:yes", "Ɔwɔ")
    assert (params["ProfileName"], params["WaId"]) == ("Awa", "22370000001")
    assert (params["ApiVersion"], params["NumSegments"], params["SmsStatus"]) == (
        "2010-04-01",
        "1",
        "received",
    )


def test_inbound_sms_params_have_no_whatsapp_fields(twilio: FakeTwilio) -> None:
    params = inbound_params(
        from_=SMS_USER, to=SMS_BOT, body=GSM_161, account_sid=twilio.account_sid
    )
    assert params["MessageSid"].startswith("SM")
    assert params["NumSegments"] == "2"
    assert params["NumMedia"] == "0"
    assert not {"WaId", "ProfileName", "ButtonPayload", "MediaUrl0"} & set(params)
    with pytest.raises(ValueError, match="same channel"):
        inbound_params(from_=WA_USER, to=SMS_BOT, account_sid=twilio.account_sid)


# ------------------------------------------------------------------ waiting, logging


def test_wait_for_sees_creates_from_other_threads(twilio: FakeTwilio, client: Any) -> None:
    def later() -> None:
        time.sleep(0.2)
        client.messages.create(to=WA_USER, from_=WA_BOT, body="plus tard")

    thread = threading.Thread(target=later)
    thread.start()
    [sent] = twilio.wait_for(lambda s: s.body == "plus tard", to=WA_USER, timeout=5)
    thread.join()
    assert sent.to == WA_USER
    with pytest.raises(AssertionError, match=r"waited 0\.2s for 2 message"):
        twilio.wait_for(to=WA_USER, count=2, timeout=0.2)


def test_clear_forgets_recordings_not_messages(twilio: FakeTwilio, client: Any) -> None:
    message = client.messages.create(**VALID)
    twilio.clear()
    assert (twilio.sent, twilio.refused, twilio.callbacks) == ([], [], [])
    assert client.messages(message.sid).fetch().sid == message.sid


def test_the_auth_token_is_never_logged(
    twilio: FakeTwilio, make_client: ClientFactory, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    make_client().messages.create(**VALID)
    with pytest.raises(TwilioRestException):
        make_client(password=twilio.auth_token + "x").messages.create(**VALID)
    twilio.fail_next(code=20500)
    with pytest.raises(TwilioRestException):
        make_client().messages.create(**VALID)
    assert "fake Twilio" in caplog.text  # the fake did log
    assert not [r for r in caplog.records if r.name == "uvicorn.access"]  # paths stay out
    assert twilio.auth_token not in caplog.text
    assert twilio.auth_token not in repr(twilio)
    assert twilio.auth_token not in twilio.summary()
