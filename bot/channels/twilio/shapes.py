"""What a signed Twilio form must look like before anything in it is believed.

Twilio signs the URL followed by the sorted keys and values joined with no separator,
so a signature captured for `MessageSid=SMaaaa&NumMedia=0` also verifies
`MessageSid=SMaaaaNumMedia0`. The scheme cannot change; what it signs can be checked:
every key is a plain name, every SID has its documented format, the account is ours,
and each field read has the shape Twilio gives it. A spliced form fails one of these,
so it is refused (400, or 403 when it names another account or sender) and never
stored as a message.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping

KEY = re.compile(r"[A-Z][A-Za-z0-9]{0,63}")  # Twilio's names are all PascalCase
MESSAGE_SID = re.compile(r"(SM|MM)[0-9a-fA-F]{32}")
MESSAGE_SID_FIELDS = ("MessageSid", "SmsSid", "SmsMessageSid")
STATUS = re.compile(r"[a-z][a-z_-]{0,31}")
ERROR_CODE = re.compile(r"[0-9]{1,10}")
CONTENT_TYPE = re.compile(r"[A-Za-z0-9][\w.+-]{0,62}/[\w.+-]{1,63}(;[ \w.=\"+-]{1,60})?")
API_VERSION = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
CONTENT_TYPE_LIMIT = 128  # the column it is kept in
MAX_MEDIA = 10  # Twilio forwards at most ten media per message


class FormError(ValueError):
    """A webhook form that is not what Twilio posts (answered 400)."""


class NotOurs(FormError):
    """A form for another account or another sender (answered 403)."""


def check_keys(form: Mapping[str, str]) -> None:
    """Plain field names, and an API version that is a date (it sorts before Body)."""
    for key in form:
        if not KEY.fullmatch(key):
            raise FormError("a field name Twilio does not send")
    if "ApiVersion" in form and not API_VERSION.fullmatch(form["ApiVersion"]):
        raise FormError("ApiVersion is not a date")


def check_account(form: Mapping[str, str], account_sid: str) -> None:
    if not form.get("AccountSid"):
        raise FormError("AccountSid is required")
    if form["AccountSid"] != account_sid:
        raise NotOurs("AccountSid is not this account")


def message_sid(form: Mapping[str, str]) -> str:
    """The message's SID, in its documented format and the same in every field giving it."""
    given = {form[field] for field in MESSAGE_SID_FIELDS if field in form}
    if len(given) != 1:
        raise FormError("MessageSid missing, or different from SmsSid")
    sid = given.pop()
    if not MESSAGE_SID.fullmatch(sid):
        raise FormError("MessageSid is not SM or MM followed by 32 hex digits")
    return sid


def optional_sid(form: Mapping[str, str], field: str) -> str | None:
    value = form.get(field) or None
    if value is not None and not MESSAGE_SID.fullmatch(value):
        raise FormError(f"{field} is not a message SID")
    return value


def check_sender(value: str, senders: Collection[str], field: str) -> None:
    if not value:
        raise FormError(f"{field} is required")
    if value not in senders:
        raise NotOurs(f"{field} is not one of this application's senders")


def status_of(form: Mapping[str, str], field: str) -> str:
    value = form.get(field, "")
    if not STATUS.fullmatch(value):
        raise FormError(f"{field} is not a Twilio status")
    return value


def error_code(form: Mapping[str, str]) -> str | None:
    value = form.get("ErrorCode") or None
    if value is not None and not ERROR_CODE.fullmatch(value):
        raise FormError("ErrorCode is not a number")
    return value


def media_count(form: Mapping[str, str]) -> int:
    value = form.get("NumMedia") or "0"
    if not value.isascii() or not value.isdigit() or int(value) > MAX_MEDIA:
        raise FormError(f"NumMedia is not a number from 0 to {MAX_MEDIA}")
    return int(value)


def content_type(form: Mapping[str, str], index: int) -> str | None:
    value = form.get(f"MediaContentType{index}") or None
    if value is not None and (len(value) > CONTENT_TYPE_LIMIT or not CONTENT_TYPE.fullmatch(value)):
        raise FormError(f"MediaContentType{index} is not a media type")
    return value
