"""The delivery worker: claims due deliveries, sends them at each channel's pace, records
the outcome. One claim, one send, one recorded outcome: a crash between the send and the
record can send that one message twice, never lose it.

Any number of workers may run against one PostgreSQL database: claims never overlap and
skip destinations another worker is sending to; the pace of each channel is shared
through the database (scheduler/ratelimit.py); a claim is a lease the worker renews while
it works through the batch, so only a dead worker's claims go back to the queue. Within a
batch, each destination's messages go in order, one after the other, while different
destinations go concurrently. The worker names no channel: each channel
(bot/channels/base.py) says its pace, its concurrency and its spacing per destination,
and decides, before a send, what may go.

A slow or failing send holds back no other: `run` claims more as soon as half a batch
is sent, never waiting for a whole batch, so a send stalled until its timeout only keeps
its own destination waiting; a failed send is retried after a backoff, behind fresh work
(claims.py); a platform's retry_after pauses what it applies to: the destination, or,
for a platform that means the whole channel (or a flood, scheduler/floods.py), the
channel.
"""

from __future__ import annotations

import asyncio
import contextlib
import enum
import functools
import logging
import time
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from typing import ParamSpec, TypeVar

from sqlalchemy.orm import Session, sessionmaker

from bot.addresses import mask
from bot.channels.base import (
    Channel,
    DeliveryError,
    Later,
    RateLimited,
    Rejected,
    Send,
    Skip,
    Temporary,
    Unreachable,
    WaitsForRelay,
)
from bot.db import unit_of_work
from bot.domain.outbox import Claimed
from bot.outbound import Outbound, is_message, sent_template
from scheduler import claims, telemetry
from scheduler.batching import claims_now, default_batch, room
from scheduler.floods import Floods
from scheduler.gate import Gate
from scheduler.ratelimit import Pace, SharedBucket
from scheduler.recorder import Recorder, SentWrite, StillClaimed
from scheduler.spacing import ChatSpacing

