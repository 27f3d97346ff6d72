"""Send records written together: each caller learns of its own record, and one that
cannot be written loses none of the others."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, TypeVar

import pytest
from sqlalchemy import event
from sqlalchemy.orm import Session, sessionmaker

from bot.db import unit_of_work
from bot.models import Delivery, DeliveryStatus
from bot.outbound import Message
from scheduler import claims, recorder
from scheduler.floods import Floods
from scheduler.recorder import Recorder, SentWrite, StillClaimed
from tests.factories import make_delivery, make_relay

Factory = sessionmaker[Session]
T = TypeVar("T")


def test_records_are_written_together_and_a_bad_one_alone(factory: Factory) -> None:
    with unit_of_work(factory) as session:
        relay = make_relay(session, address="telegram:501", channel="telegram")
        ids = [make_delivery(session, relay, Message(f"m{n}"), ref=str(n)) for n in range(5)]
    commits = 0

    async def run(function: Callable[..., T], *args: Any) -> T:
        nonlocal commits
        commits += 1
        return await asyncio.to_thread(function, *args)

    def note(delivery_id: int) -> Callable[[Session], None]:
        def write(session: Session) -> None:
            session.get_one(Delivery, delivery_id).error = "recorded"

        return write

    def broken(session: Session) -> None:
        raise ValueError("cannot be written")

    async def go() -> list[BaseException | None]:
        recorder = Recorder(factory, run)
        writes = [note(ids[0]), note(ids[1]), broken, note(ids[2]), note(ids[3])]
        results = await asyncio.gather(
            *(recorder.record(write) for write in writes), return_exceptions=True
        )
        return list(results)

    results = asyncio.run(go())
    assert [type(r) for r in results] == [type(None)] * 2 + [ValueError] + [type(None)] * 2
    with factory() as session:
        errors = [session.get_one(Delivery, i).error for i in ids]
    assert errors == ["recorded"] * 4 + [None]
    # The first alone, the four that came meanwhile together (refused), then one by one.
    assert commits == 1 + 1 + 4


def test_sends_recorded_together_are_one_statement_and_each_gets_its_own_values(
    factory: Factory,
) -> None:
    with unit_of_work(factory) as session:
        relay = make_relay(session, address="telegram:502", channel="telegram")
        ids = [make_delivery(session, relay, Message(f"m{n}"), ref=str(n)) for n in range(4)]
        session.get_one(Delivery, ids[0]).error = "an earlier failure"
    updates: list[str] = []
    after: list[int] = []

    def seen(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if statement.startswith("UPDATE delivery"):
            updates.append(statement)

    def note_after(delivery_id: int) -> Callable[[Session], None]:
        def write(session: Session) -> None:  # a channel's after_sent sees the send
            row = session.get_one(Delivery, delivery_id)
            after.append(int(row.platform_message_id or 0))

        return write

    async def go() -> None:
        recorder = Recorder(factory, asyncio.to_thread)
        await recorder.record(lambda session: None)  # the next ones queue behind it
        now = datetime.now(UTC)
        sends = [
            SentWrite(claims.Sent(key, now, str(100 + n), "HX1" if n == 1 else None))
            for n, key in enumerate(ids[:3])
        ]
        sends[2] = SentWrite(sends[2].sent, note_after(ids[2]))
        first = asyncio.ensure_future(recorder.record(lambda session: None))
        await asyncio.sleep(0)
        await asyncio.gather(first, *(recorder.record(write) for write in sends))

    bind = factory.kw["bind"]
    event.listen(bind, "before_cursor_execute", seen)
    try:
        asyncio.run(go())
    finally:
        event.remove(bind, "before_cursor_execute", seen)
    assert len(updates) == 1
    assert after == [102]
    with factory() as session:
        rows = [session.get_one(Delivery, key) for key in ids]
    assert [row.status for row in rows] == [DeliveryStatus.SENT] * 3 + [DeliveryStatus.QUEUED]
    assert [row.platform_message_id for row in rows] == ["100", "101", "102", None]
    assert [row.template_sid for row in rows] == [None, "HX1", None, None]
    assert rows[0].error is None
    assert all(row.sent_at is not None for row in rows[:3])


def test_sends_about_to_leave_ask_together_whether_they_are_still_claimed(
    factory: Factory,
) -> None:
    with unit_of_work(factory) as session:
        relay = make_relay(session, address="telegram:503", channel="telegram")
        ids = [make_delivery(session, relay, Message(f"m{n}"), ref=str(n)) for n in range(3)]
        for key in ids[:2]:
            session.get_one(Delivery, key).status = DeliveryStatus.SENDING
    asked: list[list[int]] = []

    async def run(function: Callable[..., T], *args: Any) -> T:
        asked.append(list(args[-1]))
        return await asyncio.to_thread(function, *args)

    async def go() -> list[bool]:
        check = StillClaimed(factory, run)
        return list(await asyncio.gather(*(check(key) for key in ids)))

    assert asyncio.run(go()) == [True, True, False]
    assert asked == [ids]  # one query for the three


def test_enough_asks_go_at_once_without_waiting_out_the_linger(
    factory: Factory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A send asks while it holds a place among those in flight: at a high rate, waiting
    out the linger when a full group has asked only keeps that place from the next send."""
    with unit_of_work(factory) as session:
        relay = make_relay(session, address="telegram:504", channel="telegram")
        ids = [
            make_delivery(session, relay, Message(f"m{n}"), ref=str(n))
            for n in range(recorder.ASKS)
        ]
    monkeypatch.setattr(recorder, "LINGER", 60.0)
    asked: list[int] = []

    async def run(function: Callable[..., T], *args: Any) -> T:
        asked.append(len(args[-1]))
        return await asyncio.to_thread(function, *args)

    async def go() -> tuple[bool, list[bool]]:
        check = StillClaimed(factory, run)
        first = asyncio.ensure_future(check(ids[0]))
        await asyncio.sleep(0.05)  # the group's first ask, now waiting for company
        rest = asyncio.gather(*(check(key) for key in ids[1:]))
        one, others = await asyncio.wait_for(asyncio.gather(first, rest), 10)
        return one, list(others)

    first, rest = asyncio.run(go())
    assert [first, *rest] == [False] * recorder.ASKS  # queued, not claimed
    assert asked == [recorder.ASKS]


