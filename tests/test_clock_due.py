"""The clock wakes for the next due item: a broadcast, post, contest or poll leaves within
about two seconds of its time, not at the next fixed tick."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from bot.db import unit_of_work
from bot.domain import broadcasts
from bot.domain.broadcasts import Audience
from bot.models import CampaignRow, Delivery, Language
from scheduler.clock import build_clock
from scheduler.due import next_due
from tests.contest_factories import make_contest, make_poll
from tests.factories import make_relay

Factory = sessionmaker[Session]
NOW = datetime(2026, 12, 3, 12, 0, tzinfo=UTC)


def schedule(factory: Factory, *, now: datetime, send_at: datetime) -> int:
    with unit_of_work(factory) as session:
        return broadcasts.create(
            session=session,
            audience=Audience(),
            texts={"fr": "Venez samedi !", "bm": "Aw ka na sibiridon!"},
            created_by="cli",
            now=now,
            send_at=send_at,
        ).id


def due(factory: Factory, after: datetime = NOW) -> datetime | None:
    with factory() as session:
        return next_due(session=session, after=after)


def test_the_next_due_item_of_every_kind(factory: Factory) -> None:
    assert due(factory) is None
    make_poll(factory, opens_at=NOW - timedelta(hours=1), closes_at=NOW + timedelta(hours=5))
    assert due(factory) == NOW + timedelta(hours=5)
    make_contest(factory, opens_at=NOW + timedelta(hours=4), closes_at=NOW + timedelta(hours=6))
    assert due(factory) == NOW + timedelta(hours=4)
    schedule(factory, now=NOW, send_at=NOW + timedelta(minutes=3))
    assert due(factory) == NOW + timedelta(minutes=3)
    assert due(factory, after=NOW + timedelta(minutes=3)) == NOW + timedelta(hours=4)
    with unit_of_work(factory) as session:  # quiet hours end at 07:00 (Bamako is UTC)
        session.add(
            CampaignRow(
                slug="engageonsnous",
                name="#EngageonsNous",
                timezone="Africa/Bamako",
                starts_on=date(2026, 12, 1),
                ends_on=date(2026, 12, 21),
                folder=".",
                settings={"quiet_hours": {"start": "21:00", "end": "07:00"}},
                kit={},
            )
        )
    night = NOW + timedelta(hours=10)  # 22:00
    assert due(factory, after=night) == datetime(2026, 12, 4, 7, 0, tzinfo=UTC)


@pytest.mark.slow
def test_a_broadcast_leaves_within_two_seconds_of_its_time(factory: Factory) -> None:
    with unit_of_work(factory) as session:
        make_relay(session, address="console:ali", language=Language.FR, place="kita")

    async def run() -> list[tuple[datetime, datetime | None]]:
        clock = build_clock(factory)
        clock.start()
        try:
            await asyncio.sleep(1)  # the catch-up jobs at start have run
            known = datetime.now(UTC) + timedelta(seconds=4)  # known well before its time
            first = schedule(factory, now=datetime.now(UTC), send_at=known)
            await asyncio.sleep(5.5)
            late = datetime.now(UTC) + timedelta(seconds=1)  # created close to its time
            second = schedule(factory, now=datetime.now(UTC), send_at=late)
            await asyncio.sleep(4)
            return [(known, first_sent(factory, first)), (late, first_sent(factory, second))]
        finally:
            clock.shutdown(wait=False)

    for send_at, queued_at in asyncio.run(run()):
        assert queued_at is not None, "the clock did not wake for it"
        assert send_at <= queued_at <= send_at + timedelta(seconds=2), (send_at, queued_at)


def first_sent(factory: Factory, number: int) -> datetime | None:
    with factory() as session:
        return session.scalar(
            select(func.min(Delivery.created_at)).where(
                Delivery.source_kind == "broadcast", Delivery.source_ref == str(number)
            )
        )
