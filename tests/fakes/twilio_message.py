"""The Message resource of the fake Twilio: the record of an accepted create, its JSON as
the API answers it, and how many SMS its body takes."""

from __future__ import annotations

import email.utils
import secrets
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from tests.fakes.twilio_protocol import API_VERSION, ERRORS, CreateRequest, is_whatsapp, spec

# -------------------------------------------------------------------------- SMS segments

# GSM 03.38 (3GPP TS 23.038) default alphabet, in code order; the escape (0x1B) left out.
GSM7_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
# The extension table: each costs an escape septet plus its own.
GSM7_EXTENSION = frozenset("\f^{}\\[~]|€")


def sms_segments(body: str) -> int:
    """How many SMS a body takes: GSM-7 (160 septets, 153 per part of a long message) when
    every character is in the GSM 03.38 tables, else UCS-2 (70 UTF-16 code units, 67 per
    part). A character is never split between two parts (escape pairs, surrogate pairs)."""
    if all(c in GSM7_BASIC or c in GSM7_EXTENSION for c in body):
        units = [2 if c in GSM7_EXTENSION else 1 for c in body]
        single, part = 160, 153
    else:
        units = [2 if ord(c) > 0xFFFF else 1 for c in body]
        single, part = 70, 67
    if sum(units) <= single:
        return 1
    segments, used = 1, 0
    for size in units:
        if used + size > part:
            segments, used = segments + 1, 0
        used += size
    return segments


# ---------------------------------------------------------------------- Message resource


def new_sid(prefix: str) -> str:
    return prefix + secrets.token_hex(16)


def rfc2822(moment: datetime) -> str:
    """Twilio's date format: ``Thu, 24 Aug 2023 05:01:45 +0000``."""
    return email.utils.format_datetime(moment.astimezone(UTC).replace(microsecond=0))


def now() -> datetime:
    return datetime.now(UTC)


# The statuses of a message that has left: the first one reached sets date_sent.
_AFTER_SENT = ("sent", "delivered", "read", "undelivered", "partially_delivered")


@dataclass
class MessageRecord:
    """A message as the fake remembers it; ``resource()`` is its REST representation."""

    sid: str
    account_sid: str
    request: CreateRequest
    body: str
    status: str
    num_segments: int
    created: datetime = field(default_factory=now)
    updated: datetime | None = None
    sent: datetime | None = None
    error_code: int | None = None

    @property
    def uri(self) -> str:
        return f"/{API_VERSION}/Accounts/{self.account_sid}/Messages/{self.sid}.json"

    def move_to(self, status: str, error_code: int | None) -> None:
        self.status = status
        self.error_code = error_code
        self.updated = now()
        if status in _AFTER_SENT and self.sent is None:
            self.sent = self.updated

    def resource(self) -> dict[str, Any]:
        base = self.uri.removesuffix(".json")
        uris = {"media": base + "/Media.json"}
        if self.request.provide_feedback:
            uris["feedback"] = base + "/Feedback.json"
        resource = {
            "account_sid": self.account_sid,
            "api_version": API_VERSION,
            "body": self.body,
            "date_created": rfc2822(self.created),
            "date_sent": rfc2822(self.sent) if self.sent else None,
            "date_updated": rfc2822(self.updated or self.created),
            "direction": "outbound-api",
            "error_code": self.error_code,
            "error_message": ERRORS[self.error_code][1]
            if self.error_code in ERRORS and self.error_code is not None
            else None,
            "from": self.request.from_,
            "messaging_service_sid": self.request.messaging_service_sid,
            "num_media": str(len(self.request.media_urls)),
            "num_segments": str(self.num_segments),
            "price": None,
            "price_unit": "USD",
            "sid": self.sid,
            "status": self.status,
            "subresource_uris": uris,
            "to": self.request.to,
            "uri": self.uri,
        }
        assert set(resource) == set(spec().message_fields), "the Message fields of the spec"
        return resource


def new_message(account_sid: str, request: CreateRequest, body: str) -> MessageRecord:
    """The record of an accepted create. Twilio counts segments at once when From is given;
    through a Messaging Service it answers ``accepted`` and 0 segments, counted later.
    WhatsApp messages are not segmented."""
    by_service = request.from_ is None
    if by_service:
        segments = 0
    elif is_whatsapp(request.to):
        segments = 1
    else:
        segments = sms_segments(body)
    prefix = "MM" if request.media_urls else "SM"
    return MessageRecord(
        sid=new_sid(prefix),
        account_sid=account_sid,
        request=request,
        body=body,
        status="accepted" if by_service else "queued",
        num_segments=segments,
    )