def test_enough_records_are_written_at_once_without_waiting_out_the_linger(
    factory: Factory, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(recorder, "RECORD_LINGER", 60.0)
    commits: list[int] = []

    async def run(function: Callable[..., T], *args: Any) -> T:
        commits.append(len(args[-1]))
        return await asyncio.to_thread(function, *args)

    async def go() -> None:
        writes = Recorder(factory, run)
        first = asyncio.ensure_future(writes.record(lambda session: None))
        await asyncio.sleep(0.05)  # the group's first record, now waiting for company
        assert writes.pending == 1
        rest = asyncio.gather(
            *(writes.record(lambda session: None) for _ in range(recorder.ENOUGH - 1))
        )
        await asyncio.wait_for(asyncio.gather(first, rest), 10)
        assert writes.pending == 0

    asyncio.run(go())
    assert commits == [recorder.ENOUGH]


@pytest.mark.parametrize(
    ("outcomes", "flooded"),
    [
        ([True], False),  # one chat's 429
        ([False] * 20 + [True] * 3, False),  # a few among many sends
        ([True, False, True, True], True),  # most sends refused: the whole channel
    ],
)
def test_a_flood_is_most_recent_sends_refused(outcomes: list[bool], flooded: bool) -> None:
    floods = Floods()
    for n, limited in enumerate(outcomes):
        floods.note(100.0 + n * 0.01, limited=limited)
    assert floods.flooded() is flooded
    floods.note(102.0, limited=False)  # a second later, the old ones are forgotten
    assert not floods.flooded()
