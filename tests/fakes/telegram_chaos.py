"""A flaky Bot API, for the fake Telegram: a seeded share of sends answered 5xx, stalled
past the client's timeout, or refused with 429 and a retry_after, and every send attempt
recorded with its time on the fake's clock.

    chaos = Chaos(seed=7, errors=0.01, stalls=0.01, limits=0.005, retry_after=2)
    with FakeTelegram(chaos=chaos) as tg:
        ...
        assert chaos.too_early() == []   # every retry_after was honoured

A 429 here is Telegram's answer to one chat flooded: it applies to that chat, and a send
to the chat before its retry_after has passed is answered 429 again and kept as too
early. A stalled send is held `stall_seconds`, then answered 502: the message was not
delivered (the client gave up long before).
"""

from __future__ import annotations

import asyncio
import random
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from tests.fakes.telegram_protocol import ApiError

SENT, ERROR, STALLED, LIMITED, TOO_EARLY = "sent", "error", "stalled", "limited", "too early"


@dataclass(frozen=True)
class Attempt:
    """One send to a chat: when it came (time.monotonic()) and what it was answered."""

    chat_id: int
    at: float
    outcome: str


@dataclass
class Chaos:
    seed: int = 0
    errors: float = 0.0  # share of sends answered 500
    stalls: float = 0.0  # share held stall_seconds, then answered 502
    limits: float = 0.0  # share answered 429 for their chat
    retry_after: int = 2
    stall_seconds: float = 3.0
    _random: random.Random = field(init=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False)
    _attempts: list[Attempt] = field(default_factory=list, init=False)
    _limited_until: dict[int, float] = field(default_factory=dict, init=False)

    def __post_init__(self) -> None:
        self._random = random.Random(self.seed)  # a reproducible test, not security

    @property
    def attempts(self) -> list[Attempt]:
        with self._lock:
            return list(self._attempts)

    def too_early(self) -> list[Attempt]:
        """Sends to a chat before the retry_after it was given had passed."""
        return [attempt for attempt in self.attempts if attempt.outcome == TOO_EARLY]

    def sent(self, chat_id: int, at: float) -> None:
        """The fake accepted a send to the chat (called by FakeTelegram)."""
        self._note(chat_id, at, SENT)

    async def strike(self, params: dict[str, Any]) -> None:
        """Decide what becomes of this send: nothing (it goes on), or an error raised."""
        chat_id = params.get("chat_id")
        if not isinstance(chat_id, int):
            return
        now = time.monotonic()
        with self._lock:
            until = self._limited_until.get(chat_id, 0.0)
            roll = self._random.random()
        if now < until:
            self._note(chat_id, now, TOO_EARLY)
            wait = max(1, round(until - now))
            raise ApiError(429, f"Too Many Requests: retry after {wait}", retry_after=wait)
        if roll < self.errors:
            self._note(chat_id, now, ERROR)
            raise ApiError(500, "Internal Server Error", injected=True)
        if roll < self.errors + self.stalls:
            self._note(chat_id, now, STALLED)
            await asyncio.sleep(self.stall_seconds)
            raise ApiError(502, "Bad Gateway", injected=True)
        if roll < self.errors + self.stalls + self.limits:
            with self._lock:
                self._limited_until[chat_id] = now + self.retry_after
            self._note(chat_id, now, LIMITED)
            description = f"Too Many Requests: retry after {self.retry_after}"
            raise ApiError(429, description, retry_after=self.retry_after, injected=True)

    def _note(self, chat_id: int, at: float, outcome: str) -> None:
        with self._lock:
            self._attempts.append(Attempt(chat_id, at, outcome))
