"""Record sends in shared transactions: the outcomes that arrive while one transaction
commits are written together in the next.

At tens of messages a second, one transaction per send kept the database thread busy
committing (about 10 ms each on SQLite on the 2-core machine), and the rate limiter's
grants queued behind those commits until the slots they reserved had passed. Grouped,
the commits cost one per batch, and a batch is only as large as what came in during the
previous commit: a lone send is still recorded at once.

What is recorded is the same and as soon: each caller returns once its own outcome is
committed. An outcome that cannot be written with the others is written on its own, so
one bad record never loses the rest. The sends of a group are written by one statement
(claims.mark_all_sent), not one load and one UPDATE each.

The check made before each send waits for its slot (is the delivery still claimed, or was it
withdrawn?) is grouped the same way: the sends about to leave together ask once. It also
waits LINGER after the first ask of a group arrives (or until ASKS have asked): without it,
at a few hundred messages a second the query came back before the next send asked, so
nearly every send had a check of its own (0.6-0.9 a message, at 0.7-1 ms of CPU apiece
beside the busy event loop), and reached the limiter alone, so the grants were small too.

Records linger too (RECORD_LINGER, or until ENOUGH are waiting): taken as soon as the
previous commit was done, an unpaced worker's groups held about 8 sends, and their
commits were a sixth of its CPU. A send stays in the worker's hands until recorded (its
lease covers it), but the worker counts only the sends not yet made against its batch
(`pending` says how many wait here), so a batch no longer runs dry while its records
wait: at 1,000 messages a second a batch of 50 did when it counted them.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from bot.db import unit_of_work
from scheduler import claims

logger = logging.getLogger(__name__)
# How long a group of still-claimed checks waits for company once its first ask arrives:
# a send asks that much before it waits for its slot, which a pace of more than a few
# messages a second reserves later still.
LINGER = 0.01
# … or until this many wait: at a thousand sends a second, each waiting out LINGER while
# it held one of the channel's places in flight took a fifth off an unpaced worker's rate.
ASKS = 32
# How long the first record of a group waits for others, or until ENOUGH wait: one
# commit then carries a fiftieth of a second's sends.
RECORD_LINGER = 0.02
ENOUGH = 64
Write = Callable[[Session], None]
Run = Callable[..., Awaitable[Any]]


@dataclass(frozen=True)
class SentWrite:
    """A send to record, and what the channel writes with it (its after_sent), if any."""

    sent: claims.Sent
    after: Write | None = None


Entry = Write | SentWrite


class Recorder:
    def __init__(self, factory: sessionmaker[Session], run: Run) -> None:
        self._factory = factory
        self._run = run  # runs blocking work in the worker's database threads
        self._waiting: list[tuple[Entry, asyncio.Future[None]]] = []
        self._writing = 0  # records in the commit under way
        self._writer: asyncio.Task[None] | None = None
        self._company = _Company()

    @property
    def pending(self) -> int:
        """Records asked for and not yet committed (or failed)."""
        return len(self._waiting) + self._writing

    async def record(self, write: Entry) -> None:
        """Write this in the next shared transaction; return once it is committed."""
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiting.append((write, done))
        if self._writer is None or self._writer.done():
            self._writer = asyncio.create_task(self._write_all(), name="delivery-records")
        self._company.arrived(len(self._waiting), ENOUGH)
        await done

    async def _write_all(self) -> None:
        while self._waiting:
            await self._company.wait(len(self._waiting), ENOUGH, RECORD_LINGER)
            batch, self._waiting = self._waiting, []
            self._writing = len(batch)
            try:
                await self._run(self._commit, [write for write, _ in batch])
            except Exception as exc:
                if len(batch) == 1:
                    _settle(batch[0][1], error=exc)
                else:
                    logger.warning("%d send records failed together; writing each", len(batch))
                    await self._one_by_one(batch)
                continue
            finally:
                self._writing = 0
            for _, done in batch:
                _settle(done)

    async def _one_by_one(self, batch: list[tuple[Entry, asyncio.Future[None]]]) -> None:
        for write, done in batch:
            try:
                await self._run(self._commit, [write])
            except Exception as exc:
                _settle(done, error=exc)
            else:
                _settle(done)

    def _commit(self, writes: list[Entry]) -> None:
        with unit_of_work(self._factory) as session:
            sent = [write.sent for write in writes if isinstance(write, SentWrite)]
            claims.mark_all_sent(session=session, sent=sent)
            for write in writes:
                if not isinstance(write, SentWrite):
                    write(session)
                elif write.after is not None:
                    write.after(session)


class StillClaimed:
    """Asks, for every send about to leave, whether its delivery is still claimed: the
    asks that arrive while one query runs are answered together by the next."""

    def __init__(self, factory: sessionmaker[Session], run: Run) -> None:
        self._factory = factory
        self._run = run
        self._waiting: list[tuple[int, asyncio.Future[bool]]] = []
        self._asker: asyncio.Task[None] | None = None
        self._company = _Company()

    async def __call__(self, delivery_id: int) -> bool:
        answer: asyncio.Future[bool] = asyncio.get_running_loop().create_future()
        self._waiting.append((delivery_id, answer))
        if self._asker is None or self._asker.done():
            self._asker = asyncio.create_task(self._ask_all(), name="delivery-checks")
        self._company.arrived(len(self._waiting), ASKS)
        return await answer

    async def _ask_all(self) -> None:
        while self._waiting:
            await self._company.wait(len(self._waiting), ASKS, LINGER)
            batch, self._waiting = self._waiting, []
            try:
                claimed = await self._run(
                    claims.still_claimed, self._factory, [key for key, _ in batch]
                )
            except Exception as exc:
                for _, answer in batch:
                    if not answer.done():
                        answer.set_exception(exc)
                continue
            for key, answer in batch:
                if not answer.done():
                    answer.set_result(key in claimed)


class _Company:
    """The first of a group waits for others: `linger` seconds, or until `enough` wait."""

    def __init__(self) -> None:
        self._ripe: asyncio.Future[None] | None = None

    async def wait(self, waiting: int, enough: int, linger: float) -> None:
        if waiting >= enough:
            return
        loop = asyncio.get_running_loop()
        self._ripe = ripe = loop.create_future()
        timer = loop.call_later(linger, _settle, ripe)
        try:
            await ripe
        finally:
            timer.cancel()
            self._ripe = None

    def arrived(self, waiting: int, enough: int) -> None:
        """One more joined the group: it goes now if that makes enough."""
        if waiting >= enough and self._ripe is not None and not self._ripe.done():
            self._ripe.set_result(None)


def _settle(done: asyncio.Future[None], *, error: BaseException | None = None) -> None:
    if done.done():
        return
    if error is None:
        done.set_result(None)
    else:
        done.set_exception(error)
