"""heard_from_address: the relay at an address, marked as heard from, taken from a Core
row as if the ORM had loaded it (bot.db.as_loaded): unchanged in the session, its changes
flushed like any loaded object's, and a copy the session already holds brought up to
date, as several webhooks of one group commit share one session."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from bot.db import core, unit_of_work
from bot.domain.outbox import enqueue_many
from bot.domain.relays import heard_from_address
from bot.models import Delivery, DeliveryStatus, Language, Relay, RelayStatus
from bot.outbound import Message
from tests.factories import make_relay

NOW = datetime(2026, 12, 2, 9, 30, tzinfo=UTC)


def test_the_relay_comes_back_as_stored_and_marked_heard_from(
    factory: sessionmaker[Session],
) -> None:
    with unit_of_work(factory) as session:
        made = make_relay(session, address="telegram:7001", language=Language.BM, place="kayes")
        made_id = made.id
    with unit_of_work(factory) as session:
        heard = heard_from_address(session=session, address="telegram:7001", now=NOW)
        assert heard is not None
        relay, held = heard
        assert held is False
        assert (relay.id, relay.language, relay.place) == (made_id, Language.BM, "kayes")
        assert relay.status is RelayStatus.ACTIVE
        assert relay.last_inbound_at is not None
        assert relay.last_inbound_at.replace(tzinfo=UTC) == NOW
        assert relay in session
        assert relay not in session.dirty
        assert not session.new
        assert session.get(Relay, made_id) is relay  # the session's one copy
        relay.place = "nioro"  # changed like a loaded object: flushed at commit
    with factory() as session:
        assert session.scalar(select(Relay.place).where(Relay.id == made_id)) == "nioro"


def test_no_relay_at_the_address_gives_none(factory: sessionmaker[Session]) -> None:
    with unit_of_work(factory) as session:
        assert heard_from_address(session=session, address="telegram:404", now=NOW) is None
        assert not session.identity_map


def test_a_copy_the_session_holds_takes_the_row_s_values(
    factory: sessionmaker[Session],
) -> None:
    with unit_of_work(factory) as session:
        make_relay(session, address="telegram:7002", language=Language.FR)
    with unit_of_work(factory) as session:
        heard = heard_from_address(session=session, address="telegram:7002", now=NOW)
        assert heard is not None
        first = heard.relay
        # Another statement changes the row behind the session's copy.
        core(session).execute(
            update(Relay).where(Relay.id == first.id).values(language=Language.BM)
        )
        later = NOW + timedelta(seconds=5)
        again = heard_from_address(session=session, address="telegram:7002", now=later)
        assert again is not None
        assert again.relay is first  # one object per row in a session
        assert first.language is Language.BM
        assert first.last_inbound_at is not None
        assert first.last_inbound_at.replace(tzinfo=UTC) == later
        assert first not in session.dirty


def test_it_says_whether_a_message_of_theirs_is_held(factory: sessionmaker[Session]) -> None:
    with unit_of_work(factory) as session:
        relay = make_relay(session, address="whatsapp:+22370000010")
        other = make_relay(session, address="whatsapp:+22370000011")
        for owner, status in ((relay, DeliveryStatus.HELD), (other, DeliveryStatus.QUEUED)):
            enqueue_many(
                session=session,
                messages=[("reply", f"r-{owner.id}", Message(text="Bonjour"))],
                relay=owner,
                now=NOW,
            )
            session.flush()
            core(session).execute(
                update(Delivery).where(Delivery.relay_id == owner.id).values(status=status)
            )
    with unit_of_work(factory) as session:
        held = heard_from_address(session=session, address="whatsapp:+22370000010", now=NOW)
        not_held = heard_from_address(session=session, address="whatsapp:+22370000011", now=NOW)
        assert held is not None
        assert held.held is True
        assert not_held is not None
        assert not_held.held is False
