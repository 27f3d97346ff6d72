"""Pace sends per channel across every process: a token bucket kept in the database.

The bucket is the channel's row in channel_rate. A worker takes tokens in one short
transaction: SELECT … FOR UPDATE of that row (on SQLite the engine's BEGIN IMMEDIATE
serialises writers instead), refill it from refilled_at at the channel's pace, take,
write back, commit. However many processes send, together they take at most `rate`
tokens a second, plus a burst of BURST_SECONDS' worth after a quiet spell.

Tokens may go below zero: that is a reservation. A worker asking for n tokens gets the
time ("slot") at which each may be spent, at most HORIZON seconds ahead, and sends each
message at its slot. A slot it cannot use within SLACK is given up, never spent late,
so no stretch of time sees more sends than the bucket granted for it. A worker asks for
as many slots as it has senders waiting (GRANT_SECONDS' worth at most): one transaction
serves several messages, and no slot is reserved that nobody is ready to spend.

A platform's retry_after pauses the channel for everyone (paused_until: no token before
it, and none accrues during it); `slow_down` also halves the pace for SLOW_DOWN
(slowed_until). Clocks: slots and refills use each host's wall clock, and refilled_at
never moves back, so a host whose clock runs ahead only makes the others wait longer.
"""

from __future__ import annotations

import asyncio
import math
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol, TypeVar, cast

from sqlalchemy import Table, bindparam, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, sessionmaker

from bot.db import core, unit_of_work
from bot.models import ChannelRate

BURST_SECONDS = 0.01  # bucket capacity: this many seconds of sends, at least one
HORIZON = 0.25  # how far ahead a worker may reserve
SLACK = 0.05  # a reserved slot is spent within this, or given up
GRANT_SECONDS = 0.2  # at most this many seconds' worth of slots in one grant
# Why these: with grants of 0.05 s (two slots at 25/s) and a slack of 0.01 s, a busy
# 2-core host sent a 25/s broadcast at 0.6-0.7 of its pace: a grant took 20-40 ms to come
# back, so senders queued behind each one, and a sender woken 10 ms late gave its slot up.
# Spending a slot up to SLACK late lets one second see at most (1 + SLACK) times the rate
# and the burst, within the 1.1 that tests/test_ratelimit.py and test_engine_postgres.py
# check.
ASK_AHEAD = 0.15  # ask for more slots while those in hand last less than this
# Why: on a loaded 2-core host a grant's commit sometimes took 60-180 ms; asked for only
# once the last slot was spent, its first slots were past on arrival and given up, and
# a 25/s broadcast went at 0.67 of its pace.
MAX_SLEEP = 1.0  # a pause shorter than this is waited out; a longer one is handed back
SLOW_DOWN = timedelta(minutes=5)
T = TypeVar("T")
RECOVERY = SLOW_DOWN.total_seconds()  # the in-process bucket's name for it


@dataclass(frozen=True)
class Grant:
    """What the bucket gave: the epoch times at which each reserved send may leave, or,
    when it gave nothing, how long to wait before asking again (and whether because the
    channel is paused)."""

    slots: tuple[float, ...] = ()
    wait: float = 0.0
    paused: bool = False


def capacity(rate: float) -> float:
    return max(1.0, rate * BURST_SECONDS)


def _stamp(moment: datetime | None) -> float:
    return moment.timestamp() if moment is not None else 0.0


@dataclass(frozen=True)
class _State:
    tokens: float
    refilled_at: float
    paused_until: float
    slowed_until: float


_TABLE = cast(Table, ChannelRate.__table__)
# Built once: built for each grant, they cost more than running them (730-773 → 376-397 µs).
_READ = select(
    _TABLE.c.tokens, _TABLE.c.refilled_at, _TABLE.c.paused_until, _TABLE.c.slowed_until
).where(_TABLE.c.channel == bindparam("channel"))
_READ_LOCKED = _READ.with_for_update()
_STORE = (
    update(_TABLE)
    .where(_TABLE.c.channel == bindparam("c"))
    .values(tokens=bindparam("t"), refilled_at=bindparam("r"))
)


def _lock(session: Session, channel: str, now: datetime, tokens: float = 0.0) -> _State:
    """The channel's row, locked until the transaction ends (created with `tokens`)."""
    connection = core(session)
    postgres = connection.dialect.name == "postgresql"
    query = _READ_LOCKED if postgres else _READ
    row = connection.execute(query, {"channel": channel}).one_or_none()
    if row is None:
        insert = postgresql.insert if postgres else sqlite.insert
        connection.execute(
            insert(ChannelRate)
            .values(channel=channel, tokens=tokens, refilled_at=now)
            .on_conflict_do_nothing(index_elements=["channel"])
        )
        row = connection.execute(query, {"channel": channel}).one()
    return _State(
        row.tokens, _stamp(row.refilled_at), _stamp(row.paused_until), _stamp(row.slowed_until)
    )


def _when(stamp: float) -> datetime:
    return datetime.fromtimestamp(stamp, UTC)


