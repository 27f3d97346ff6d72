"""What relays write to the team, in the chat: kept in the inbox, acknowledged once per
unanswered thread; answers typed during a quiz still get their hint."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.conversation.inbound import receive
from bot.conversation.router import Router
from bot.conversation.values import Inbound, Media, MediaKind
from bot.db import unit_of_work
from bot.domain import inbox
from bot.domain.contests.typed_answers import looks_like_answer
from bot.models import Answer, InboundMedia, InboundMessage, InboxEntry, InboxReply
from tests.contest_factories import make_contest, tick
from tests.factories import converse, existing_relay

Factory = sessionmaker[Session]
ADDRESS = "whatsapp:+22370009001"
ACK_FR = "Merci\u00a0! Votre message est bien parvenu à l'équipe de la campagne."


def join(factory: Factory, router: Router, address: str = ADDRESS, language: str = "fr") -> int:
    converse(factory, router, address, "/start", name="Awa Traoré")
    converse(factory, router, address, choice=f"lang:{language}")
    converse(factory, router, address, choice="place:kayes")
    return existing_relay(factory, address).id


def kept(factory: Factory) -> list[tuple[int, str | None, bool]]:
    """(relay, text, answered) of every inbox entry, oldest first."""
    with factory() as session:
        rows = session.execute(
            select(InboxEntry.relay_id, InboundMessage.text, InboxEntry.answered_at)
            .join(InboundMessage, InboundMessage.id == InboxEntry.inbound_id)
            .order_by(InboxEntry.id)
        )
        return [(relay, text, answered is not None) for relay, text, answered in rows]


def test_free_text_is_kept_and_acknowledged_once_per_thread(
    factory: Factory, router: Router
) -> None:
    relay = join(factory, router)
    [ack] = converse(factory, router, ADDRESS, "Quand est la prochaine réunion ?")
    assert ack["text"].startswith(ACK_FR)
    # A second message while the first waits for an answer: kept, no second "received".
    assert converse(factory, router, ADDRESS, "Et où ?") == []
    assert kept(factory) == [
        (relay, "Quand est la prochaine réunion ?", False),
        (relay, "Et où ?", False),
    ]
    with unit_of_work(factory) as session:
        last = session.scalars(select(InboxEntry.id).order_by(InboxEntry.id.desc())).first()
        assert last is not None
        inbox.reply(
            session=session,
            entry_id=last,
            login="awa",
            text="Samedi, à la mairie.",
            voice=None,
            now=datetime.now(UTC),
        )
    assert [answered for *_, answered in kept(factory)] == [True, True]  # the whole thread
    # Answered: the next message opens a new thread, acknowledged again.
    [again] = converse(factory, router, ADDRESS, "Merci beaucoup")
    assert again["text"].startswith(ACK_FR)


def test_someone_who_has_not_joined_is_invited_not_kept(factory: Factory, router: Router) -> None:
    [invite] = converse(factory, router, "telegram:9009", "bonjour")
    assert "/start" in invite["text"]
    assert kept(factory) == []


def test_a_lone_number_with_nothing_waiting_is_not_for_the_team(
    factory: Factory, router: Router
) -> None:
    join(factory, router)
    [unknown] = converse(factory, router, ADDRESS, "2")
    assert "/aide" in unknown["text"]
    assert kept(factory) == []


def test_during_a_quiz_only_what_looks_like_an_answer_gets_the_hint(
    factory: Factory, router: Router
) -> None:
    relay = join(factory, router)
    make_contest(factory)
    tick(factory)
    [ack] = converse(factory, router, ADDRESS, "stop à la violence")
    assert ack["text"].startswith(ACK_FR)
    assert "Pour répondre à la question" not in ack["text"]
    assert kept(factory) == [(relay, "stop à la violence", False)]
    for attempt in ("7", "g", "réponse 9", "le conseil comunal"):
        replies = converse(factory, router, ADDRESS, attempt)
        assert [r["text"][:30] for r in replies] == ["Pour répondre à la question 1 "], attempt
    assert len(kept(factory)) == 1  # hints are not kept for the team
    converse(factory, router, ADDRESS, "2")
    with factory() as session:
        assert session.scalars(select(Answer.choice)).all() == [1]


def test_a_voice_note_is_a_testimony_in_the_inbox(factory: Factory, router: Router) -> None:
    relay = join(factory, router, "telegram:9010", language="bm")
    inbound = Inbound(
        address="telegram:9010",
        media=(Media(MediaKind.VOICE, "telegram-file:VOICE-1", "audio/ogg"),),
    )
    with unit_of_work(factory) as session:
        receive(
            session=session,
            router=router,
            channel="telegram",
            platform_message_id="voice-1",
            inbound=inbound,
            raw={},
            now=datetime.now(UTC),
        )
    assert kept(factory) == [(relay, None, False)]
    with factory() as session:
        [media] = session.scalars(select(InboundMedia)).all()
        entry = session.scalars(select(InboxEntry)).one()
        assert media.inbound_id == entry.inbound_id
        assert media.kind == "voice"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("7", True),
        ("B", True),
        ("wooro", True),
        ("c'est la 3", True),
        ("Le conseil", True),
        ("conseil comunal", True),
        ("stop à la violence", False),
        ("n'sɔn tɛ", False),
        ("Quand est la prochaine réunion ?", False),
        ("Il y a 3 réunions cette semaine à Kayes", False),
        ("", False),
    ],
)
def test_what_looks_like_an_answer(text: str, expected: bool) -> None:
    choices = [{"fr": "Le gouverneur"}, {"fr": "Le conseil communal"}, {"fr": "Le préfet"}]
    assert looks_like_answer(text, choices) is expected


def test_erasing_oneself_deletes_what_one_wrote_to_the_team(
    factory: Factory, router: Router
) -> None:
    join(factory, router)
    converse(factory, router, ADDRESS, "Voici mon témoignage")
    with unit_of_work(factory) as session:
        entry = session.scalars(select(InboxEntry.id)).one()
        inbox.reply(
            session=session,
            entry_id=entry,
            login="awa",
            text="Merci",
            voice=None,
            now=datetime.now(UTC),
        )
    converse(factory, router, ADDRESS, "/supprimer")
    converse(factory, router, ADDRESS, choice="erase:yes")
    with factory() as session:
        assert session.scalars(select(InboxEntry)).all() == []
        assert session.scalars(select(InboxReply)).all() == []
