"""How many sends the Telegram channel keeps in flight: enough for its pace."""

from __future__ import annotations

import asyncio
from collections import Counter

import pytest

from bot.channels.telegram.channel import TelegramChannel, in_flight
from bot.outbound import Message
from tests.fakes.telegram import FakeTelegram


@pytest.mark.parametrize(("rate", "expected"), [(25, 8), (125, 8), (300, 20), (1000, 64)])
def test_sends_in_flight_grow_with_the_pace_up_to_64(rate: float, expected: int) -> None:
    assert in_flight(rate) == expected
    channel = TelegramChannel(token="1:x", api_url="http://127.0.0.1:9", rate=rate)
    assert channel.pacing.concurrency == expected


def test_at_full_pace_every_send_in_flight_arrives_once() -> None:
    with FakeTelegram() as fake:

        async def send_all() -> list[str | None]:
            channel = TelegramChannel(token=fake.token, api_url=fake.api_url, rate=1000)
            chats = range(1000, 1000 + channel.pacing.concurrency)
            sent = await asyncio.gather(*(channel.send(str(c), Message("hi")) for c in chats))
            await channel.close()
            return sent

        sent = asyncio.run(send_all())
        received = Counter(call.params["chat_id"] for call in fake.calls_to("sendMessage"))
    assert len(sent) == 64
    assert all(platform_id for platform_id in sent)
    assert received == Counter(range(1000, 1064))
