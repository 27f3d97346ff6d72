"""/diffuser: an organiser broadcasts from the chat; anyone else is politely refused."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.conversation.inbound import receive
from bot.conversation.router import Router
from bot.conversation.values import Inbound, Media, MediaKind
from bot.db import unit_of_work
from bot.models import Broadcast, BroadcastState, Delivery, Language, Relay, Role
from tests.factories import converse, make_relay

Factory = sessionmaker[Session]
ORGANISER = "console:awa-organiser"


def organiser(factory: Factory) -> None:
    with unit_of_work(factory) as session:
        make_relay(session, address=ORGANISER, role=Role.ORGANISER, place="kayes")
        make_relay(session, address="console:fr-kayes", language=Language.FR, place="kayes")
        make_relay(session, address="console:bm-kayes", language=Language.BM, place="kayes")
        make_relay(session, address="console:bm-kita", language=Language.BM, place="kita")


def broadcast_payloads(factory: Factory) -> dict[str, dict[str, object]]:
    with factory() as session:
        rows = session.execute(
            select(Relay.address, Delivery.payload)
            .join(Delivery, Delivery.relay_id == Relay.id)
            .where(Delivery.source_kind == "broadcast")
        )
        return {address: payload for address, payload in rows}


def test_only_organisers_may_broadcast(factory: Factory, router: Router) -> None:
    organiser(factory)
    [refusal] = converse(factory, router, "console:fr-kayes", "/diffuser")
    assert refusal["text"].startswith("Seuls les organisateurs")
    with factory() as session:
        assert session.scalars(select(Broadcast)).all() == []


def test_audience_texts_preview_then_oui(factory: Factory, router: Router) -> None:
    organiser(factory)
    [audience] = converse(factory, router, ORGANISER, "DIFFUSER")
    assert [o["data"] for o in audience["options"]] == [
        "aud:all",
        "aud:language=fr",
        "aud:language=bm",
        "aud:place=kayes",
    ]
    [french] = converse(factory, router, ORGANISER, choice="aud:place=kayes")
    assert french["text"].startswith("Écrivez le message en français")
    converse(factory, router, ORGANISER, "Session publique du conseil samedi à 10 h !")
    [preview] = converse(factory, router, ORGANISER, "Sibiridon lajɛ bɛ kɛ lɛrɛ 10!")
    assert "3 relais le recevront\u00a0: 2 en français, 1 en bambara" in preview["text"]
    assert broadcast_payloads(factory) == {}  # nothing before OUI
    [sent] = converse(factory, router, ORGANISER, "oui")
    assert sent["text"].startswith("Envoyé")
    payloads = broadcast_payloads(factory)
    assert sorted(payloads) == ["console:awa-organiser", "console:bm-kayes", "console:fr-kayes"]
    assert payloads["console:bm-kayes"]["text"] == "Sibiridon lajɛ bɛ kɛ lɛrɛ 10!"
    with factory() as session:
        assert session.scalars(select(Broadcast.state)).one() is BroadcastState.SENDING


def test_a_bambara_voice_note_and_a_typed_filter(factory: Factory, router: Router) -> None:
    organiser(factory)
    converse(factory, router, ORGANISER, "/diffuser")
    converse(factory, router, ORGANISER, "language=bm")
    converse(factory, router, ORGANISER, "-")
    voice = Media(MediaKind.VOICE, "telegram-file:AwACAgQ", "audio/ogg")
    with unit_of_work(factory) as session:
        receive(
            session=session,
            router=router,
            channel="console",
            platform_message_id="voice-1",
            inbound=Inbound(address=ORGANISER, media=(voice,)),
            raw={},
            now=datetime.now(UTC),
        )
    with factory() as session:
        organiser_id = session.scalars(select(Relay.id).where(Relay.address == ORGANISER)).one()
        last = select(Delivery.payload).where(Delivery.relay_id == organiser_id)
        preview = session.scalars(last.order_by(Delivery.id.desc())).first()
    assert preview is not None
    assert "Bambara\u00a0: 🎤" in preview["text"]
    assert "2 relais le recevront\u00a0: 0 en français, 2 en bambara" in preview["text"]
    converse(factory, router, ORGANISER, choice="bcast:yes")
    payloads = broadcast_payloads(factory)
    assert sorted(payloads) == ["console:bm-kayes", "console:bm-kita"]
    assert payloads["console:bm-kita"]["media"] == {"kind": "voice", "url": "telegram-file:AwACAgQ"}


def test_non_cancels_and_sends_nothing(factory: Factory, router: Router) -> None:
    organiser(factory)
    converse(factory, router, ORGANISER, "/diffuser")
    converse(factory, router, ORGANISER, choice="aud:all")
    converse(factory, router, ORGANISER, "Bonjour")
    converse(factory, router, ORGANISER, "I ni ce")
    [cancelled] = converse(factory, router, ORGANISER, choice="bcast:no")
    assert cancelled["text"] == "Rien n'a été envoyé."
    assert broadcast_payloads(factory) == {}
    with factory() as session:
        assert session.scalars(select(Broadcast.state)).one() is BroadcastState.CANCELLED
