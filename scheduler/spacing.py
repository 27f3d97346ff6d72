"""When each destination may get its next message, as one worker knows it: the channel's
spacing between two messages to one chat (one a second, for some), and a platform's
retry_after for that chat alone.

What has passed is forgotten from the soonest on (a heap of when each destination comes
free), so each claim drops only what came free since the last. Rebuilding the whole map
on each claim walked every destination sent to in the last second: at a few thousand
messages a second, about 1 ms a claim, 4 % of the worker's own work.
"""

from __future__ import annotations

import heapq
import time
from collections.abc import Mapping

from bot.channels.base import Channel
from bot.domain.outbox import Claimed
from bot.outbound import is_message


class ChatSpacing:
    def __init__(self, channels: Mapping[str, Channel]) -> None:
        self._channels = channels
        self._free: dict[str, float] = {}  # destination → when it may get the next one
        self._soonest: list[tuple[float, str]] = []  # (when, destination), a heap

    def _free_at(self, address: str, at: float) -> None:
        self._free[address] = at
        heapq.heappush(self._soonest, (at, address))

    def spacing(self, item: Claimed) -> float:
        """Seconds between messages to this destination; acknowledgements wait for none."""
        channel = self._channels.get(item.channel)
        if channel is None or item.address is None or not is_message(item.message):
            return 0.0
        return channel.pacing.spacing

    def wait(self, item: Claimed) -> float:
        """Seconds before this destination may receive another message."""
        spacing = self.spacing(item)
        if not spacing or item.address is None:
            return 0.0
        free = self._free.get(item.address, 0.0)
        if item.last_sent_at is not None:
            free = max(free, item.last_sent_at.timestamp() + spacing)
        return max(0.0, free - time.time())

    def sent_to(self, item: Claimed) -> None:
        if (spacing := self.spacing(item)) and item.address is not None:
            self._free_at(item.address, time.time() + spacing)

    def hold_off(self, address: str, seconds: float) -> None:
        """The platform asked to wait before sending to this destination again."""
        self._free_at(address, max(self._free.get(address, 0.0), time.time() + seconds))

    def forget_past(self) -> None:
        """Forget the destinations free again by now: they wait for nothing."""
        now, soonest, free = time.time(), self._soonest, self._free
        while soonest and soonest[0][0] <= now:
            at, address = heapq.heappop(soonest)
            if free.get(address) == at:  # not pushed back since
                del free[address]

    @property
    def remembered(self) -> int:
        """Destinations that must still wait."""
        return len(self._free)
