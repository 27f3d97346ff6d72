"""Under a burst, a webhook stores what came and answers 200; the conversation follows.

A contest's question brings thousands of taps within seconds. A webhook's whole unit of
work (store the message, run the conversation, queue the replies) costs two to three
times what storing it alone does, and the platform waits for the 200 meanwhile. So when
BUSY requests or more are in the webhooks at once, each stores its message marked
waiting, committed in the writer's group before its 200 as ever (a pressed button's
acknowledgement queued with it, so the button stops spinning at once), and the backlog
runs the conversations after it, through the same writer, in the order the messages came.
Once a message waits, every new one waits behind it until the backlog is empty, so one
relay's messages are still answered in order; when the webhooks are quiet and nothing
waits, a message is answered before its 200, as it always was.

The conversations run whenever the webhooks are quiet (no request for QUIET seconds),
and BUSY_CHUNK of them at least every TURN seconds while they are not, so answers flow
during the burst too without holding the writer long. The backlog holds LIMIT messages
at most: past that, a webhook waits for room before it stores (the platform sees a
slower 200, as it would without a backlog), so a flood that lasts is answered at most
LIMIT messages late. An app that is told to stop answers what
waits for GRACE seconds first.

Nothing waits only in memory: a process that stops, or crashes, leaves its waiting
messages marked in the database. On start the web app takes every waiting message, and
every ADOPT seconds those another process left waiting for longer than that; taking a
message's mark off is part of its conversation's transaction (converse_waiting), so
each runs once whoever runs it.
"""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from itertools import islice
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.conversation.inbound import receive
from bot.conversation.inbound_waiting import converse_waiting, store_waiting, take_mark
from bot.conversation.values import Inbound
from bot.models import InboundMessage
from bot.outbound import ButtonAck
from bot.web.webhooks.again import NotReadable, read_again

if TYPE_CHECKING:
    from bot.web.services import Services

logger = logging.getLogger(__name__)
BUSY = 8  # requests in the webhooks at once from which messages wait
LIMIT = 5000  # messages waiting at most; past it a webhook waits for room
CHUNK = 128  # conversations handed to the writer at once, when the webhooks are quiet
BUSY_CHUNK = 16  # when they are not: the writer is held for less (the 200s' p99)
QUIET = 0.05  # seconds without a request after which the webhooks are quiet
TURN = 1.0  # seconds at most between chunks while they are not
ADOPT = 60.0  # seconds after which another process's waiting message is taken
GRACE = 5.0  # seconds a stopping app spends answering what waits


@dataclass(frozen=True)
class Waiting:
    """A stored message whose conversation has not run yet."""

    inbound_id: int
    channel: str
    platform_message_id: str
    inbound: Inbound
    received_at: datetime


