"""The background half of Relais: the clock and the delivery worker on one event loop."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping

from sqlalchemy.orm import Session, sessionmaker

from bot.channels.base import Channel
from bot.settings import Settings
from scheduler.clock import build_clock
from scheduler.worker import DeliveryWorker

logger = logging.getLogger(__name__)


class Background:
    """Starts and stops the clock and one delivery worker inside a running event loop."""

    def __init__(
        self,
        *,
        settings: Settings,
        factory: sessionmaker[Session],
        channels: Mapping[str, Channel],
    ) -> None:
        self.worker = DeliveryWorker(
            factory=factory,
            channels=channels,
            batch_size=settings.delivery_batch_size,
            lease_seconds=settings.delivery_lease_seconds,
            max_attempts=settings.delivery_max_attempts,
        )
        self._clock = build_clock(
            factory,
            lease_seconds=settings.delivery_lease_seconds,
            max_attempts=settings.delivery_max_attempts,
            zone=settings.timezone,
        )
        self._stop = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        self._clock.start()
        self._task = asyncio.create_task(self.worker.run(self._stop), name="delivery-worker")

    async def stop(self) -> None:
        self._stop.set()
        if self._task is not None:
            await self._task
        self._clock.shutdown(wait=False)

    async def run_until(self, stop: asyncio.Event) -> None:
        """`relais worker`: run until asked to stop."""
        await self.start()
        await stop.wait()
        await self.stop()
