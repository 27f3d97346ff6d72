"""Requests Twilio makes to the application, signed the way Twilio signs them.

Status callbacks of outbound messages (posted by ``FakeTwilio``), and the form of an
incoming WhatsApp or SMS message, for tests that play the user:

    headers, form = signed_form(url, inbound_params(from_=..., to=..., body="Awɔ",
                                                    account_sid=sid), auth_token)
    client.post(url, data=form, headers=headers)

The signature is ``X-Twilio-Signature``, computed by twilio-python's own
``RequestValidator`` over the exact URL the application is called at (scheme, host,
port, path and query) and every form parameter.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from urllib.parse import urlencode, urlsplit

import httpx
from twilio.request_validator import RequestValidator

from tests.fakes.twilio_message import MessageRecord, new_sid, sms_segments
from tests.fakes.twilio_protocol import (
    API_VERSION,
    MEDIA_MAX,
    WHATSAPP,
    WHATSAPP_USER_ID,
    is_whatsapp,
    spec,
)

SIGNATURE_HEADER = "X-Twilio-Signature"
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})
USER_AGENT = "TwilioProxy/1.1"


def signed_form(
    url: str, params: Mapping[str, str], auth_token: str
) -> tuple[dict[str, str], dict[str, str]]:
    """Headers and form of a POST Twilio would make to ``url`` with these parameters."""
    form = {str(name): str(value) for name, value in params.items()}
    signature = RequestValidator(auth_token).compute_signature(url, form)
    headers = {
        SIGNATURE_HEADER: str(signature),
        "Content-Type": "application/x-www-form-urlencoded",
    }
    return headers, form


def inbound_params(
    *,
    from_: str,
    to: str,
    body: str = "",
    account_sid: str,
    media: Sequence[tuple[str, str]] = (),
    button_payload: str | None = None,
    profile_name: str | None = None,
) -> dict[str, str]:
    """The form Twilio posts for an incoming message. ``media`` is (url, content type)
    pairs; a pressed quick-reply button is ``body`` (its text) with ``button_payload``.
    WhatsApp when ``from_`` starts with ``whatsapp:`` (then WaId and MessageType too; a
    user known by a business-scoped ID has no WaId but an ExternalUserId)."""
    if is_whatsapp(from_) != is_whatsapp(to):
        raise ValueError("From and To of an incoming message are on the same channel")
    if not spec().account_sid.fullmatch(account_sid):
        raise ValueError("an account SID is 'AC' and 32 hex digits")
    if len(media) > MEDIA_MAX:
        raise ValueError(f"Twilio forwards at most {MEDIA_MAX} media per message")
    sid = new_sid("MM" if media else "SM")  # Twilio gives media messages MM SIDs
    whatsapp = is_whatsapp(from_)
    params = {
        "SmsMessageSid": sid,
        "NumMedia": str(len(media)),
        "SmsSid": sid,
        "SmsStatus": "received",
        "Body": body,
        "To": to,
        "NumSegments": "1" if whatsapp else str(sms_segments(body)),
        "MessageSid": sid,
        "AccountSid": account_sid,
        "From": from_,
        "ApiVersion": API_VERSION,
    }
    if whatsapp:
        params["MessageType"] = _message_type(media, button_payload)
        user = from_.removeprefix(WHATSAPP)
        if WHATSAPP_USER_ID.fullmatch(user):
            params["ExternalUserId"] = from_
        else:
            params["WaId"] = user.removeprefix("+")
        params["ReferralNumMedia"] = "0"
    if profile_name is not None:
        params["ProfileName"] = profile_name
    for index, (url, content_type) in enumerate(media):
        params[f"MediaContentType{index}"] = content_type
        params[f"MediaUrl{index}"] = url
    if button_payload is not None:
        params["ButtonPayload"] = button_payload
        params["ButtonText"] = body
    return params


def _message_type(media: Sequence[tuple[str, str]], button_payload: str | None) -> str:
    if button_payload is not None:
        return "button"
    if not media:
        return "text"
    major = media[0][1].split("/", 1)[0]
    return major if major in ("image", "video", "audio") else "document"


def status_params(message: MessageRecord, error_code: int | None) -> dict[str, str]:
    """The form of a status callback for the message's current status."""
    request, status = message.request, message.status
    params = {
        "SmsSid": message.sid,
        "SmsStatus": status,
        "MessageStatus": status,
        "To": request.to,
        "MessageSid": message.sid,
        "AccountSid": message.account_sid,
        "ApiVersion": API_VERSION,
    }
    if request.from_ is not None:
        params["From"] = request.from_
    if request.messaging_service_sid is not None:
        params["MessagingServiceSid"] = request.messaging_service_sid
    if is_whatsapp(request.to):
        params["ChannelPrefix"] = "whatsapp"
    if error_code is not None:
        params["ErrorCode"] = str(error_code)
    return params


def check_loopback(url: str) -> None:
    """The fake only ever calls this machine."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or parts.hostname not in LOOPBACK_HOSTS:
        raise ValueError(f"the fake Twilio only posts to loopback http(s) URLs, not {url!r}")


def post_signed(url: str, params: Mapping[str, str], auth_token: str, timeout: float) -> int:
    """POST the form to a loopback URL as Twilio would; the HTTP status of the answer."""
    check_loopback(url)
    headers, form = signed_form(url, params, auth_token)
    headers["User-Agent"] = USER_AGENT
    headers["I-Twilio-Idempotency-Token"] = str(uuid.uuid4())
    with httpx.Client(timeout=timeout, trust_env=False) as client:
        response = client.post(url, content=urlencode(form), headers=headers)
    return response.status_code