def _store(
    session: Session,
    channel: str,
    *,
    tokens: float,
    refilled_at: float,
    paused_until: float | None = None,
    slowed_until: float | None = None,
) -> None:
    if paused_until is None and slowed_until is None:  # every grant
        core(session).execute(_STORE, {"c": channel, "t": tokens, "r": _when(refilled_at)})
        return
    changed: dict[str, object] = {"tokens": tokens, "refilled_at": _when(refilled_at)}
    if paused_until is not None:
        changed["paused_until"] = _when(paused_until)
    if slowed_until is not None:
        changed["slowed_until"] = _when(slowed_until)
    core(session).execute(update(_TABLE).where(_TABLE.c.channel == channel).values(**changed))


def _refill(state: _State, rate: float, start: float, end: float) -> float:
    """Tokens earned from `start` to `end`: half pace while slowed, full pace after."""
    if end <= start:
        return 0.0
    slowed = max(0.0, min(end, state.slowed_until) - start)
    return slowed * rate / 2 + (end - start - slowed) * rate


def take(
    session: Session,
    *,
    channel: str,
    rate: float,
    want: int,
    now: datetime | Callable[[], datetime],
    horizon: float = HORIZON,
) -> Grant:
    """Reserve up to `want` sends on the channel, none further than `horizon` ahead.

    `now` may be a clock, read once the row is locked: time spent waiting for the lock
    is not counted as time the slots could have started."""
    state = _lock(session, channel, now() if callable(now) else now, tokens=capacity(rate))
    moment = max((now() if callable(now) else now).timestamp(), state.refilled_at)
    if state.paused_until > moment:
        return Grant(wait=state.paused_until - moment, paused=True)
    pace = rate / 2 if state.slowed_until > moment else rate
    earned = _refill(state, rate, max(state.refilled_at, state.paused_until), moment)
    tokens = min(capacity(rate), state.tokens + earned)
    count = max(0, min(want, math.floor(tokens + horizon * pace + 1e-9)))
    _store(session, channel, tokens=tokens - count, refilled_at=moment)
    if count == 0:
        return Grant(wait=max(0.001, (1 - tokens) / pace - horizon))
    return Grant(slots=tuple(moment + max(0.0, i - tokens) / pace for i in range(1, count + 1)))


def pause(
    session: Session, *, channel: str, seconds: float, slow_down: bool, now: datetime
) -> None:
    """The platform said wait: nothing leaves on the channel, from any worker, until then."""
    state = _lock(session, channel, now)
    moment = max(now.timestamp(), state.refilled_at)
    _store(
        session,
        channel,
        tokens=0.0,  # reservations made before the complaint are void
        refilled_at=moment,
        paused_until=max(state.paused_until, moment + seconds),
        slowed_until=max(state.slowed_until, moment + RECOVERY) if slow_down else None,
    )


class Runner(Protocol):
    """Runs blocking work off the event loop (asyncio.to_thread, or a worker's threads)."""

    async def __call__(self, function: Callable[..., T], /, *args: Any) -> T: ...


class Pace(Protocol):
    """What the delivery worker asks of a channel's limiter."""

    async def acquire(self) -> float:
        """Wait for this process' turn to send one message. 0.0: send now. More: the
        channel is paused for that many seconds; hand the message back instead."""
        ...

    async def pause(self, seconds: float, *, slow_down: bool = False) -> None: ...


