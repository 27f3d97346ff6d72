"""What relays do with the messages they receive: reactions, replies that quote one,
"I shared it" by button or by word, and how widely — kept once, tied to the delivery."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.channels.telegram.updates import parse_update
from bot.channels.twilio.forms import parse_message
from bot.conversation.inbound import receive
from bot.conversation.router import Router
from bot.conversation.values import Choice, ChoiceKind, Inbound
from bot.db import unit_of_work
from bot.domain.campaign_store import store_campaign
from bot.domain.outbox import enqueue
from bot.domain.posts import post_message
from bot.models import (
    ConversationState,
    Delivery,
    DeliveryStatus,
    InboundMessage,
    Interaction,
    PostRow,
    Relay,
)
from bot.outbound import Message, Option, from_json
from tests.factories import make_campaign, make_delivery, make_post, make_relay

Factory = sessionmaker[Session]
_ids = itertools.count(1)


def sent_post(
    factory: Factory, relay_id: int, post_ref: str, platform_id: str, age: timedelta
) -> int:
    """A post the worker sent to this relay `age` ago, which the platform calls `platform_id`."""
    with unit_of_work(factory) as session:
        relay = session.get_one(Relay, relay_id)
        text = Message("Les sessions du conseil communal sont publiques.")
        delivery_id = make_delivery(session, relay, text, ref=post_ref)
        delivery = session.get_one(Delivery, delivery_id)
        delivery.status = DeliveryStatus.SENT
        delivery.sent_at = datetime.now(UTC) - age
        delivery.platform_message_id = platform_id
        return delivery_id


def send(factory: Factory, router: Router, inbound: Inbound) -> list[dict[str, Any]]:
    """One inbound through the conversation; the payloads of the replies it queued."""
    with unit_of_work(factory) as session:
        before = session.scalar(select(Delivery.id).order_by(Delivery.id.desc())) or 0
    with unit_of_work(factory) as session:
        receive(
            session=session,
            router=router,
            channel=inbound.channel,
            platform_message_id=f"in-{next(_ids)}",
            inbound=inbound,
            raw={},
            now=datetime.now(UTC),
        )
    with factory() as session:
        rows = session.scalars(select(Delivery).where(Delivery.id > before).order_by(Delivery.id))
        return [row.payload for row in rows]


def acts(factory: Factory) -> list[tuple[str, str, str | None, int | None]]:
    with factory() as session:
        rows = session.scalars(select(Interaction).order_by(Interaction.id))
        return [(row.kind.value, row.source_ref, row.detail, row.weight) for row in rows]


def a_relay(factory: Factory, address: str) -> int:
    with unit_of_work(factory) as session:
        return make_relay(session, address=address, channel=address.partition(":")[0]).id


def test_a_reaction_is_kept_once_per_emoji_and_never_answered(
    factory: Factory, router: Router
) -> None:
    relay = a_relay(factory, "telegram:801")
    sent_post(factory, relay, "7", "501", timedelta(hours=2))
    for emoji in (("👍",), ("👍",), ("👍", "❤")):  # a replay, then a second emoji
        assert (
            send(factory, router, Inbound("telegram:801", replied_to="501", reaction=emoji)) == []
        )
    assert send(factory, router, Inbound("telegram:801", replied_to="999", reaction=("👍",))) == []
    assert acts(factory) == [("reaction", "7", "👍", None), ("reaction", "7", "❤", None)]
    with factory() as session:
        kinds = session.scalars(select(InboundMessage.kind)).all()
    assert kinds == ["reaction"] * 4


def test_a_reply_quoting_a_post_is_kept_and_still_answered(
    factory: Factory, router: Router
) -> None:
    relay = a_relay(factory, "telegram:802")
    sent_post(factory, relay, "8", "601", timedelta(hours=1))
    replies = send(factory, router, Inbound("telegram:802", text="Très juste !", replied_to="601"))
    assert replies  # the conversation still answers what they wrote
    assert acts(factory) == [("reply", "8", None, None)]


def test_the_share_button_then_how_widely(factory: Factory, router: Router) -> None:
    relay = a_relay(factory, "telegram:803")
    sent_post(factory, relay, "9", "701", timedelta(minutes=30))
    [question] = send(
        factory, router, Inbound("telegram:803", choice=Choice(ChoiceKind.SHARE, "9"))
    )
    asked = from_json(question)
    assert isinstance(asked, Message)
    assert [option.data for option in asked.options] == ["reach:9.1", "reach:9.2", "reach:9.6"]
    assert acts(factory) == [("share", "9", None, None)]
    send(factory, router, Inbound("telegram:803", choice=Choice(ChoiceKind.SHARE, "9")))  # again
    send(factory, router, Inbound("telegram:803", choice=Choice(ChoiceKind.REACH, "9.2")))
    assert acts(factory) == [("share", "9", "2 to 5", 2)]
    with factory() as session:
        assert session.get_one(Relay, relay).state is None


def test_a_typed_share_goes_to_the_quoted_post_or_else_the_latest(
    factory: Factory, router: Router
) -> None:
    address = "whatsapp:+22370008004"
    relay = a_relay(factory, address)
    sent_post(factory, relay, "10", "SM" + "a" * 32, timedelta(hours=30))
    sent_post(factory, relay, "11", "SM" + "b" * 32, timedelta(hours=5))
    sent_post(factory, relay, "12", "SM" + "c" * 32, timedelta(hours=60))  # too old to guess
    send(factory, router, Inbound(address, text="Partagé", replied_to="SM" + "a" * 32))
    send(factory, router, Inbound(address, text="3"))  # "more than 5", typed
    send(factory, router, Inbound(address, text="J'ai partagé !"))
    send(factory, router, Inbound(address, text="/score"))  # how widely is optional
    assert acts(factory) == [("share", "10", "more than 5", 6), ("share", "11", None, None)]
    with factory() as session:
        assert session.get_one(Relay, relay).state is None


def test_a_share_word_with_no_recent_post_gets_a_hint(factory: Factory, router: Router) -> None:
    relay = a_relay(factory, "sms:+22370008005")
    sent_post(factory, relay, "13", "SM" + "d" * 32, timedelta(days=3))
    [hint] = send(factory, router, Inbound("sms:+22370008005", text="N y'a ci"))
    assert "PARTAGÉ" in hint["text"]
    assert acts(factory) == []
    with factory() as session:
        assert session.get_one(Relay, relay).state is not ConversationState.SHARE_REACH


def test_platforms_say_what_a_message_answers_or_reacts_to() -> None:
    reaction = parse_update(
        {
            "update_id": 90,
            "message_reaction": {
                "chat": {"id": 804, "type": "private"},
                "message_id": 501,
                "user": {"id": 804, "is_bot": False, "first_name": "Awa"},
                "date": 1764547200,
                "old_reaction": [],
                "new_reaction": [{"type": "emoji", "emoji": "🔥"}],
            },
        }
    )
    assert reaction.inbound == Inbound("telegram:804", replied_to="501", reaction=("🔥",))
    reply = parse_update(
        {
            "update_id": 91,
            "message": {
                "message_id": 3,
                "date": 1764547200,
                "chat": {"id": 804, "type": "private"},
                "from": {"id": 804, "is_bot": False, "first_name": "Awa"},
                "text": "Merci",
                "reply_to_message": {
                    "message_id": 501,
                    "date": 1764540000,
                    "chat": {"id": 804, "type": "private"},
                    "text": "Les sessions sont publiques.",
                },
            },
        }
    )
    assert reply.inbound is not None
    assert reply.inbound.replied_to == "501"
    form = {
        "MessageSid": "SM" + "e" * 32,
        "From": "whatsapp:+22370008004",
        "Body": "Partagé",
        "OriginalRepliedMessageSid": "SM" + "a" * 32,
        "AccountSid": "AC" + "0" * 32,
        "To": "whatsapp:+22370000000",
    }
    parsed = parse_message(form, account_sid=form["AccountSid"], senders={form["To"]})
    assert parsed.inbound.replied_to == "SM" + "a" * 32


def test_the_share_button_shows_where_buttons_do_not_travel(factory: Factory) -> None:
    share = Option("✅ J'ai partagé", "share:9")
    post = Message("Les sessions sont publiques.", "fr", share=share)
    assert from_json({**post_json(post)}) == post


def post_json(message: Message) -> dict[str, Any]:
    from bot.outbound import to_json

    return to_json(message)


def test_a_post_sent_again_by_aujourdhui_is_shared_as_the_post(
    factory: Factory, router: Router
) -> None:
    now = datetime.now(UTC)
    with unit_of_work(factory) as session:
        store_campaign(session=session, campaign=make_campaign(make_post(id="j09")), now=now)
        post = session.scalars(select(PostRow).where(PostRow.slug == "j09")).one()
        relay = make_relay(session, address="telegram:806", channel="telegram")
        again = post_message(post, post.campaign, "fr")
        assert again is not None
        resent = enqueue(
            session=session, source_kind="reply", source_ref="7.0", message=again, relay=relay
        )
        session.get_one(Delivery, resent).status = DeliveryStatus.SENT
        post_id = str(post.id)
    assert again.share is not None
    pressed = Choice.unpack(again.share.data)
    assert pressed == Choice(ChoiceKind.SHARE, post_id)
    send(factory, router, Inbound("telegram:806", choice=pressed))
    send(factory, router, Inbound("telegram:806", choice=Choice(ChoiceKind.REACH, f"{post_id}.2")))
    assert acts(factory) == [("share", post_id, "2 to 5", 2)]
    with factory() as session:
        [share] = session.scalars(select(Interaction)).all()
        assert (share.source_kind, share.delivery_id) == ("post", resent)
