"""What every channel's sender promises the delivery worker, and the failures it reports."""

from __future__ import annotations

from typing import Any, Protocol


class DeliveryError(Exception):
    """A send that did not go through; the subclass says what the worker should do."""


class Unreachable(DeliveryError):
    """The platform will not deliver to this address (blocked the bot, no such chat)."""


class RateLimited(DeliveryError):
    """The platform asked us to slow down: wait `retry_after` seconds on this channel."""

    def __init__(self, retry_after: float, message: str = "rate limited") -> None:
        super().__init__(message)
        self.retry_after = retry_after


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
