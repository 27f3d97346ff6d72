"""What every channel's sender promises the delivery worker, and the failures it reports."""

from __future__ import annotations

from typing import Any, Protocol


class DeliveryError(Exception):
    """A send that did not go through; the subclass says what the worker should do.

    `code` is the platform's own error code when it gave one (Twilio's 21610, …).
    """

    def __init__(self, message: str, *, code: str | None = None) -> None:
        super().__init__(message)
        self.code = code


class Unreachable(DeliveryError):
    """The platform will not deliver to this address (blocked the bot, unsubscribed,
    invalid number)."""


class NeedsTemplate(DeliveryError):
    """WhatsApp refused a free-form message outside the 24-hour window."""


class RateLimited(DeliveryError):
    """The platform asked us to slow down: wait `retry_after` seconds on this channel,
    and with `slow_down`, send more slowly from then on."""

    def __init__(
        self,
        retry_after: float,
        message: str = "rate limited",
        *,
        code: str | None = None,
        slow_down: bool = False,
    ) -> None:
        super().__init__(message, code=code)
        self.retry_after = retry_after
        self.slow_down = slow_down


class Temporary(DeliveryError):
    """Worth trying again later: a timeout, a network error, a 5xx."""


class Rejected(DeliveryError):
    """The platform refused this message itself; sending it again would fail the same way."""


class Sender(Protocol):
    """Sends one delivery payload to one platform identifier; returns the platform's id."""

    channel: str
    rate: float  # messages per second for the whole channel

    async def send(self, identifier: str, payload: dict[str, Any]) -> str | None: ...

    async def close(self) -> None: ...