class SharedBucket:
    """One process' handle on a channel's shared bucket, safe for concurrent senders.

    Senders queue on a lock; the one at the front takes the next reserved slot, sleeps
    until it and returns, so slots are spent in order and on time. It asks the database
    for as many slots as there are senders waiting beyond those in hand (at most
    GRANT_SECONDS' worth): each will spend one as soon as it comes, so none is reserved
    to be missed. It asks ahead, while the slots in hand last ASK_AHEAD more seconds: a
    grant that comes back late (a commit waiting on a busy disk) then finds its first
    slots still to come instead of past and given up.
    """

    def __init__(
        self,
        factory: sessionmaker[Session],
        channel: str,
        rate: float,
        *,
        clock: Callable[[], float] = time.time,
        max_sleep: float = MAX_SLEEP,
        run: Runner | None = None,
    ) -> None:
        self.channel = channel
        self.rate = rate
        self._factory = factory
        self._run: Runner = run or asyncio.to_thread
        self._clock = clock
        self._max_sleep = max_sleep
        self._slots: deque[float] = deque()
        self._paused_until = 0.0  # as last read from the database
        self._lock = asyncio.Lock()
        self._waiting = 0
        self._asked: asyncio.Task[Grant] | None = None  # a grant on its way
        self._not_before = 0.0  # an empty grant's wait: no asking again until then
        self.transactions = 0  # for benchmarks and tests
        self.given_up = 0

    async def acquire(self) -> float:
        self._waiting += 1
        try:
            await self._lock.acquire()
        finally:
            self._waiting -= 1
        try:
            return await self._next()
        finally:
            self._lock.release()

    async def _next(self) -> float:
        while True:
            now = self._clock()
            if self._paused_until > now:
                if self._paused_until - now > self._max_sleep:
                    return self._paused_until - now
                await asyncio.sleep(self._paused_until - now)
                continue
            while self._slots and self._slots[0] + SLACK < now:
                self._slots.popleft()
                self.given_up += 1
            if self._asked is not None and self._asked.done():
                self._received(self._asked, now)
            self._ask_ahead(now)
            if self._slots:
                slot = self._slots.popleft()
                if slot > now:
                    await asyncio.sleep(slot - now)
                if self._clock() <= slot + SLACK:
                    return 0.0
                self.given_up += 1  # woken too late (a busy process): not spent late
                continue
            asked = self._asked
            if asked is not None:
                await asyncio.wait({asked})
                if asked is self._asked:  # not voided by a pause meanwhile
                    self._received(asked, self._clock())
            elif self._not_before > now:
                await asyncio.sleep(self._not_before - now)

    def _ask_ahead(self, now: float) -> None:
        """Ask for slots for the senders waiting beyond those in hand, once the slots in
        hand run out within ASK_AHEAD; one grant on its way at a time."""
        wanted = 1 + self._waiting - len(self._slots)
        if self._asked is not None or wanted <= 0 or now < self._not_before:
            return
        if self._slots and self._slots[-1] - now > ASK_AHEAD:
            return
        want = min(wanted, max(1, int(self.rate * GRANT_SECONDS)))
        self._asked = asyncio.ensure_future(self._run(self._take, want))

    def _received(self, asked: asyncio.Task[Grant], now: float) -> None:
        """Take in a grant that came back: its slots, the pause it reports, or, when it
        gave nothing, how long to wait before asking again."""
        self._asked = None
        grant = asked.result()
        if grant.slots:
            self._slots.extend(grant.slots)
        elif grant.paused:
            self._paused_until = max(self._paused_until, now + grant.wait)
        else:
            self._not_before = now + grant.wait

    def _now(self) -> datetime:
        return datetime.fromtimestamp(self._clock(), UTC)

    def _take(self, want: int) -> Grant:
        self.transactions += 1
        with unit_of_work(self._factory) as session:
            return take(session, channel=self.channel, rate=self.rate, want=want, now=self._now)

    async def pause(self, seconds: float, *, slow_down: bool = False) -> None:
        self._slots.clear()
        if self._asked is not None:  # its slots were reserved before the pause: void
            self._asked.add_done_callback(_forget)
            self._asked = None
        self._paused_until = max(self._paused_until, self._clock() + seconds)
        await self._run(self._pause, seconds, slow_down)

    def _pause(self, seconds: float, slow_down: bool) -> None:
        with unit_of_work(self._factory) as session:
            pause(
                session,
                channel=self.channel,
                seconds=seconds,
                slow_down=slow_down,
                now=self._now(),
            )


def _forget(task: asyncio.Task[Grant]) -> None:
    """A grant nobody will use: its error, if any, is not worth a warning."""
    if not task.cancelled():
        task.exception()


class TokenBucket:
    """The in-process bucket (one process per database): at most `rate` sends a second,
    with bursts of up to `burst`. Kept as the baseline the benchmark compares with."""

    def __init__(
        self, rate: float, burst: float | None = None, *, max_sleep: float = MAX_SLEEP
    ) -> None:
        self.rate = rate
        self._configured = rate
        self._slowed_at = 0.0
        self.capacity = burst if burst is not None else max(1.0, rate)
        self._tokens = self.capacity
        self._updated = time.monotonic()
        self._paused_until = 0.0
        self._max_sleep = max_sleep

    async def pause(self, seconds: float, *, slow_down: bool = False) -> None:
        """Honour a platform's retry_after; with `slow_down`, also halve the pace (down
        to a tenth of the configured rate) until RECOVERY seconds pass without another."""
        now = time.monotonic()
        self._paused_until = max(self._paused_until, now + seconds)
        self._tokens = 0.0
        if slow_down:
            self.rate = max(self._configured / 10, self.rate / 2)
            self._slowed_at = now

    @property
    def paused_for(self) -> float:
        return max(0.0, self._paused_until - time.monotonic())

    async def acquire(self) -> float:
        while True:
            now = time.monotonic()
            if self.rate < self._configured and now - self._slowed_at > RECOVERY:
                self.rate = self._configured
            if now < self._paused_until:
                if self._paused_until - now > self._max_sleep:
                    return self._paused_until - now
                await asyncio.sleep(self._paused_until - now)
                continue
            self._tokens = min(self.capacity, self._tokens + (now - self._updated) * self.rate)
            self._updated = now
            if self._tokens >= 1:
                self._tokens -= 1
                return 0.0
            await asyncio.sleep((1 - self._tokens) / self.rate)


class Unpaced:
    """No limit at all: what the benchmark measures the limiters against."""

    async def acquire(self) -> float:
        return 0.0

    async def pause(self, seconds: float, *, slow_down: bool = False) -> None:
        return None
