"""The fake Twilio's signed status callbacks: posted on demand or automatically, in
order, failures with their error codes, to loopback URLs only."""

from __future__ import annotations

import socket
from typing import Any

import pytest
from twilio.request_validator import RequestValidator

from tests.fakes.twilio import FakeTwilio
from tests.twilio_clients import SMS_USER, VALID, WA_BOT, WA_USER, Receiver


def test_advance_posts_a_signed_status_callback(
    twilio: FakeTwilio, twilio_client: Any, callback_receiver: Receiver
) -> None:
    url = callback_receiver.base + "/webhooks/twilio/status?channel=whatsapp"
    message = twilio_client.messages.create(to=WA_USER, from_=WA_BOT, body="a", status_callback=url)

    assert twilio.advance(message.sid, "delivered") == 204
    [(received_url, headers, form)] = callback_receiver.received()
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

    fetched = twilio_client.messages(message.sid).fetch()
    assert fetched.status == "delivered"
    assert fetched.date_sent is not None
    [callback] = twilio.callbacks
    assert (callback.status, callback.http_status, callback.error) == ("delivered", 204, None)


def test_failed_callbacks_carry_an_error_code(
    twilio: FakeTwilio, twilio_client: Any, callback_receiver: Receiver
) -> None:
    url = callback_receiver.base + "/status"
    message = twilio_client.messages.create(**VALID, status_callback=url)
    twilio.advance(message.sid, "undelivered", error_code=30003)
    [(_, _, form)] = callback_receiver.received()
    assert (form["MessageStatus"], form["ErrorCode"]) == ("undelivered", "30003")
    assert "ChannelPrefix" not in form  # SMS
    resource = twilio.message(message.sid)
    assert (resource["status"], resource["error_code"]) == ("undelivered", 30003)
    assert resource["error_message"] == "Unreachable destination handset"
    with pytest.raises(ValueError, match="error code"):
        twilio.advance(message.sid, "delivered", error_code=30003)
    with pytest.raises(ValueError, match="not a status"):
        twilio.advance(message.sid, "received")


def test_auto_callbacks_post_in_order(
    twilio: FakeTwilio, twilio_client: Any, callback_receiver: Receiver
) -> None:
    twilio.auto_callbacks = ["sent", "delivered", "read"]
    url = callback_receiver.base + "/status"
    message = twilio_client.messages.create(to=WA_USER, from_=WA_BOT, body="a", status_callback=url)
    twilio_client.messages.create(to=WA_USER, from_=WA_BOT, body="no callback")
    last = twilio_client.messages.create(to=WA_USER, from_=WA_BOT, body="b", status_callback=url)
    # One thread posts the callbacks, message after message in the order of the creates:
    # once the last message's are in, the one without a StatusCallback has had its turn.
    twilio.wait_for_callbacks(sid=last.sid, status="read")
    expected = [(sid, s) for sid in (message.sid, last.sid) for s in ("sent", "delivered", "read")]
    assert [(c.sid, c.status) for c in twilio.callbacks] == expected
    assert [
        (f["MessageSid"], f["MessageStatus"]) for _, _, f in callback_receiver.received()
    ] == expected
    assert all(
        RequestValidator(twilio.auth_token).validate(u, f, h["x-twilio-signature"])
        for u, h, f in callback_receiver.received()
    )
    assert twilio.message(message.sid)["status"] == "read"


def test_fail_after_accept_reports_the_failure_in_a_callback(
    twilio: FakeTwilio, twilio_client: Any, callback_receiver: Receiver
) -> None:
    twilio.fail_after_accept(WA_USER, 63016)
    twilio.fail_after_accept("whatsapp:+22370000002", 63024, status="undelivered")
    twilio.auto_callbacks = ["sent", "delivered"]
    url = callback_receiver.base + "/status"
    failed = twilio_client.messages.create(to=WA_USER, from_=WA_BOT, body="a", status_callback=url)
    undelivered = twilio_client.messages.create(
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
    fetched = twilio_client.messages(failed.sid).fetch()
    assert (fetched.status, fetched.error_code) == ("failed", 63016)


def test_fail_after_accept_posts_even_without_auto_callbacks(
    twilio: FakeTwilio, twilio_client: Any, callback_receiver: Receiver
) -> None:
    twilio.fail_after_accept(SMS_USER, 30005)
    message = twilio_client.messages.create(**VALID, status_callback=callback_receiver.base + "/s")
    [callback] = twilio.wait_for_callbacks(sid=message.sid)
    assert (callback.status, callback.params["ErrorCode"]) == ("failed", "30005")


def test_callbacks_go_to_loopback_urls_only(twilio: FakeTwilio, twilio_client: Any) -> None:
    message = twilio_client.messages.create(**VALID, status_callback="https://example.org/status")
    with pytest.raises(ValueError, match="loopback"):
        twilio.advance(message.sid, "sent")
    url, headers, form = twilio.prepare_callback(message.sid, "delivered")
    assert url == "https://example.org/status"
    assert RequestValidator(twilio.auth_token).validate(url, form, headers["X-Twilio-Signature"])
    no_callback = twilio_client.messages.create(**VALID)
    assert twilio.advance(no_callback.sid, "sent") is None
    with pytest.raises(ValueError, match="no StatusCallback"):
        twilio.prepare_callback(no_callback.sid, "sent")


def test_a_failing_automatic_callback_is_recorded(twilio: FakeTwilio, twilio_client: Any) -> None:
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    twilio.auto_callbacks = ["sent"]
    message = twilio_client.messages.create(**VALID, status_callback=f"http://127.0.0.1:{port}/s")
    [callback] = twilio.wait_for_callbacks(sid=message.sid)
    assert callback.http_status is None
    assert callback.error is not None
    assert "ConnectError" in callback.error
