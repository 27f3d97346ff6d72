"""The delivery worker: claims due deliveries, sends them at each channel's pace, records
the outcome. One claim, one send, one recorded outcome: a crash between the send and the
record can send that one message twice, never lose it."""

from __future__ import annotations

import asyncio
import enum
import logging
from datetime import UTC, datetime, timedelta

from sqlalchemy.orm import Session, sessionmaker

from bot.addresses import mask
from bot.channels.base import (
    NeedsTemplate,
    RateLimited,
    Rejected,
    Sender,
    Temporary,
    Unreachable,
)
from bot.db import unit_of_work
from bot.models import Delivery, Relay
from bot.window import HOLD_CODE, hold
from scheduler import outbox, window
from scheduler.ratelimit import TokenBucket

logger = logging.getLogger(__name__)


def _now() -> datetime:
    return datetime.now(UTC)


class Outcome(enum.Enum):
    DONE = "done"  # sent, or failed for good: the next message to the same place may go
    HELD = "held"  # will be tried again: later messages to the same place wait behind it
    GONE = "gone"  # the destination is unreachable: later messages to it are cancelled


class DeliveryWorker:
    def __init__(
        self,
        *,
        factory: sessionmaker[Session],
        senders: dict[str, Sender],
        batch_size: int = 50,
        idle_seconds: float = 0.5,
        whatsapp: window.WhatsAppPolicy = window.DEFAULT_POLICY,
    ) -> None:
        self._factory = factory
        self._whatsapp = whatsapp
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
                waiters = {
                    asyncio.ensure_future(self._wake.wait()),
                    asyncio.ensure_future(stop.wait()),
                }
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
        # A destination whose message did not go out: later ones wait (order) or go (gone).
        stopped: dict[str, Outcome] = {}
        for item in claimed:
            earlier = stopped.get(item.address or "")
            if earlier is Outcome.HELD:
                await asyncio.to_thread(self._record, outbox.release, item)
            elif earlier is Outcome.GONE:
                error = "relay unreachable"
                await asyncio.to_thread(self._record, outbox.cancel, item, error=error)
            else:
                outcome = await self._deliver(item)
                if outcome is not Outcome.DONE:
                    stopped[item.address or ""] = outcome
        return len(claimed)

    def _claim(self) -> list[outbox.Claimed]:
        with unit_of_work(self._factory) as session:
            return outbox.claim(session=session, now=_now(), limit=self._batch_size)

    def _record(self, action: object, item: outbox.Claimed, **kwargs: object) -> None:
        with unit_of_work(self._factory) as session:
            action(session=session, item=item, **kwargs)  # type: ignore[operator]

    def _decide(self, item: outbox.Claimed) -> window.Decision:
        with unit_of_work(self._factory) as session:
            return window.decide(session=session, item=item, now=_now(), policy=self._whatsapp)

    def _hold(self, item: outbox.Claimed, code: str | None) -> None:
        with unit_of_work(self._factory) as session:
            relay = session.get(Relay, item.relay_id) if item.relay_id is not None else None
            hold(
                session=session,
                delivery=session.get_one(Delivery, item.id),
                relay=relay,
                now=_now(),
                nudge_templates=self._whatsapp.nudge_templates,
                code=code or HOLD_CODE,
            )

    async def _deliver(self, item: outbox.Claimed) -> Outcome:
        """Send one delivery and record what became of it."""
        sender = self._senders.get(item.channel)
        if item.address is None:
            await asyncio.to_thread(self._record, outbox.mark_failed, item, error="no address")
            return Outcome.DONE
        if sender is None:
            error = f"channel {item.channel} is not configured"
            await asyncio.to_thread(self._record, outbox.retry_later, item, now=_now(), error=error)
            return Outcome.HELD
        payload = item.payload
        if item.channel == "whatsapp":
            decision = await asyncio.to_thread(self._decide, item)
            if isinstance(decision, window.Done):
                return Outcome.DONE
            if isinstance(decision, window.Wait):
                delay = decision.until - _now()
                error = "WhatsApp daily limit of new conversations reached"
                await asyncio.to_thread(
                    self._record, outbox.retry_later, item, now=_now(), error=error, delay=delay
                )
                return Outcome.HELD
            payload = decision.payload
        bucket = self._buckets[item.channel]
        await bucket.acquire()
        try:
            platform_id = await sender.send(item.identifier, payload)
        except RateLimited as exc:
            bucket.pause(exc.retry_after, slow_down=exc.slow_down)
            logger.warning("%s asked to wait %.0fs", item.channel, exc.retry_after)
            delay = timedelta(seconds=exc.retry_after)
            await asyncio.to_thread(
                self._record,
                outbox.retry_later,
                item,
                now=_now(),
                error=str(exc),
                delay=delay,
                code=exc.code,
            )
            return Outcome.HELD
        except Unreachable as exc:
            logger.info("%s unreachable: %s", mask(item.address), exc)
            await asyncio.to_thread(
                self._record, outbox.mark_unreachable, item, error=str(exc), code=exc.code
            )
            return Outcome.GONE
        except NeedsTemplate as exc:
            await asyncio.to_thread(self._hold, item, exc.code)
            return Outcome.DONE
        except Rejected as exc:
            logger.warning("delivery %s rejected: %s", item.id, exc)
            await asyncio.to_thread(
                self._record, outbox.mark_failed, item, error=str(exc), code=exc.code
            )
            return Outcome.DONE
        except Temporary as exc:
            logger.warning("delivery %s failed for now: %s", item.id, exc)
            await asyncio.to_thread(
                self._record, outbox.retry_later, item, now=_now(), error=str(exc), code=exc.code
            )
            return Outcome.HELD
        template = payload.get("template") or {}
        await asyncio.to_thread(
            self._record,
            outbox.mark_sent,
            item,
            now=_now(),
            platform_id=platform_id,
            template_sid=template.get("sid"),
            nudge_templates=self._whatsapp.nudge_templates,
        )
        return Outcome.DONE
