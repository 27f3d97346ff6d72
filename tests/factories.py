"""Test factories with defaults and overrides: relays, deliveries, Telegram updates,
conversations."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.conversation.inbound import receive
from bot.conversation.router import Router
from bot.conversation.values import Choice, Inbound
from bot.db import unit_of_work
from bot.domain.outbox import enqueue
from bot.models import Delivery, InboundMessage, Language, Relay, RelayStatus
from bot.outbound import Outbound, from_json
from content.model import Campaign, Kit, Phase, Post

_ids = itertools.count(1000)


def make_relay(session: Session, **overrides: Any) -> Relay:
    number = next(_ids)
    values: dict[str, Any] = {
        "address": f"console:relay-{number}",
        "channel": "console",
        "language": Language.FR,
        "place": "kayes",
        "status": RelayStatus.ACTIVE,
        "consent_at": datetime.now(UTC),
        "referral_code": f"T{number:05d}",
    }
    values.update(overrides)
    relay = Relay(**values)
    session.add(relay)
    session.flush()
    return relay


def new_relay(factory: sessionmaker[Session], **overrides: Any) -> int:
    """make_relay() in a unit of work of its own, so the relay is committed; its id."""
    with unit_of_work(factory) as session:
        return make_relay(session, **overrides).id


def make_delivery(
    session: Session,
    relay: Relay,
    message: Outbound | dict[str, Any],
    *,
    kind: str = "post",
    ref: str = "1",
) -> int:
    """Queue one message for a relay through the outbox (a dict is read as a delivery's
    payload) and return its delivery's id."""
    outbound = from_json(message) if isinstance(message, dict) else message
    queued = enqueue(
        session=session, source_kind=kind, source_ref=ref, message=outbound, relay=relay
    )
    assert queued is not None, f"{kind} {ref} was queued already"
    return queued


def deliveries(factory: sessionmaker[Session], relay_id: int) -> list[Delivery]:
    """A relay's deliveries, oldest first."""
    with factory() as session:
        query = select(Delivery).where(Delivery.relay_id == relay_id).order_by(Delivery.id)
        return list(session.scalars(query))


def telegram_update(
    text: str | None = "/start",
    *,
    chat_id: int = 4242,
    update_id: int | None = None,
    first_name: str = "Awa",
    **extra: Any,
) -> dict[str, Any]:
    """A private-chat message update as Telegram posts it."""
    user = {"id": chat_id, "is_bot": False, "first_name": first_name, "language_code": "fr"}
    message: dict[str, Any] = {
        "message_id": next(_ids),
        "date": int(datetime.now(UTC).timestamp()),
        "chat": {"id": chat_id, "type": "private", "first_name": first_name},
        "from": user,
        **extra,
    }
    if text is not None:
        message["text"] = text
    return {"update_id": update_id if update_id is not None else next(_ids), "message": message}


def callback_update(
    data: str, *, chat_id: int = 4242, message_id: int = 1, update_id: int | None = None
) -> dict[str, Any]:
    """A button press (callback query) on a message the bot sent."""
    user = {"id": chat_id, "is_bot": False, "first_name": "Awa"}
    return {
        "update_id": update_id if update_id is not None else next(_ids),
        "callback_query": {
            "id": str(next(_ids)),
            "from": user,
            "chat_instance": "1",
            "data": data,
            "message": {
                "message_id": message_id,
                "date": int(datetime.now(UTC).timestamp()),
                "chat": {"id": chat_id, "type": "private"},
                "from": {"id": 1, "is_bot": True, "first_name": "Relais"},
                "text": "…",
            },
        },
    }


def converse(
    factory: sessionmaker[Session],
    router: Router,
    address: str,
    text: str | None = None,
    *,
    choice: str | None = None,
    name: str | None = None,
) -> list[dict[str, Any]]:
    """Send one message through the conversation; return the payloads it queued."""
    inbound = Inbound(
        address=address,
        text=text,
        choice=Choice.unpack(choice) if choice else None,
        display_name=name,
    )
    message_id = str(next(_ids))
    with unit_of_work(factory) as session:
        receive(
            session=session,
            router=router,
            channel=inbound.channel,
            platform_message_id=message_id,
            inbound=inbound,
            raw={"text": text, "choice": choice},
            now=datetime.now(UTC),
        )
    with factory() as session:
        inbound_id = session.scalar(
            select(InboundMessage.id).where(InboundMessage.platform_message_id == message_id)
        )
        rows = session.scalars(
            select(Delivery)
            .where(Delivery.source_kind == "reply", Delivery.source_ref.like(f"{inbound_id}.%"))
            .order_by(Delivery.id)
        )
        return [row.payload for row in rows]


def relay_at(factory: sessionmaker[Session], address: str) -> Relay | None:
    with factory() as session:
        return session.scalars(select(Relay).where(Relay.address == address)).one_or_none()


def existing_relay(factory: sessionmaker[Session], address: str) -> Relay:
    """The relay at `address`, who must be there."""
    relay = relay_at(factory, address)
    assert relay is not None, f"no relay at {address}"
    return relay


def make_post(**overrides: Any) -> Post:
    values: dict[str, Any] = {
        "id": f"p{next(_ids)}",
        "day": date(2026, 12, 1),
        "at": time(8, 0),
        "phase": "informer",
        "text": {
            "fr": "Savez-vous que les sessions du conseil communal sont publiques ?",
            "bm": "Yala i b'a dɔn ko komini ka lajɛw ye bɛɛ ta ye wa?",
        },
        "hashtags": ("#EngageonsNous",),
        "status": "ready",
    }
    values.update(overrides)
    return Post(**values)


def make_campaign(*posts: Post, folder: Path | None = None, **overrides: Any) -> Campaign:
    values: dict[str, Any] = {
        "slug": "engageonsnous",
        "name": "#EngageonsNous",
        "hashtags": ("#EngageonsNous",),
        "start": date(2026, 12, 1),
        "end": date(2026, 12, 21),
        "timezone": "Africa/Bamako",
        "phases": (Phase("informer", {"fr": "Informer"}), Phase("action", {"fr": "Agir"})),
        "posts": posts,
        "kit": Kit(),
        "folder": folder or Path("."),
    }
    values.update(overrides)
    return Campaign(**values)