logger = logging.getLogger(__name__)
# What /metrics calls each kind of failure (scheduler/telemetry.py).
OUTCOME_NAMES: tuple[tuple[type[DeliveryError], str], ...] = (
    (RateLimited, "rate_limited"),
    (Unreachable, "unreachable"),
    (Rejected, "rejected"),
    (WaitsForRelay, "held"),
)
P = ParamSpec("P")
T = TypeVar("T")


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
        channels: Mapping[str, Channel],
        batch_size: int | None = None,
        idle_seconds: float = 0.5,
        lease_seconds: float = claims.STALE_CLAIM.total_seconds(),
        max_attempts: int = claims.MAX_ATTEMPTS,
        limiters: Mapping[str, Pace] | None = None,
    ) -> None:
        self._factory = factory
        self._channels = dict(channels)
        # The database work runs in threads of its own; on SQLite, in one thread, so that
        # concurrent sends never queue inside SQLite's lock (its busy wait sleeps).
        bind = factory.kw.get("bind")
        sqlite = bind is not None and bind.dialect.name == "sqlite"
        self._database = ThreadPoolExecutor(1 if sqlite else 8, thread_name_prefix="delivery-db")
        given = dict(limiters or {})
        self._limiters: dict[str, Pace] = {
            name: given.get(name)
            or SharedBucket(factory, name, channel.pacing.rate, run=self._call)
            for name, channel in self._channels.items()
        }
        self._gates = {
            name: Gate(max(1, channel.pacing.concurrency))
            for name, channel in self._channels.items()
        }
        self._batch_size = batch_size or default_batch(self._channels.values())
        self._idle_seconds = idle_seconds
        self._lease_seconds = lease_seconds
        self._max_attempts = max_attempts
        self._spacing = ChatSpacing(self._channels)
        self._recorder = Recorder(factory, self._call)
        self._still_claimed = StillClaimed(factory, self._call)
        self._floods = {name: Floods() for name in self._channels}
        self._in_hand: set[int] = set()  # claimed and not yet recorded: the lease covers them
        self.sent = 0  # messages the platforms took from this worker
        self._wake = asyncio.Event()
        self._loop: asyncio.AbstractEventLoop | None = None

    def wake(self) -> None:
        """Look for work now (safe from any thread): a reply was just queued."""
        if self._loop is not None:
            self._loop.call_soon_threadsafe(self._wake.set)

    async def run(self, stop: asyncio.Event) -> None:
        """Send until `stop`: claim again as soon as half a batch is sent, so that no send
        waits for a slow one of an earlier claim."""
        self._loop = asyncio.get_running_loop()
        logger.info("delivery worker started for %s", ", ".join(sorted(self._channels)))
        keeper = asyncio.create_task(self._keep_lease(self._in_hand), name="delivery-lease")
        stopping = asyncio.create_task(stop.wait(), name="delivery-stop")
        stopping.add_done_callback(lambda _: self._wake.set())
        lines: set[asyncio.Task[None]] = set()
        try:
            while not stop.is_set():
                # Cleared before room is counted: whatever frees room from now on (a send
                # made, a line done, a reply queued, stop) ends the rest below.
                self._wake.clear()
                claimed = 0
                free = self._room()
                if ready := claims_now(self._batch_size, free):
                    try:
                        claimed = self._start(await self._call(self._claim, free), lines)
                    except Exception:
                        logger.exception("claiming deliveries failed; trying again shortly")
                if claimed < free or not ready:
                    await self._rest(idle=not lines)
            await asyncio.gather(*lines, return_exceptions=True)
        finally:
            keeper.cancel()
            stopping.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await keeper
        for channel in self._channels.values():
            await channel.close()
        self._database.shutdown(wait=False)
        logger.info("delivery worker stopped; %d messages sent", self.sent)

    def _room(self) -> int:
        in_hand, recording = len(self._in_hand), self._recorder.pending
        return room(self._batch_size, in_hand=in_hand, recording=recording)

    def _start(self, claimed: list[Claimed], lines: set[asyncio.Task[None]]) -> int:
        """Send each destination's claimed messages, in order, as a task of its own."""
        by_place: dict[str, list[Claimed]] = {}
        for item in claimed:
            self._in_hand.add(item.id)
            by_place.setdefault(item.address or f"#{item.id}", []).append(item)
        self._spacing.forget_past()

        def done(task: asyncio.Task[None]) -> None:
            lines.discard(task)
            self._wake.set()

        for line in by_place.values():
            task = asyncio.create_task(self._send_line(line, self._in_hand))
            lines.add(task)
            task.add_done_callback(done)
        return len(claimed)

    async def _rest(self, *, idle: bool) -> None:
        """Wait for room, new work (wake), stop, or idle_seconds (less while sending)."""
        timeout = self._idle_seconds if idle else min(self._idle_seconds, 0.1)
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(timeout):
                await self._wake.wait()

    async def _call(self, function: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
        """Run blocking database work off the event loop, in the worker's own threads."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(
            self._database, functools.partial(function, *args, **kwargs)
        )

    async def run_once(self) -> int:
        """Claim one batch and send it; returns how many deliveries were handled."""
        claimed = await self._call(self._claim)
        if not claimed:
            return 0
        held = {item.id for item in claimed}
        keeper = asyncio.create_task(self._keep_lease(held), name="delivery-lease")
        try:
            lines: dict[str, list[Claimed]] = {}
            for item in claimed:
                lines.setdefault(item.address or f"#{item.id}", []).append(item)
            self._spacing.forget_past()
            await asyncio.gather(*(self._send_line(line, held) for line in lines.values()))
        finally:
            keeper.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await keeper
        return len(claimed)

    async def _send_line(self, line: list[Claimed], held: set[int]) -> None:
        """One destination's messages, in order. One that did not go out stops the rest:
        they wait behind it (held) or are cancelled (the destination is gone)."""
        outcome = Outcome.DONE
        try:
            for item in line:
                if outcome is Outcome.HELD:
                    await self._call(self._record, claims.release, item)
                elif outcome is Outcome.GONE:
                    error = "relay unreachable"
                    await self._call(self._record, claims.cancel, item, error=error)
                else:
                    if (wait := self._spacing.wait(item)) > 0:
                        await asyncio.sleep(wait)
                    outcome = await self._deliver(item)
                held.discard(item.id)
        except Exception:
            # What is left stays claimed, no longer renewed: the lease runs out and the
            # clock queues it again.
            logger.exception("delivery to %s failed", mask(line[0].address or "?"))
            held.difference_update(item.id for item in line)

    async def _keep_lease(self, held: set[int]) -> None:
        """Renew the claims still in hand, well before the lease runs out."""
        while True:
            await asyncio.sleep(self._lease_seconds / 3)
            try:
                await self._call(self._renew, sorted(held))
            except Exception:
                logger.exception("could not renew the lease on claimed deliveries")

    def _renew(self, ids: list[int]) -> None:
        with unit_of_work(self._factory) as session:
            claims.renew(session=session, ids=ids, now=_now())

    def _claim(self, limit: int | None = None) -> list[Claimed]:
        spacing = (channel.pacing.spacing for channel in self._channels.values())
        recent = timedelta(seconds=max(spacing, default=0.0))
        limit = self._batch_size if limit is None else limit
        with unit_of_work(self._factory) as session:
            return claims.claim(session=session, now=_now(), limit=limit, recent=recent)

    def _record(self, action: object, item: Claimed, **kwargs: object) -> None:
        with unit_of_work(self._factory) as session:
            action(session=session, item=item, **kwargs)  # type: ignore[operator]

    async def _retry(
        self,
        item: Claimed,
        error: str,
        *,
        delay: timedelta | None = None,
        code: str | None = None,
    ) -> None:
        await self._call(
            self._record,
            claims.retry_later,
            item,
            now=_now(),
            error=error,
            delay=delay,
            code=code,
            max_attempts=self._max_attempts,
        )

    def _before_send(self, channel: Channel, item: Claimed) -> Send | Skip | Later:
        with unit_of_work(self._factory) as session:
            return channel.before_send(session=session, item=item, now=_now())

    def _hold(self, channel: Channel, item: Claimed, code: str | None) -> None:
        with unit_of_work(self._factory) as session:
            channel.hold(session=session, item=item, code=code, now=_now())

    @staticmethod
    def _after_sent(channel: Channel, item: Claimed, now: datetime, session: Session) -> None:
        """The channel's after_sent, in the unit of work that records the send."""
        channel.after_sent(session=session, item=item, now=now)

    async def _send(
        self, channel: Channel, item: Claimed, message: Outbound
    ) -> tuple[float, str | None, DeliveryError | None]:
        """Wait for a place among the sends in flight, then for the channel's pace (not an
        acknowledgement), then send: (seconds the channel is paused, platform id, error)."""
        async with self._gates[channel.name]:
            if not await self._still_claimed(item.id):
                raise claims.Withdrawn  # cancelled while it waited for a place: not sent
            if is_message(message):
                paused = await self._limiters[channel.name].acquire()
                if paused > 0:
                    return paused, None, None
            started = time.perf_counter()
            try:
                platform_id = await channel.send(item.identifier, message)
            except DeliveryError as exc:
                limited = isinstance(exc, RateLimited)
                self._floods[channel.name].note(time.monotonic(), limited=limited)
                outcome = next((n for kind, n in OUTCOME_NAMES if isinstance(exc, kind)), None)
                telemetry.observe_send(
                    channel.name, outcome or "temporary", time.perf_counter() - started
                )
                return 0.0, None, exc
            telemetry.observe_send(channel.name, "sent", time.perf_counter() - started)
            self._floods[channel.name].note(time.monotonic(), limited=False)
            return 0.0, platform_id, None

    async def _deliver(self, item: Claimed) -> Outcome:
        """Send one delivery and record what became of it."""
        channel = self._channels.get(item.channel)
        if item.address is None:
            await self._call(self._record, claims.mark_failed, item, error="no address")
            return Outcome.DONE
        if channel is None:
            await self._retry(item, f"channel {item.channel} is not configured")
            return Outcome.HELD
        message = item.message
        if channel.checks_before_send:
            decision = await self._call(self._before_send, channel, item)
            if isinstance(decision, Skip):
                return Outcome.DONE
            if isinstance(decision, Later):
                await self._retry(item, decision.reason, delay=decision.until - _now())
                return Outcome.HELD
            message = decision.message
        try:
            paused, platform_id, failure = await self._send(channel, item, message)
        except claims.Withdrawn:
            return Outcome.DONE
        if paused > 0:
            error = f"{item.channel} is paused: the platform asked to wait"
            await self._retry(item, error, delay=timedelta(seconds=paused))
            return Outcome.HELD
        if failure is not None:
            return await self._failed(channel, item, failure)
        self._spacing.sent_to(item)
        self.sent += 1
        if claims_now(self._batch_size, self._room()):
            self._wake.set()  # half a batch sent: claim the next while these are recorded
        now = _now()
        template = sent_template(message)
        sent = claims.Sent(item.id, now, platform_id, template.sid if template else None)
        after = None
        if type(channel).after_sent is not Channel.after_sent:  # most channels write nothing
            after = functools.partial(self._after_sent, channel, item, now)
        await self._recorder.record(SentWrite(sent, after))
        return Outcome.DONE

    async def _failed(self, channel: Channel, item: Claimed, exc: DeliveryError) -> Outcome:
        """Record a send the platform did not take, as its kind of failure says."""
        if isinstance(exc, RateLimited):
            if not exc.per_destination or self._floods[item.channel].flooded():
                await self._limiters[item.channel].pause(exc.retry_after, slow_down=exc.slow_down)
                telemetry.observe_pause(item.channel, exc.retry_after)
                logger.warning("%s asked to wait %.0fs", item.channel, exc.retry_after)
            elif item.address is not None:  # this destination only: it waits, no other
                logger.info("%s asked to wait %.0fs", mask(item.address), exc.retry_after)
                self._spacing.hold_off(item.address, exc.retry_after)
            delay = timedelta(seconds=exc.retry_after)
            await self._retry(item, str(exc), delay=delay, code=exc.code)
            return Outcome.HELD
        if isinstance(exc, Unreachable):
            logger.info("%s unreachable: %s", mask(item.address or "?"), exc)
            await self._call(
                self._record,
                claims.mark_unreachable,
                item,
                error=str(exc),
                now=_now(),
                code=exc.code,
            )
            return Outcome.GONE
        if isinstance(exc, WaitsForRelay):
            await self._call(self._hold, channel, item, exc.code)
            return Outcome.DONE
        if isinstance(exc, Rejected):
            logger.warning("delivery %s rejected: %s", item.id, exc)
            await self._call(self._record, claims.mark_failed, item, error=str(exc), code=exc.code)
            return Outcome.DONE
        if not isinstance(exc, Temporary):
            logger.warning("delivery %s: unexpected %s", item.id, type(exc).__name__)
        logger.warning("delivery %s failed for now: %s", item.id, exc)
        await self._retry(item, str(exc), code=exc.code)
        return Outcome.HELD
