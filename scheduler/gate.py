"""A place among a channel's sends in flight: at most `size` at once, given in the order
they were asked for.

asyncio.Semaphore does the same, but on Python 3.11 each acquire scans its waiters
(`locked()` asks each whether it was cancelled): with a batch's hundred or so sends
waiting for 64 places, that scan was 4 % of an unpaced worker's event loop. Here a
place that is freed goes straight to the first live waiter, and asking costs the same
however many wait.
"""

from __future__ import annotations

import asyncio
from collections import deque
from types import TracebackType


class Gate:
    def __init__(self, size: int) -> None:
        if size < 1:
            raise ValueError("a gate needs at least one place")
        self._free = size
        self._waiting: deque[asyncio.Future[None]] = deque()

    @property
    def free(self) -> int:
        """Places no one holds or has been handed."""
        return self._free

    @property
    def waiting(self) -> int:
        """Callers still waiting for a place."""
        return sum(1 for waiter in self._waiting if not waiter.done())

    async def __aenter__(self) -> None:
        if self._free > 0 and not self._waiting:
            self._free -= 1
            return
        waiter: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiting.append(waiter)
        try:
            await waiter
        except asyncio.CancelledError:
            if waiter.done() and not waiter.cancelled():
                self._release()  # handed a place, then cancelled: the next one gets it
            raise

    async def __aexit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self._release()

    def _release(self) -> None:
        """Hand the place to the first caller still waiting, or free it."""
        while self._waiting:
            waiter = self._waiting.popleft()
            if not waiter.done():
                waiter.set_result(None)
                return
        self._free += 1
