"""What a channel is to the delivery worker: its pace, what it decides before a send, how
it sends, and the failures it reports.

The worker knows no channel by name. Each channel (one folder under bot/channels/, one
line in registry.py) declares its pacing and may look at the database before and after
a send through the hooks below, which the worker runs inside its own unit of work.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy.orm import Session

from bot.domain.media_library import MediaLibrary
from bot.domain.outbox import Claimed, hold
from bot.outbound import Outbound
from bot.settings import Settings

T = TypeVar("T")


@dataclass(frozen=True)
class Pacing:
    """How fast a channel may go.

    rate: messages a second for the whole channel, shared by every worker.
    concurrency: sends in flight at once in one worker (a platform answers in 50-300 ms,
      so one at a time could not reach its rate).
    spacing: seconds between two messages to one destination (Telegram: one a second to
      a chat); acknowledgements of a button are not messages and wait for nothing.
    """

    rate: float
    concurrency: int = 1
    spacing: float = 0.0


@dataclass(frozen=True)
class Send:
    """Send this (the queued message, or what the channel made of it)."""

    message: Outbound


@dataclass(frozen=True)
class Skip:
    """Not sent, and already recorded (held or cancelled) by the channel."""

    reason: str


@dataclass(frozen=True)
class Later:
    """Not now: try again at `until` (a platform's daily allowance is spent)."""

    until: datetime
    reason: str


Decision = Send | Skip | Later


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


class WaitsForRelay(DeliveryError):
    """The platform takes this message only once the relay writes again (WhatsApp,
    outside its 24-hour window): hold it until then."""


class RateLimited(DeliveryError):
    """The platform asked us to slow down: wait `retry_after` seconds on this channel,
    and with `slow_down`, send more slowly from then on.

    With `per_destination`, the platform may mean only this destination (Telegram: one
    chat sent to too fast): the worker waits on that one, and pauses the whole channel
    only when most of its sends are refused (scheduler/floods.py)."""

    def __init__(
        self,
        retry_after: float,
        message: str = "rate limited",
        *,
        code: str | None = None,
        slow_down: bool = False,
        per_destination: bool = False,
    ) -> None:
        super().__init__(message, code=code)
        self.retry_after = retry_after
        self.slow_down = slow_down
        self.per_destination = per_destination


class Temporary(DeliveryError):
    """Worth trying again later: a timeout, a network error, a 5xx."""


class Rejected(DeliveryError):
    """The platform refused this message itself; sending it again would fail the same way."""


class Channel:
    """A channel as the worker drives it. Subclasses set `name` and `pacing`, implement
    `send`, and override the hooks their platform needs."""

    name: str
    pacing: Pacing
    # Whether `before_send` must run (in a unit of work) before each send.
    checks_before_send = False

    def before_send(self, *, session: Session, item: Claimed, now: datetime) -> Decision:
        """Decide, just before sending, what goes (if anything)."""
        return Send(item.message)

    def after_sent(self, *, session: Session, item: Claimed, now: datetime) -> None:
        """Runs in the unit of work that records the send (status reports that came early)."""

    def hold(self, *, session: Session, item: Claimed, code: str | None, now: datetime) -> None:
        """The platform said WaitsForRelay: keep the message until the relay writes."""
        hold(session=session, delivery_id=item.id, code=code)

    async def send(self, identifier: str, message: Outbound) -> str | None:
        """Hand one message to the platform; returns the platform's id for it."""
        raise NotImplementedError

    async def close(self) -> None:
        """Release connections."""


@dataclass
class Resources:
    """What channels are built from (registry.py), and what they share: one client per
    platform, made by the first channel that asks for it."""

    settings: Settings
    media: MediaLibrary | None = None
    _shared: dict[str, Any] = field(default_factory=dict)

    def shared(self, name: str, make: Callable[[], T]) -> T:
        if name not in self._shared:
            self._shared[name] = make()
        value: T = self._shared[name]
        return value
