"""Pace sends per channel: a token bucket, and a pause when a platform says slow down.

In-process for now: one worker process per database (the PostgreSQL multi-worker issue
moves the bucket into the shared database).
"""

from __future__ import annotations

import asyncio
import time

RECOVERY = 300.0


class TokenBucket:
    """At most `rate` sends a second, with bursts of up to `burst`."""

    def __init__(self, rate: float, burst: float | None = None) -> None:
        self.rate = rate
        self._configured = rate
        self._slowed_at = 0.0
        self.capacity = burst if burst is not None else max(1.0, rate)
        self._tokens = self.capacity
        self._updated = time.monotonic()
        self._paused_until = 0.0

    def pause(self, seconds: float, *, slow_down: bool = False) -> None:
        """Honour a platform's retry_after: nothing leaves before it has passed.

        With `slow_down`, also halve the pace (down to a tenth of the configured rate);
        it recovers after RECOVERY seconds without another complaint.
        """
        now = time.monotonic()
        self._paused_until = max(self._paused_until, now + seconds)
        self._tokens = 0.0
        if slow_down:
            self.rate = max(self._configured / 10, self.rate / 2)
            self._slowed_at = now

    @property
    def paused_for(self) -> float:
        return max(0.0, self._paused_until - time.monotonic())

    async def acquire(self) -> None:
        while True:
            now = time.monotonic()
            if self.rate < self._configured and now - self._slowed_at > RECOVERY:
                self.rate = self._configured
            if now < self._paused_until:
                await asyncio.sleep(self._paused_until - now)
                continue
            self._tokens = min(self.capacity, self._tokens + (now - self._updated) * self.rate)
            self._updated = now
            if self._tokens >= 1:
                self._tokens -= 1
                return
            await asyncio.sleep((1 - self._tokens) / self.rate)
