"""/diffuser in quiet hours: the organiser is told when it will go out, and it waits."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.conversation.router import Router
from bot.db import unit_of_work
from bot.models import Broadcast, BroadcastState, Delivery, Language, Role
from tests.factories import converse, make_relay
from tests.quiet_campaign import add_campaign, quiet_now

ORGANISER = "console:awa-organiser"


def test_a_chat_broadcast_in_quiet_hours_waits(
    factory: sessionmaker[Session], router: Router
) -> None:
    with unit_of_work(factory) as session:
        make_relay(session, address=ORGANISER, role=Role.ORGANISER, place="kayes")
        make_relay(session, address="console:fr-kayes", language=Language.FR, place="kayes")
    quiet = quiet_now()
    add_campaign(factory, quiet=quiet)
    converse(factory, router, ORGANISER, "DIFFUSER")
    converse(factory, router, ORGANISER, choice="aud:all")
    converse(factory, router, ORGANISER, "Session publique samedi !")
    [preview] = converse(factory, router, ORGANISER, "Sibiridon lajɛ!")
    assert "heures de silence" in preview["text"]  # the preview says it will wait
    [told] = converse(factory, router, ORGANISER, "oui")
    assert told["text"].startswith("Ce sont les heures de silence")
    assert quiet["end"] in told["text"]
    with factory() as session:
        assert session.scalars(select(Broadcast.state)).one() is BroadcastState.SCHEDULED
        assert (
            session.scalars(select(Delivery).where(Delivery.source_kind == "broadcast")).all() == []
        )
