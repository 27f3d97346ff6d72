"""What the fake Twilio gives tests to post to the application: signed forms, and
incoming WhatsApp and SMS parameters shaped like Twilio's (tests/fakes/twilio_webhooks.py)."""

from __future__ import annotations

import re

import pytest
from twilio.request_validator import RequestValidator

from tests.fakes.twilio import FakeTwilio, inbound_params, signed_form
from tests.twilio_clients import GSM_161, SMS_BOT, SMS_USER, WA_BOT, WA_USER


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
