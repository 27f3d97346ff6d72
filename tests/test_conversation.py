"""The conversation without HTTP: inbound values in, queued payloads and rows out."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from bot.conversation.inbound import receive
from bot.conversation.router import Router
from bot.conversation.values import Inbound
from bot.db import unit_of_work
from bot.models import (
    ConversationState,
    Delivery,
    DeliveryStatus,
    InboundMessage,
    Language,
    RelayStatus,
)
from tests.factories import converse, existing_relay, make_delivery, make_relay, relay_at

Factory = sessionmaker[Session]
ADDRESS = "console:awa-phone"


def options(payload: dict[str, object]) -> list[str]:
    return [option["data"] for option in payload["options"]]  # type: ignore[attr-defined]


def reply(
    factory: Factory, router: Router, text: str | None = None, *, choice: str | None = None
) -> str:
    """The text of the one message the bot answers to ADDRESS."""
    [payload] = converse(factory, router, ADDRESS, text, choice=choice)
    return str(payload["text"])


def join_in_bambara(factory: Factory, router: Router, address: str = ADDRESS) -> None:
    converse(factory, router, address, "/start", name="Awa Traoré")
    converse(factory, router, address, choice="lang:bm")
    converse(factory, router, address, choice="place:kayes")


def test_newcomer_picks_bambara_and_place_then_is_spoken_to_in_bambara(
    factory: Factory, router: Router
) -> None:
    [welcome] = converse(factory, router, ADDRESS, "/start", name="Awa Traoré")
    assert "I bisimila" in welcome["text"]
    assert "Bienvenue" in welcome["text"]
    assert options(welcome) == ["lang:bm", "lang:fr"]
    relay = existing_relay(factory, ADDRESS)
    assert relay.status is RelayStatus.ACTIVE
    assert relay.consent_at is not None
    assert relay.state is ConversationState.LANGUAGE
    assert relay.display_name == "Awa Traoré"

    [place] = converse(factory, router, ADDRESS, choice="lang:bm")
    assert place["text"].startswith("I sigilen bɛ min?")
    assert "place:kayes" in options(place)
    assert "place:autre" in options(place)

    [done] = converse(factory, router, ADDRESS, choice="place:kayes")
    relay = existing_relay(factory, ADDRESS)
    assert relay.referral_code
    assert relay.language is Language.BM
    assert relay.place == "kayes"
    assert relay.state is None
    assert "I bisimila kampaɲi ka relaw cɛma" in done["text"]
    assert relay.referral_code in done["text"]

    # What a joined relay writes is for the team, acknowledged in their language; a lone
    # number with no question waiting is not understood.
    [kept] = converse(factory, router, ADDRESS, "bonjour")
    assert kept["text"].startswith("I ni ce! I ka cikan sera")
    [unknown] = converse(factory, router, ADDRESS, "4")
    assert unknown["text"].startswith("N ma o faamu")


def test_language_switch_by_typed_label_and_number(factory: Factory, router: Router) -> None:
    join_in_bambara(factory, router)
    [prompt] = converse(factory, router, ADDRESS, "/langue")
    assert options(prompt) == ["lang:bm", "lang:fr"]
    done = reply(factory, router, "français")
    assert done == "C'est fait\u00a0: je vous écrirai désormais en Français."
    relay = existing_relay(factory, ADDRESS)
    assert relay.language is Language.FR

    converse(factory, router, ADDRESS, "KAN")
    converse(factory, router, ADDRESS, "1.")
    relay = existing_relay(factory, ADDRESS)
    assert relay.language is Language.BM


def test_place_by_number_and_a_hint_for_anything_else(factory: Factory, router: Router) -> None:
    converse(factory, router, ADDRESS, "/start")
    converse(factory, router, ADDRESS, choice="lang:fr")
    hint, again = converse(factory, router, ADDRESS, "je ne sais pas")
    assert hint["text"].startswith("Choisissez l'une des options")
    assert again["text"].startswith("Où habitez-vous")
    converse(factory, router, ADDRESS, "2")
    relay = existing_relay(factory, ADDRESS)
    assert relay.place == "bafoulabe"
    assert relay.state is None


def test_stop_words_leave_at_once_and_cancel_what_was_queued(
    factory: Factory, router: Router
) -> None:
    for number, word in enumerate(["STOP", "Arrêt", "/stop", "jɔ", "ARRET"]):
        address = f"console:stopper-{number}"
        join_in_bambara(factory, router, address)
        with unit_of_work(factory) as session:
            relay = existing_relay(factory, address)
            make_delivery(session, session.merge(relay), {"text": "post"}, ref="day-1")
        [confirmation] = converse(factory, router, address, word)
        assert confirmation["text"].startswith("I bɔra Relais la")
        relay = existing_relay(factory, address)
        assert relay.status is RelayStatus.STOPPED
        assert relay.stopped_at
        with factory() as session:
            post = session.scalars(
                select(Delivery).where(
                    Delivery.relay_id == relay.id, Delivery.source_kind == "post"
                )
            ).one()
            assert post.status is DeliveryStatus.CANCELLED


def test_a_stopped_relay_is_told_how_to_return_and_can_rejoin(
    factory: Factory, router: Router
) -> None:
    join_in_bambara(factory, router)
    converse(factory, router, ADDRESS, "stop")
    reminder = reply(factory, router, "i ni ce")
    assert reminder == "I bɔra Relais la. /start walima DON ci walasa ka segin."
    assert reply(factory, router, "DON").startswith("I bisimila tugun")
    relay = existing_relay(factory, ADDRESS)
    assert relay.status is RelayStatus.ACTIVE
    assert relay.stopped_at is None


def test_a_sentence_with_stop_in_it_does_not_stop(factory: Factory, router: Router) -> None:
    join_in_bambara(factory, router)
    converse(factory, router, ADDRESS, "stop à la violence")
    relay = existing_relay(factory, ADDRESS)
    assert relay.status is RelayStatus.ACTIVE


def test_help_in_the_relays_language(factory: Factory, router: Router) -> None:
    join_in_bambara(factory, router)
    [help_bm] = converse(factory, router, ADDRESS, "DƐMƐ")
    assert "/langue walima KAN" in help_bm["text"]
    assert "STOP walima JƆ" in help_bm["text"]
    converse(factory, router, ADDRESS, "/langue")
    converse(factory, router, ADDRESS, choice="lang:fr")
    assert reply(factory, router, "aide").startswith("Voici ce que je comprends")


def test_erasure_needs_confirmation_and_keeps_only_anonymous_counts(
    factory: Factory, router: Router
) -> None:
    join_in_bambara(factory, router)
    converse(factory, router, ADDRESS, "/supprimer")
    assert reply(factory, router, "ayi") == "Foyi ma jɔsi."
    relay = existing_relay(factory, ADDRESS)
    assert relay.status is RelayStatus.ACTIVE
    relay_id = relay.id

    [prompt] = converse(factory, router, ADDRESS, "/supprimer")
    assert options(prompt) == ["erase:yes", "erase:no"]
    assert reply(factory, router, choice="erase:yes").startswith("I ka kunnafoniw jɔsira")

    assert relay_at(factory, ADDRESS) is None
    with factory() as session:
        from bot.models import Relay

        erased = session.get_one(Relay, relay_id)
        assert erased.status is RelayStatus.ERASED
        assert erased.erased_at is not None
        assert erased.address == f"erased:{relay_id}"
        assert erased.display_name is None
        assert erased.referral_code is None
        assert erased.language is Language.BM
        assert erased.place == "kayes"
        leftovers = session.scalar(
            select(func.count())
            .select_from(InboundMessage)
            .where(InboundMessage.relay_id == relay_id, InboundMessage.payload.is_not(None))
        )
        assert leftovers == 0
        farewell_row = session.scalars(
            select(Delivery).where(Delivery.relay_id == relay_id).order_by(Delivery.id.desc())
        ).first()
        assert farewell_row is not None
        assert farewell_row.address == ADDRESS
        earlier = session.scalars(
            select(Delivery).where(Delivery.relay_id == relay_id, Delivery.id < farewell_row.id)
        ).all()
        assert earlier
        assert all(row.payload == {} and row.address is None for row in earlier)

    # The same phone can join again, as a new relay.
    [welcome] = converse(factory, router, ADDRESS, "/start")
    assert options(welcome) == ["lang:bm", "lang:fr"]
    again = existing_relay(factory, ADDRESS)
    assert again.id != relay_id


def test_referral_code_records_who_invited(factory: Factory, router: Router) -> None:
    with unit_of_work(factory) as session:
        ambassador = make_relay(session, referral_code="K7P2QX")
        ambassador_id = ambassador.id
    converse(factory, router, "console:friend", "/start k7p2qx")
    converse(factory, router, "console:stranger", "/start NOPE42")
    friend = relay_at(factory, "console:friend")
    stranger = relay_at(factory, "console:stranger")
    assert friend is not None
    assert friend.referred_by_id == ambassador_id
    assert stranger is not None
    assert stranger.referred_by_id is None


def test_someone_who_has_not_joined_is_invited_in_both_languages(
    factory: Factory, router: Router
) -> None:
    [invitation] = converse(factory, router, ADDRESS, "bonjour")
    assert "I ni ce! Ne ye Relais ye" in invitation["text"]
    assert "Bonjour\u00a0! Je suis Relais" in invitation["text"]
    assert relay_at(factory, ADDRESS) is None
    [nothing] = converse(factory, router, ADDRESS, choice="lang:bm")
    assert "Ne ye Relais ye" in nothing["text"]
    assert relay_at(factory, ADDRESS) is None


def receive_start(
    factory: Factory, router: Router, address: str, message_id: str, raw: dict[str, object]
) -> bool:
    """Receive "/start" from `address` under this platform message id: whether it was new."""
    with unit_of_work(factory) as session:
        return receive(
            session=session,
            router=router,
            channel=address.partition(":")[0],
            platform_message_id=message_id,
            inbound=Inbound(address=address, text="/start"),
            raw=raw,
            now=datetime.now(UTC),
        )


def stored(factory: Factory) -> tuple[int | None, int | None]:
    """How many inbound messages and how many deliveries the database holds."""
    with factory() as session:
        count = select(func.count())
        return (
            session.scalar(count.select_from(InboundMessage)),
            session.scalar(count.select_from(Delivery)),
        )


def test_a_replayed_message_changes_nothing(factory: Factory, router: Router) -> None:
    assert receive_start(factory, router, ADDRESS, "same-id", {"text": "/start"}) is True
    assert receive_start(factory, router, ADDRESS, "same-id", {"text": "/start"}) is False
    assert stored(factory) == (1, 1)


def test_joining_twice_says_since_when_in_the_relays_language(
    factory: Factory, router: Router
) -> None:
    join_in_bambara(factory, router)
    relay = existing_relay(factory, ADDRESS)
    assert relay.consent_at is not None
    [already] = converse(factory, router, ADDRESS, "/start")
    local = relay.consent_at.astimezone(ZoneInfo("Africa/Bamako"))
    assert already["text"].startswith(f"I kɛra kampaɲi ka rela ye kabini {local.day} ")
    assert str(local.year) in already["text"]
    with factory() as session:
        texts = session.scalars(select(InboundMessage.text).order_by(InboundMessage.id)).all()
    assert texts[:3] == ["/start", "lang:bm", "place:kayes"]  # a pressed button is kept too


def test_the_same_message_arriving_twice_at_once_is_handled_once(
    factory: Factory, router: Router
) -> None:
    barrier = threading.Barrier(6)

    def deliver() -> bool:
        barrier.wait(timeout=10)
        return receive_start(factory, router, "telegram:31", "race-1", {"update_id": 1})

    with ThreadPoolExecutor(max_workers=6) as pool:
        results = list(pool.map(lambda _: deliver(), range(6)))
    assert sorted(results) == [False] * 5 + [True]
    assert stored(factory) == (1, 1)
