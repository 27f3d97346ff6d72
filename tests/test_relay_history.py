"""A relay's history: every change in their standing is kept, with their channel,
language and place at that moment, and survives their erasure."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.conversation.router import Router
from bot.db import unit_of_work
from bot.domain.relays import mark_unreachable
from bot.models import RelayEvent, RelayEventKind
from tests.factories import converse, existing_relay, relay_at

Factory = sessionmaker[Session]
ADDRESS = "telegram:5501"


def history(factory: Factory, relay_id: int) -> list[tuple[str, str, str, str | None]]:
    with factory() as session:
        events = session.scalars(
            select(RelayEvent).where(RelayEvent.relay_id == relay_id).order_by(RelayEvent.id)
        )
        return [(e.kind.value, e.channel, e.language, e.place) for e in events]


def test_joining_stopping_coming_back_and_erasure_are_kept(
    factory: Factory, router: Router
) -> None:
    converse(factory, router, ADDRESS, "/start")
    converse(factory, router, ADDRESS, choice="lang:bm")
    relay = existing_relay(factory, ADDRESS)
    assert history(factory, relay.id) == []  # no place yet: not joined
    converse(factory, router, ADDRESS, choice="place:kita")
    converse(factory, router, ADDRESS, choice="place:kayes")  # a move is not a join
    converse(factory, router, ADDRESS, "STOP")
    converse(factory, router, ADDRESS, "STOP")  # stopping twice is one stop
    converse(factory, router, ADDRESS, "/start")
    with unit_of_work(factory) as session:
        again = existing_relay(factory, ADDRESS)
        target = session.get_one(type(again), again.id)
        mark_unreachable(session=session, relay=target, reason="blocked", now=datetime.now(UTC))
    converse(factory, router, ADDRESS, "I ni ce")  # they unblocked the bot and wrote
    converse(factory, router, ADDRESS, "/supprimer")
    converse(factory, router, ADDRESS, choice="erase:yes")
    kinds = [
        RelayEventKind.JOINED,
        RelayEventKind.STOPPED,
        RelayEventKind.REJOINED,
        RelayEventKind.UNREACHABLE,
        RelayEventKind.REACHABLE,
        RelayEventKind.ERASED,
    ]
    assert history(factory, relay.id) == [
        (kind.value, "telegram", "bm", "kita" if kind is RelayEventKind.JOINED else "kayes")
        for kind in kinds
    ]
    assert relay_at(factory, ADDRESS) is None  # the person is gone, their history stays
