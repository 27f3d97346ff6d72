"""Wire rules of Twilio's Messages API (2010-04-01), as used by the fake in ``twilio.py``.

Everything here is pure (no server state): the Message resource as described by
``twilio_messages.json`` (copied from Twilio's OpenAPI spec), form decoding, and the
create validation with Twilio's error codes and messages. The Message the API answers,
and SMS segment counting, are in ``twilio_message.py``.
"""

from __future__ import annotations

import base64
import binascii
import functools
import hmac
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

SPEC_FILE = Path(__file__).with_name("twilio_messages.json")

API_VERSION = "2010-04-01"
WHATSAPP = "whatsapp:"
BODY_MAX = 1600
MEDIA_MAX = 10
_E164 = re.compile(r"\+[1-9]\d{1,14}")
# A WhatsApp business-scoped user ID (2026): a WhatsApp recipient need not be a number.
# The form is Meta's, as courier sends it to Twilio (To=whatsapp:US.1234).
WHATSAPP_USER_ID = re.compile(r"[A-Z]{2}\.[A-Za-z0-9]{1,128}")
_ALPHANUMERIC_SENDER = re.compile(r"(?=.*[A-Za-z])[A-Za-z0-9 ]{1,11}")

# HTTP status and message of the Twilio errors the fake answers or reports in callbacks.
# The messages are the titles of https://www.twilio.com/docs/errors/{code}.
ERRORS: dict[int, tuple[int, str]] = {
    20003: (401, "Authenticate"),
    20004: (405, "Method not allowed"),
    20404: (404, "The requested resource was not found"),
    20429: (429, "Too Many Requests"),
    20500: (500, "Internal Server Error"),
    21211: (400, "Invalid 'To' Phone Number"),
    21212: (400, "Invalid 'From' Phone Number"),
    21266: (400, "'To' and 'From' number cannot be the same"),
    21602: (400, "Message body is required."),
    21603: (400, "A 'From' phone number is required."),
    21604: (400, "A 'To' phone number is required."),
    21606: (400, "The 'From' phone number provided is not a valid message-capable Twilio number"),
    21609: (400, "Invalid StatusCallback url"),
    21610: (400, "Attempt to send to unsubscribed recipient"),
    21617: (400, "The concatenated message body exceeds the 1600 character limit."),
    21620: (400, "Invalid media URL(s)"),
    21623: (400, "Number of media files exceeds allowed limit"),
    21655: (400, "The ContentSid is Invalid"),
    21656: (400, "The ContentVariables Parameter is invalid"),
    21910: (400, "Invalid From and To pair. From and To should be of the same channel"),
    30003: (400, "Unreachable destination handset"),
    30005: (400, "Unknown destination handset"),
    30006: (400, "Landline or unreachable carrier"),
    30007: (400, "Message filtered"),
    30008: (400, "Unknown error"),
    63003: (400, "Channel could not find To address"),
    63007: (400, "Twilio could not find a Channel with the specified From address"),
    63016: (
        400,
        "Failed to send freeform message because you are outside the allowed window. "
        "If you are using WhatsApp, please use a Message Template.",
    ),
    63018: (400, "Rate limit exceeded for Channel"),
    63024: (400, "Invalid message recipient"),
}
UNKNOWN_ERROR = 30008  # what a failed/undelivered callback reports when nothing else is known
# The statuses a message fails with after the create.
FAILURES = ("failed", "undelivered")


class TwilioError(Exception):
    """An error answer of the REST API: ``{"code", "message", "more_info", "status"}``."""

    def __init__(
        self,
        code: int,
        status: int | None = None,
        message: str | None = None,
        *,
        retry_after: int | None = None,
        injected: bool = False,
    ) -> None:
        known_status, known_message = ERRORS.get(code, (400, "Bad Request"))
        self.code = code
        self.status = status if status is not None else known_status
        self.message = message if message is not None else known_message
        self.retry_after = retry_after
        self.injected = injected
        super().__init__(f"{self.status} {self.code}: {self.message}")

    def body(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "message": self.message,
            "more_info": f"https://www.twilio.com/docs/errors/{self.code}",
            "status": self.status,
        }

    def headers(self) -> dict[str, str]:
        headers: dict[str, str] = {}
        if self.retry_after is not None:
            headers["Retry-After"] = str(self.retry_after)
        if self.status == 401:
            headers["WWW-Authenticate"] = 'Basic realm="Twilio API"'
        return headers


def check_basic_auth(header: str, account_sid: str, auth_token: str) -> None:
    """HTTP Basic auth with the account SID and auth token, or 401/20003."""
    scheme, _, encoded = header.partition(" ")
    try:
        decoded = base64.b64decode(encoded.strip(), validate=True)
    except (binascii.Error, ValueError):
        decoded = b""
    user, _, password = decoded.partition(b":")
    good_user = hmac.compare_digest(user, account_sid.encode())
    good_password = hmac.compare_digest(password, auth_token.encode())
    if scheme.lower() != "basic" or not (good_user and good_password):
        raise TwilioError(20003)


# ------------------------------------------------------------------------------ the spec


@dataclass(frozen=True)
class Param:
    """A create parameter: its spec type, and its pattern or enum when it has one."""

    name: str
    type: str
    required: bool
    pattern: re.Pattern[str] | None = None
    enum: tuple[str, ...] = ()


