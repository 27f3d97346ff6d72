"""STOP, as a property: whatever happens in whatever order (relays join, leave, come
back, write; broadcasts, posts, quizzes and polls go out and close), a relay who left is
sent nothing but the STOP confirmation and, each time they write, one reminder of how to
come back."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, sessionmaker

from bot.conversation.router import Router
from bot.db import unit_of_work
from bot.domain import broadcasts
from bot.domain.broadcasts import Audience
from bot.domain.campaign_store import store_campaign
from bot.models import Delivery, DeliveryStatus, Poll, Relay, RelayStatus
from scheduler.calendar import materialise_due
from tests.contest_factories import make_contest, make_poll, tick
from tests.databases import empty_tables
from tests.factories import converse, make_campaign, make_post
from tests.test_kit_today import KIT

pytestmark = [pytest.mark.faults]
Factory = sessionmaker[Session]
ZONE = ZoneInfo("Africa/Bamako")
RELAYS = ("console:stop-a", "sms:+22370008002")
REMINDER = {
    "fr": "Vous avez quitté Relais. Envoyez /start pour revenir.",
    "bm": "I bɔra Relais la. /start walima DON ci walasa ka segin.",
}
WRITES = ("/kit", "/aujourdhui", "2", "fila", "bonjour", "/resultats", "/score", "partagé")
_broadcasts = itertools.count(1)

# An action: (what, which relay, what they write).
by_a_relay = st.tuples(
    st.sampled_from(["join", "stop", "write"]), st.sampled_from(RELAYS), st.sampled_from(WRITES)
)
by_the_campaign = st.tuples(
    st.sampled_from(["broadcast", "post", "quiz", "poll", "close"]), st.just(""), st.just("")
)
actions = st.one_of(by_a_relay, by_the_campaign)


def run(factory: Factory, router: Router, action: tuple[str, str, str]) -> None:
    what, address, text = action
    now = datetime.now(UTC)
    if what == "join":
        converse(factory, router, address, "/start")
        converse(factory, router, address, choice="lang:bm" if "sms" in address else "lang:fr")
        converse(factory, router, address, choice="place:kayes")
    elif what == "stop":
        converse(factory, router, address, "STOP")
    elif what == "write":
        converse(factory, router, address, text)
    elif what == "broadcast":
        with unit_of_work(factory) as session:
            broadcast = broadcasts.create(
                session=session,
                audience=Audience(),
                texts={"fr": f"Appel {next(_broadcasts)}", "bm": "Weleli"},
                created_by="test",
                now=now,
            )
            broadcasts.start(session=session, broadcast=broadcast, now=now, zone=ZONE)
    elif what == "post":
        with unit_of_work(factory) as session:
            materialise_due(session=session, now=now)
    elif what in ("quiz", "poll"):
        (make_contest if what == "quiz" else make_poll)(factory)
        tick(factory)
    else:  # close: polls and contests end, results go out
        with unit_of_work(factory) as session:
            session.execute(update(Poll).values(closes_at=now - timedelta(seconds=1)))
        tick(factory, now + timedelta(hours=3))


def standing(factory: Factory) -> dict[str, tuple[RelayStatus, str, int]]:
    """Each relay's status, language, and the last delivery id queued for them."""
    with factory() as session:
        rows = session.execute(
            select(Relay.address, Relay.status, Relay.language, func.max(Delivery.id))
            .outerjoin(Delivery, Delivery.relay_id == Relay.id)
            .group_by(Relay.id)
        ).all()
        return {
            address: (status, language.value, last or 0) for address, status, language, last in rows
        }


def sent_since(factory: Factory, address: str, after: int) -> list[str]:
    with factory() as session:
        payloads = session.scalars(
            select(Delivery.payload)
            .join(Relay, Relay.id == Delivery.relay_id)
            .where(Relay.address == address, Delivery.id > after)
            .order_by(Delivery.id)
        ).all()
    return [str(payload.get("text", "")) for payload in payloads]


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(story=st.lists(actions, min_size=1, max_size=10))
def test_a_stopped_relay_gets_only_the_confirmation_and_reminders(
    database_url: str, factory: Factory, router: Router, story: list[tuple[str, str, str]]
) -> None:
    empty_tables(database_url)
    day = datetime.now(UTC).astimezone(ZONE).date()
    with unit_of_work(factory) as session:
        posts = [make_post(id=f"jour-{n}", day=day, at=time(0, 0)) for n in range(2)]
        store_campaign(
            session=session,
            campaign=make_campaign(*posts, kit=KIT, start=day, end=day),
            now=datetime.now(UTC),
        )
    for action in story:
        before = standing(factory)
        run(factory, router, action)
        after = standing(factory)
        for address, (status, language, _) in after.items():
            if status is not RelayStatus.STOPPED:
                continue
            was = before.get(address)
            new = sent_since(factory, address, was[2] if was else 0)
            if was is None or was[0] is not RelayStatus.STOPPED:
                assert len(new) == 1, (action, new)  # the STOP confirmation
            elif action[0] in ("join", "stop", "write") and action[1] == address:
                assert action[0] != "join"
                expected = [REMINDER[language]] if action[0] == "write" else new[:1]
                assert new == expected, (action, new)
            else:
                assert new == [], (action, new)
    with factory() as session:  # nothing for a stopped relay waits to go but what they asked
        waiting = session.execute(
            select(Relay.address, Delivery.payload)
            .join(Delivery, Delivery.relay_id == Relay.id)
            .where(
                Relay.status == RelayStatus.STOPPED,
                Delivery.status.in_([DeliveryStatus.QUEUED, DeliveryStatus.HELD]),
                Delivery.source_kind != "reply",
            )
        ).all()
    assert waiting == []