class Backlog:
    """Takes the webhooks' messages (`take`) and runs the conversations that wait."""

    def __init__(
        self, services: Services, *, busy: int = BUSY, limit: int = LIMIT, chunk: int = CHUNK
    ) -> None:
        self._services = services
        self._busy = busy
        self._limit = limit
        self._chunk = chunk
        self._waiting: deque[Waiting] = deque()
        self._known: set[int] = set()  # ids waiting here (adoption skips them)
        self._writing = 0  # webhook requests in the writer now
        self._storing = 0  # of which storing a message to wait
        self._runner: asyncio.Task[None] | None = None
        # Set when the backlog is below LIMIT again; made on the loop it is awaited on.
        self._room_event: asyncio.Event | None = None
        self._room_loop: asyncio.AbstractEventLoop | None = None
        self._last_request = 0.0  # when the last webhook request came (the loop's clock)

    def __len__(self) -> int:
        return len(self._waiting)

    def _should_wait(self) -> bool:
        return bool(self._waiting or self._storing) or self._writing >= self._busy

    async def take(
        self,
        *,
        channel: str,
        platform_message_id: str,
        inbound: Inbound | None,
        raw: dict[str, Any],
        acknowledgement: ButtonAck | None = None,
    ) -> None:
        """Store one platform message, and answer it now or leave it to the backlog;
        returns once what it stored is committed."""
        services = self._services
        self._last_request = asyncio.get_running_loop().time()
        if inbound is None or not self._should_wait():
            self._writing += 1
            try:
                await services.write(
                    _received(services, channel, platform_message_id, inbound, raw, acknowledgement)
                )
            finally:
                self._wrote()
            services.wake_worker()
            return
        room = self._room()
        while len(self._waiting) + self._storing >= self._limit:
            room.clear()
            await room.wait()
        now = datetime.now(UTC)
        self._writing += 1
        self._storing += 1  # a place taken, at once after the look for room
        try:
            inbound_id = await services.write(
                _stored(channel, platform_message_id, inbound, raw, now, acknowledgement)
            )
            if inbound_id is not None:  # None: received before, and handled then
                self._add(Waiting(inbound_id, channel, platform_message_id, inbound, now))
        finally:
            self._storing -= 1
            self._wrote()
        if acknowledgement is not None:  # queued with the message
            services.wake_worker()

    def _wrote(self) -> None:
        self._writing -= 1

    def _room(self) -> asyncio.Event:
        """This loop's room event (a test's app may run on one loop after another)."""
        loop = asyncio.get_running_loop()
        if self._room_event is None or self._room_loop is not loop:
            self._room_event, self._room_loop = asyncio.Event(), loop
        return self._room_event

    def _add(self, waiting: Waiting) -> None:
        self._waiting.append(waiting)
        self._known.add(waiting.inbound_id)
        self._ensure_runner()

    def _ensure_runner(self) -> asyncio.Task[None]:
        loop = asyncio.get_running_loop()
        if self._runner is None or self._runner.get_loop() is not loop:
            self._runner = loop.create_task(self._run())
        return self._runner

    async def _run(self) -> None:
        try:
            while self._waiting:
                size = self._chunk if await self._turn() else min(self._chunk, BUSY_CHUNK)
                await self._converse(list(islice(self._waiting, size)))
        finally:
            self._runner = None

    async def _turn(self) -> bool:
        """Until no request has come for QUIET seconds (True), TURN seconds at most."""
        loop = asyncio.get_running_loop()
        turn_ends = loop.time() + TURN
        while True:
            now = loop.time()
            quiet_at = self._last_request + QUIET
            if now >= quiet_at and not self._writing:
                return True
            if now >= turn_ends:
                return False
            await asyncio.sleep(max(0.001, min(quiet_at, turn_ends) - now))

    async def _converse(self, chunk: list[Waiting]) -> None:
        services = self._services
        outcomes = await asyncio.gather(
            *(services.write(_conversed(services, waiting)) for waiting in chunk),
            return_exceptions=True,
        )
        room = self._room()
        for waiting, outcome in zip(chunk, outcomes, strict=True):
            self._waiting.popleft()
            room.set()
            self._known.discard(waiting.inbound_id)
            if isinstance(outcome, BaseException):
                # Still marked waiting in the database: the next start runs it again.
                logger.error(
                    "the conversation of %s message %s failed: %r",
                    waiting.channel,
                    waiting.platform_message_id,
                    outcome,
                )
        services.wake_worker()

    async def adopt(self, *, older_than: float = 0.0) -> int:
        """Take the messages waiting in the database for longer than `older_than` seconds
        that are not waiting here (all of them at start); how many were taken."""
        settings = self._services.settings
        since = datetime.now(UTC) - timedelta(seconds=older_than)
        rows = await self._services.read(_waiting_rows(since))
        taken = 0
        for inbound_id, channel, platform_id, payload, received_at in rows:
            if inbound_id in self._known:
                continue
            try:
                inbound = read_again(channel, payload, settings)
            except NotReadable as exc:
                logger.warning("waiting message %s left unanswered: %s", inbound_id, exc)
                await self._services.write(_given_up(inbound_id))
                continue
            if inbound is None:
                await self._services.write(_given_up(inbound_id))
                continue
            at = received_at if received_at.tzinfo else received_at.replace(tzinfo=UTC)
            self._add(Waiting(inbound_id, channel, platform_id, inbound, at))
            taken += 1
        if taken:
            logger.info("%d waiting messages taken to be answered", taken)
        return taken

    async def adopt_at_start(self) -> bool:
        """What was left waiting, before the first request is taken (the app's lifespan);
        False if the database did not answer (adopt_forever then looks at everything)."""
        try:
            await self.adopt()
        except Exception:
            logger.exception("looking for waiting messages failed; again in %.0f s", ADOPT)
            return False
        return True

    async def adopt_forever(self, *, adopted_all: bool) -> None:
        """Every ADOPT seconds, what another process left waiting for longer than that
        (everything, while no look at everything has been made)."""
        while True:
            await asyncio.sleep(ADOPT)
            try:
                await self.adopt(older_than=ADOPT if adopted_all else 0.0)
            except Exception:
                logger.exception("looking for waiting messages failed; again in %.0f s", ADOPT)
            else:
                adopted_all = True

    async def drained(self, within: float) -> bool:
        """True once nothing waits here; False if something still does after `within`
        seconds."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + within
        while self._waiting or self._storing:
            remaining = deadline - loop.time()
            if remaining <= 0:
                return False
            if self._waiting:
                await asyncio.wait({self._ensure_runner()}, timeout=remaining)
            else:  # a message being stored is added, or not, within its write
                await asyncio.sleep(min(0.01, remaining))
        return True

    async def stop(self, grace: float = GRACE) -> None:
        """Answer what waits for `grace` seconds at most, then stop; what still waits
        stays marked in the database for the next start."""
        if not await self.drained(grace):
            logger.warning("%d messages left waiting for the next start", len(self._waiting))
        if self._runner is not None:
            self._runner.cancel()
            await asyncio.gather(self._runner, return_exceptions=True)
        self._waiting.clear()
        self._known.clear()


def _received(
    services: Services,
    channel: str,
    platform_message_id: str,
    inbound: Inbound | None,
    raw: dict[str, Any],
    acknowledgement: ButtonAck | None,
) -> Callable[[Session], None]:
    def work(session: Session) -> None:
        receive(
            session=session,
            router=services.router,
            channel=channel,
            platform_message_id=platform_message_id,
            inbound=inbound,
            raw=raw,
            now=datetime.now(UTC),
            zone=services.settings.zone,
            acknowledgement=acknowledgement,
        )

    return work


def _stored(
    channel: str,
    platform_message_id: str,
    inbound: Inbound,
    raw: dict[str, Any],
    now: datetime,
    acknowledgement: ButtonAck | None,
) -> Callable[[Session], int | None]:
    def work(session: Session) -> int | None:
        return store_waiting(
            session=session,
            channel=channel,
            platform_message_id=platform_message_id,
            inbound=inbound,
            raw=raw,
            now=now,
            acknowledgement=acknowledgement,
        )

    return work


def _conversed(services: Services, waiting: Waiting) -> Callable[[Session], bool]:
    def work(session: Session) -> bool:
        return converse_waiting(
            session=session,
            router=services.router,
            channel=waiting.channel,
            platform_message_id=waiting.platform_message_id,
            inbound_id=waiting.inbound_id,
            inbound=waiting.inbound,
            received_at=waiting.received_at,
            zone=services.settings.zone,
        )

    return work


def _waiting_rows(since: datetime) -> Callable[[Session], list[Any]]:
    def query(session: Session) -> list[Any]:
        table = InboundMessage
        return list(
            session.execute(
                select(
                    table.id,
                    table.channel,
                    table.platform_message_id,
                    table.payload,
                    table.received_at,
                )
                .where(table.waiting, table.received_at <= since)
                .order_by(table.id)
            ).all()
        )

    return query


def _given_up(inbound_id: int) -> Callable[[Session], bool]:
    def work(session: Session) -> bool:
        return take_mark(session, inbound_id)

    return work