@dataclass(frozen=True)
class Spec:
    create_path: str
    fetch_path: str
    params: dict[str, Param]
    account_sid: re.Pattern[str]
    message_sid: re.Pattern[str]
    message_fields: tuple[str, ...]
    statuses: tuple[str, ...]
    error_fields: tuple[str, ...]


def _pattern(schema: dict[str, Any]) -> re.Pattern[str] | None:
    return re.compile(schema["pattern"]) if "pattern" in schema else None


@functools.cache
def spec() -> Spec:
    data = json.loads(SPEC_FILE.read_text(encoding="utf-8"))
    create, fetch = data["create"], data["fetch"]
    params = {
        name: Param(
            name,
            entry["type"],
            bool(entry["required"]),
            _pattern(entry),
            tuple(entry.get("enum", ())),
        )
        for name, entry in create["properties"].items()
    }
    account = _pattern(create["path_parameters"]["AccountSid"])
    sid = _pattern(fetch["path_parameters"]["Sid"])
    assert account is not None, "the spec gives the account SID pattern"
    assert sid is not None, "the spec gives the message SID pattern"
    return Spec(
        create_path=create["path"],
        fetch_path=fetch["path"],
        params=params,
        account_sid=account,
        message_sid=sid,
        message_fields=tuple(data["message"]["properties"]),
        statuses=tuple(data["enums"]["message_enum_status"]),
        error_fields=tuple(data["error"]["properties"]),
    )


# --------------------------------------------------------------------------- the create

FormValue = str | tuple[str, ...]


def parse_form(body: bytes) -> dict[str, FormValue]:
    """A form body as Twilio reads it: array parameters (MediaUrl) keep every value,
    others their first one. Unknown parameters are kept (and ignored by the checks)."""
    params: dict[str, FormValue] = {}
    for name, value in parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True):
        param = spec().params.get(name)
        previous = params.get(name)
        if param is not None and param.type == "array":
            params[name] = (*(previous if isinstance(previous, tuple) else ()), value)
        elif previous is None:
            params[name] = value
    return params


def text(params: dict[str, FormValue], name: str) -> str:
    value = params.get(name, "")
    return value if isinstance(value, str) else (value[0] if value else "")


def values(params: dict[str, FormValue], name: str) -> tuple[str, ...]:
    value = params.get(name, ())
    return value if isinstance(value, tuple) else (value,)


def is_whatsapp(address: str) -> bool:
    return address.startswith(WHATSAPP)


@dataclass(frozen=True)
class CreateRequest:
    """A create that passed the checks, its parameters normalised."""

    to: str
    from_: str | None
    messaging_service_sid: str | None
    body: str
    media_urls: tuple[str, ...]
    content_sid: str | None
    content_variables: str | None
    status_callback: str | None
    provide_feedback: bool


def validate_create(params: dict[str, FormValue]) -> CreateRequest:
    """Twilio's checks of a create, in the order it makes them; raise TwilioError."""
    to, from_ = text(params, "To").strip(), text(params, "From").strip()
    service = text(params, "MessagingServiceSid").strip()
    body, content_sid = text(params, "Body"), text(params, "ContentSid").strip()
    media = tuple(url.strip() for url in values(params, "MediaUrl"))
    variables = text(params, "ContentVariables")
    callback = text(params, "StatusCallback").strip()
    if not to:
        raise TwilioError(21604)
    if not from_ and not service:
        raise TwilioError(21603)
    if not body and not media and not content_sid:
        raise TwilioError(21602)
    if len(body) > BODY_MAX:
        raise TwilioError(21617)
    if len(media) > MEDIA_MAX:
        raise TwilioError(21623)
    if not all(_is_web_url(url) for url in media):
        raise TwilioError(21620)
    content_param = spec().params["ContentSid"]
    if content_sid and content_param.pattern and not content_param.pattern.fullmatch(content_sid):
        raise TwilioError(21655)
    if content_sid and variables and not _valid_variables(variables):
        raise TwilioError(21656)
    recipient = to.removeprefix(WHATSAPP)
    user_id = is_whatsapp(to) and WHATSAPP_USER_ID.fullmatch(recipient)
    if not (_E164.fullmatch(recipient) or user_id):
        raise TwilioError(21211)
    if from_:
        number = from_.removeprefix(WHATSAPP)
        sender_id = not is_whatsapp(from_) and _ALPHANUMERIC_SENDER.fullmatch(from_)
        if not (_E164.fullmatch(number) or sender_id):
            raise TwilioError(21212)
        if is_whatsapp(to) != is_whatsapp(from_):
            raise TwilioError(21910)
        if to == from_:
            raise TwilioError(21266)
    if callback and not _is_web_url(callback, underscores=False):
        raise TwilioError(21609)
    return CreateRequest(
        to=to,
        from_=from_ or None,
        messaging_service_sid=service or None,
        body=body,
        media_urls=media,
        content_sid=content_sid or None,
        content_variables=(variables or None) if content_sid else None,
        status_callback=callback or None,
        provide_feedback=text(params, "ProvideFeedback").lower() == "true",
    )


def _is_web_url(url: str, *, underscores: bool = True) -> bool:
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    host = parts.hostname or ""
    return parts.scheme in ("http", "https") and bool(host) and (underscores or "_" not in host)


def _valid_variables(raw: str) -> bool:
    """A JSON object of non-empty values: what 21656 refuses otherwise."""
    try:
        data = json.loads(raw)
    except ValueError:
        return False
    return isinstance(data, dict) and all(
        isinstance(v, str | int | float) and not isinstance(v, bool) and str(v).strip()
        for v in data.values()
    )
