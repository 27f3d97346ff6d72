"""When each destination may get its next message, as one worker knows it: the channel's
spacing between two messages to one chat (one a second, for some), and a platform's
retry_after for that chat alone."""

from __future__ import annotations

import time
from collections.abc import Mapping

from bot.channels.base import Channel
from bot.domain.outbox import Claimed
from bot.outbound import is_message

FORGET_AFTER = 1000  # destinations remembered before the past ones are dropped


class ChatSpacing:
    def __init__(self, channels: Mapping[str, Channel]) -> None:
        self._channels = channels
        self._free: dict[str, float] = {}  # destination → when it may get the next one

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
            self._free[item.address] = time.time() + spacing

    def hold_off(self, address: str, seconds: float) -> None:
        """The platform asked to wait before sending to this destination again."""
        self._free[address] = max(self._free.get(address, 0.0), time.time() + seconds)

    def forget_past(self) -> None:
        if len(self._free) > FORGET_AFTER:
            now = time.time()
            self._free = {key: at for key, at in self._free.items() if at > now}
