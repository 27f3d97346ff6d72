"""Anonymous polls: one vote per relay, aggregate results only past the threshold."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from bot.db import unit_of_work
from bot.domain.polls import Results, results, vote
from bot.models import Poll, Relay, Vote
from tests.contest_factories import make_poll
from tests.factories import new_relay

Factory = sessionmaker[Session]
OPENS = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)
DURING = OPENS + timedelta(hours=1)


def poll(factory: Factory, **overrides: Any) -> int:
    """A poll open for a day from OPENS, with its result shown from three votes."""
    return make_poll(factory, opens_at=OPENS, closes_at=OPENS + timedelta(days=1), **overrides)


def cast(factory: Factory, poll_id: int, relay_id: int, choice: int, now: datetime = DURING) -> Any:
    with unit_of_work(factory) as session:
        poll, relay = session.get_one(Poll, poll_id), session.get_one(Relay, relay_id)
        return vote(session=session, poll=poll, relay=relay, choice=choice, now=now)


def tally(factory: Factory, poll_id: int, place: str | None = None) -> Results | None:
    with factory() as session:
        return results(session=session, poll=session.get_one(Poll, poll_id), place=place)


def test_no_result_below_the_threshold_then_only_counts(factory: Factory) -> None:
    poll_id = poll(factory)
    voters = [new_relay(factory) for _ in range(3)]
    cast(factory, poll_id, voters[0], 0)
    cast(factory, poll_id, voters[1], 1)
    assert tally(factory, poll_id) is None  # two votes could be traced to two people
    cast(factory, poll_id, voters[2], 0)
    result = tally(factory, poll_id)
    assert result == Results(counts=(2, 1), total=3)
    assert (result.percent(0), result.percent(1)) == (67, 33)


def test_a_place_gets_its_own_result_only_with_enough_votes_there(factory: Factory) -> None:
    poll_id = poll(factory)
    for _ in range(3):
        cast(factory, poll_id, new_relay(factory, place="kayes"), 1)
    cast(factory, poll_id, new_relay(factory, place="kita"), 0)
    assert tally(factory, poll_id, place="kayes") == Results(counts=(0, 3), total=3)
    assert tally(factory, poll_id, place="kita") is None
    assert tally(factory, poll_id) == Results(counts=(1, 3), total=4)


def test_one_vote_each_changeable_only_if_the_poll_says_so(factory: Factory) -> None:
    fixed, changeable = poll(factory), poll(factory, changeable=True)
    who = new_relay(factory)
    assert cast(factory, fixed, who, 0).counted
    assert not cast(factory, fixed, who, 1).counted
    assert cast(factory, changeable, who, 0).counted
    assert cast(factory, changeable, who, 1).changed
    with factory() as session:
        choices = dict(session.execute(select(Vote.poll_id, Vote.choice)).all())
    assert choices == {fixed: 0, changeable: 1}


def test_no_vote_outside_the_poll_time(factory: Factory) -> None:
    poll_id = poll(factory)
    who = new_relay(factory)
    assert not cast(factory, poll_id, who, 0, now=OPENS - timedelta(minutes=1)).counted
    assert not cast(factory, poll_id, who, 0, now=OPENS + timedelta(days=1)).counted
    with factory() as session:
        assert session.scalar(select(func.count()).select_from(Vote)) == 0


def test_votes_racing_for_one_relay_count_once(factory: Factory) -> None:
    poll_id = poll(factory)
    who = new_relay(factory)
    barrier = threading.Barrier(5)

    def tap(choice: int) -> bool:
        barrier.wait(timeout=10)
        return bool(cast(factory, poll_id, who, choice).counted)

    with ThreadPoolExecutor(max_workers=5) as pool:
        counted = list(pool.map(tap, [0, 1, 0, 1, 0]))
    assert counted.count(True) == 1
    with factory() as session:
        assert session.scalar(select(func.count()).select_from(Vote)) == 1
