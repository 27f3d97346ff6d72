"""Pace sends per channel: a token bucket, and a pause when a platform says slow down.

In-process for now: one worker process per database (the PostgreSQL multi-worker issue
moves the bucket into the shared database).
"""

from __future__ import annotations

import asyncio
import time


class TokenBucket:
    """At most `rate` sends a second, with bursts of up to `burst`."""

    def __init__(self, rate: float, burst: float | None = None) -> None:
        self.rate = rate
        self.capacity = burst if burst is not None else max(1.0, rate)
        self._tokens = self.capacity
        self._updated = time.monotonic()
        self._paused_until = 0.0

    def pause(self, seconds: float) -> None:
        """Honour a platform's retry_after: nothing leaves before it has passed."""
        self._paused_until = max(self._paused_until, time.monotonic() + seconds)
        self._tokens = 0.0

    @property
    def paused_for(self) -> float:
        return max(0.0, self._paused_until - time.monotonic())

    async def acquire(self) -> None:
        while True:
            now = time.monotonic()
            if now < self._paused_until:
                await asyncio.sleep(self._paused_until - now)
                continue
            self._tokens = min(self.capacity, self._tokens + (now - self._updated) * self.rate)
            self._updated = now
            if self._tokens >= 1:
                self._tokens -= 1
                return
            await asyncio.sleep((1 - self._tokens) / self.rate)
