"""Delivery workers run side by side against the fake Telegram, as separate processes
would run them, until nothing is left to send."""

from __future__ import annotations

import asyncio

from sqlalchemy.orm import Session, sessionmaker

from bot.channels.telegram.channel import TelegramChannel
from scheduler.worker import DeliveryWorker
from tests.fakes.telegram import FakeTelegram
from tests.waiting import eventually_async


def run_workers(
    factories: list[sessionmaker[Session]],
    fake: FakeTelegram,
    rate: float,
    timeout: float,
    *,
    batch: int = 10,
    rounds: int = 3,
    interval: float = 0.05,
) -> list[int]:
    """One delivery worker per factory, side by side, each sending at most `rate` a
    second, until each has had nothing to send `rounds` rounds in a row; returns how
    many each sent."""

    async def drain(worker: DeliveryWorker) -> None:
        idle = 0

        async def rounds_idle() -> int:
            nonlocal idle
            idle = 0 if await worker.run_once() else idle + 1
            return idle

        await eventually_async(
            rounds_idle,
            until=lambda found: found >= rounds,
            awaiting=f"{rounds} rounds in a row with nothing to send",
            timeout=timeout,
            interval=interval,
        )

    async def go() -> list[int]:
        senders = [
            TelegramChannel(token=fake.token, api_url=fake.api_url, rate=rate) for _ in factories
        ]
        workers = [
            DeliveryWorker(factory=factory, channels={"telegram": sender}, batch_size=batch)
            for factory, sender in zip(factories, senders, strict=True)
        ]
        try:
            await asyncio.gather(*(drain(worker) for worker in workers))
        finally:
            for sender in senders:
                await sender.close()
        return [worker.sent for worker in workers]

    return asyncio.run(go())
