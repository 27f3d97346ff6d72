"""The delivery worker: claims due deliveries, sends them at each channel's pace, records
the outcome. One claim, one send, one recorded outcome: a crash between the send and the
record can send that one message twice, never lose it."""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime, timedelta

from sqlalchemy.orm import Session, sessionmaker

from bot.addresses import mask
from bot.channels.base import RateLimited, Rejected, Sender, Temporary, Unreachable
from bot.db import unit_of_work
from scheduler import outbox
from scheduler.ratelimit import TokenBucket

logger = logging.getLogger(__name__)


def _now() -> datetime:
    return datetime.now(UTC)


class DeliveryWorker:
    def __init__(
        self,
        *,
        factory: sessionmaker[Session],
        senders: dict[str, Sender],
        batch_size: int = 50,
        idle_seconds: float = 0.5,
    ) -> None:
        self._factory = factory
        self._senders = senders
        self._buckets = {name: TokenBucket(sender.rate) for name, sender in senders.items()}
        self._batch_size = batch_size
        self._idle_seconds = idle_seconds
        self._wake = asyncio.Event()
        self._loop: asyncio.AbstractEventLoop | None = None

    def wake(self) -> None:
        """Look for work now (safe from any thread): a reply was just queued."""
        if self._loop is not None:
            self._loop.call_soon_threadsafe(self._wake.set)

    async def run(self, stop: asyncio.Event) -> None:
        self._loop = asyncio.get_running_loop()
        logger.info("delivery worker started for %s", ", ".join(sorted(self._senders)))
        while not stop.is_set():
            try:
                sent = await self.run_once()
            except Exception:
                logger.exception("delivery batch failed; trying again shortly")
                sent = 0
            if sent == 0:
                self._wake.clear()
                waiters = {asyncio.ensure_future(self._wake.wait()), asyncio.ensure_future(stop.wait())}
                _, pending = await asyncio.wait(
                    waiters, timeout=self._idle_seconds, return_when=asyncio.FIRST_COMPLETED
                )
                for task in pending:
                    task.cancel()
        for sender in self._senders.values():
            await sender.close()

    async def run_once(self) -> int:
        """Claim one batch and send it; returns how many deliveries were handled."""
        claimed = await asyncio.to_thread(self._claim)
        blocked: set[str] = set()  # destinations whose earlier message did not go out
        for item in claimed:
            if item.address in blocked:
                await asyncio.to_thread(self._record, outbox.release, item)
                continue
            if not await self._deliver(item):
                blocked.add(item.address or "")
        return len(claimed)

    def _claim(self) -> list[outbox.Claimed]:
        with unit_of_work(self._factory) as session:
            return outbox.claim(session=session, now=_now(), limit=self._batch_size)

    def _record(self, action: object, item: outbox.Claimed, **kwargs: object) -> None:
        with unit_of_work(self._factory) as session:
            action(session=session, item=item, **kwargs)  # type: ignore[operator]

    async def _deliver(self, item: outbox.Claimed) -> bool:
        """Send one delivery; True when it went out (or can never go out)."""
        sender = self._senders.get(item.channel)
        if item.address is None:
            await asyncio.to_thread(self._record, outbox.mark_failed, item, error="no address")
            return True
        if sender is None:
            error = f"channel {item.channel} is not configured"
            await asyncio.to_thread(self._record, outbox.retry_later, item, now=_now(), error=error)
            return False
        bucket = self._buckets[item.channel]
        await bucket.acquire()
        try:
            platform_id = await sender.send(item.identifier, item.payload)
        except RateLimited as exc:
            bucket.pause(exc.retry_after)
            logger.warning("%s asked to wait %.0fs", item.channel, exc.retry_after)
            delay = timedelta(seconds=exc.retry_after)
            await asyncio.to_thread(
                self._record, outbox.retry_later, item, now=_now(), error=str(exc), delay=delay
            )
            return False
        except Unreachable as exc:
            logger.info("%s unreachable: %s", mask(item.address), exc)
            await asyncio.to_thread(self._record, outbox.mark_unreachable, item, error=str(exc))
            return True
        except Rejected as exc:
            logger.warning("delivery %s rejected: %s", item.id, exc)
            await asyncio.to_thread(self._record, outbox.mark_failed, item, error=str(exc))
            return True
        except Temporary as exc:
            logger.warning("delivery %s failed for now: %s", item.id, exc)
            await asyncio.to_thread(self._record, outbox.retry_later, item, now=_now(), error=str(exc))
            return False
        await asyncio.to_thread(
            self._record, outbox.mark_sent, item, now=_now(), platform_id=platform_id
        )
        return True
