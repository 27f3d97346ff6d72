"""The console channel: the web simulator's phones. Sending is recording: the simulator
reads sent deliveries back from the database."""

from __future__ import annotations

from bot.channels.base import Channel, Pacing, Resources
from bot.outbound import Outbound

CHANNEL = "console"


class ConsoleChannel(Channel):
    name = CHANNEL
    pacing = Pacing(rate=1000.0)

    async def send(self, identifier: str, message: Outbound) -> str | None:
        return None


def build(resources: Resources) -> Channel:
    return ConsoleChannel()
