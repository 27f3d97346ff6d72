"""The fake Twilio refuses what Twilio refuses, with its codes and messages: invalid
creates, unknown senders, wrong credentials and paths, injected failures, recipients who
opted out."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from twilio.base.exceptions import TwilioRestException
from twilio.rest import Client

from tests.fakes.twilio import FakeTwilio
from tests.twilio_clients import (
    CONTENT_SID,
    SMS_BOT,
    SMS_USER,
    VALID,
    WA_BOT,
    WA_USER,
    ClientFactory,
    auth,
    messages_url,
)


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
    twilio: FakeTwilio, twilio_client: Any, changes: dict[str, Any], code: int
) -> None:
    params = {k: v for k, v in {**VALID, **changes}.items() if v is not None}
    with pytest.raises(TwilioRestException) as caught:
        twilio_client.messages.create(**params)
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
        twilio_client = Client(fake.account_sid, fake.auth_token)
        twilio_client.api.base_url = fake.api_url
        try:
            twilio_client.messages.create(to=WA_USER, from_=WA_BOT, body="a")
            with pytest.raises(TwilioRestException) as whatsapp:
                twilio_client.messages.create(to=WA_USER, from_="whatsapp:+22370000009", body="a")
            with pytest.raises(TwilioRestException) as sms:
                twilio_client.messages.create(to=SMS_USER, from_="+22370000009", body="a")
        finally:
            twilio_client.http_client.session.close()
    assert (whatsapp.value.code, sms.value.code) == (63007, 21606)


def test_wrong_auth_token_is_20003(twilio: FakeTwilio, make_twilio_client: ClientFactory) -> None:
    twilio_client = make_twilio_client(password="not-the-token")
    with pytest.raises(TwilioRestException) as caught:
        twilio_client.messages.create(**VALID)
    assert (caught.value.code, caught.value.status) == (20003, 401)
    assert twilio.sent == []
    assert twilio.refused[0].code == 20003


def test_another_accounts_path_is_20003(
    twilio: FakeTwilio, make_twilio_client: ClientFactory
) -> None:
    other = "AC" + "f" * 32
    twilio_client = make_twilio_client(
        account_sid=other
    )  # authenticates as the fake's account, posts to other
    with pytest.raises(TwilioRestException) as caught:
        twilio_client.messages.create(**VALID)
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


def test_unknown_paths_and_messages_are_20404(twilio: FakeTwilio, twilio_client: Any) -> None:
    response = httpx.get(
        f"{twilio.api_url}/2010-04-01/Nothing.json", headers=auth(twilio), timeout=10
    )
    assert (response.status_code, response.json()["code"]) == (404, 20404)
    with pytest.raises(TwilioRestException) as caught:
        twilio_client.messages("SM" + "0" * 32).fetch()
    assert (caught.value.code, caught.value.status) == (20404, 404)
    listing = httpx.get(messages_url(twilio), headers=auth(twilio), timeout=10)
    assert (listing.status_code, listing.json()["code"]) == (405, 20004)


def test_fail_next_20429_answers_429_with_retry_after(
    twilio: FakeTwilio, twilio_client: Any
) -> None:
    twilio.fail_next(code=20429, retry_after=7)
    with pytest.raises(TwilioRestException) as caught:
        twilio_client.messages.create(**VALID)
    assert (caught.value.code, caught.value.status) == (20429, 429)
    assert twilio_client.http_client._test_only_last_response.headers["Retry-After"] == "7"
    assert twilio_client.messages.create(**VALID).status == "queued"  # only the next one
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


def test_injected_failures_do_not_hide_invalid_requests(
    twilio: FakeTwilio, twilio_client: Any
) -> None:
    twilio.fail_next(code=21211)
    with pytest.raises(TwilioRestException) as caught:
        twilio_client.messages.create(to=SMS_USER, from_=SMS_BOT)
    assert caught.value.code == 21602
    with pytest.raises(TwilioRestException) as injected:
        twilio_client.messages.create(**VALID)
    assert (injected.value.code, injected.value.msg) == (
        21211,
        "Unable to create record: Invalid 'To' Phone Number",
    )


def test_unsubscribed_recipients_answer_21610(twilio: FakeTwilio, twilio_client: Any) -> None:
    twilio.unsubscribe(WA_USER)
    with pytest.raises(TwilioRestException) as caught:
        twilio_client.messages.create(to=WA_USER, from_=WA_BOT, body="a")
    assert (caught.value.code, caught.value.status) == (21610, 400)
    assert twilio_client.messages.create(**VALID).status == "queued"  # others still reachable
    twilio.resubscribe(WA_USER)
    assert twilio_client.messages.create(to=WA_USER, from_=WA_BOT, body="a").status == "queued"
    assert [r.injected for r in twilio.refused] == [True]
