"""Channel-prefixed addresses: how Relais names a relay without caring which platform it is on.

telegram:<chat id>, whatsapp:+<E.164> or whatsapp:<user id>, sms:+<E.164>,
console:<simulated phone id>.

WhatsApp does not promise a phone number: since 2026 a user may be known only by a
business-scoped user ID (a country code, a dot, letters and digits: US.1234), which
Twilio passes on as it is and takes back as a recipient.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

CHANNELS = ("telegram", "whatsapp", "sms", "console")
_CONSOLE_ID = re.compile(r"[a-z0-9-]{3,40}")
_TELEGRAM_ID = re.compile(r"-?[0-9]{1,20}")
_E164 = re.compile(r"\+[1-9][0-9]{6,14}")
# Meta allows 128 characters after the dot; addresses are stored in 128 characters.
WHATSAPP_USER_ID = re.compile(r"[A-Z]{2}\.[A-Za-z0-9]{1,116}")
_WHATSAPP = re.compile(f"{_E164.pattern}|{WHATSAPP_USER_ID.pattern}")


class AddressError(ValueError):
    """An address that does not name a reachable relay."""


@dataclass(frozen=True)
class Address:
    channel: str
    identifier: str

    @classmethod
    def parse(cls, text: str) -> Address:
        channel, sep, identifier = text.partition(":")
        if not sep or channel not in CHANNELS:
            raise AddressError(f"unknown channel in address {mask(text)!r}")
        patterns = {"telegram": _TELEGRAM_ID, "console": _CONSOLE_ID, "whatsapp": _WHATSAPP}
        pattern = patterns.get(channel, _E164)
        if not pattern.fullmatch(identifier):
            raise AddressError(f"malformed {channel} address {mask(text)!r}")
        return cls(channel, identifier)

    def __str__(self) -> str:
        return f"{self.channel}:{self.identifier}"


def mask(address: str) -> str:
    """What logs may show of an address: the channel and the last three characters."""
    channel, sep, identifier = address.partition(":")
    if not sep:
        return "***"
    return f"{channel}:…{identifier[-3:]}" if len(identifier) > 3 else f"{channel}:…"
