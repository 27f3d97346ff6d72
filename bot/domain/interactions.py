"""What relays do with the messages Relais sends them — a reaction, a reply that quotes
one, "I shared it" and how widely — each kept once, tied to the delivery it is about.

The indicators (bot/domain/indicators/) count these within 48 hours of the message.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from bot.db import insert_ignore
from bot.domain.posts import POST_SOURCE
from bot.enums import REACHED
from bot.models import Delivery, Interaction, InteractionKind, PostRow, Relay
from bot.outbound import Message, PayloadError, Subject, from_json

SHARE_WINDOW = timedelta(hours=48)  # a plain "I shared it" is about a post this recent
# What a relay may declare when they share, counted at the lower end of each range.
REACH_WEIGHTS = {1: "1 group", 2: "2 to 5", 6: "more than 5"}


def delivery_with_platform_id(
    *, session: Session, relay: Relay, platform_message_id: str
) -> Delivery | None:
    """The message of ours that a relay quotes or reacts to (platform ids are per chat)."""
    return session.scalars(
        select(Delivery).where(
            Delivery.relay_id == relay.id, Delivery.platform_message_id == platform_message_id
        )
    ).first()


def post_delivery(*, session: Session, relay: Relay, post_ref: str) -> Delivery | None:
    return session.scalars(
        select(Delivery).where(
            Delivery.relay_id == relay.id,
            Delivery.source_kind == POST_SOURCE,
            Delivery.source_ref == post_ref,
        )
    ).first()


def latest_post(*, session: Session, relay: Relay, now: datetime) -> Delivery | None:
    """The post this relay most recently received, within the share window."""
    return session.scalars(
        select(Delivery)
        .where(
            Delivery.relay_id == relay.id,
            Delivery.source_kind == POST_SOURCE,
            Delivery.status.in_(REACHED),
            Delivery.sent_at >= now - SHARE_WINDOW,
        )
        .order_by(Delivery.sent_at.desc(), Delivery.id.desc())
    ).first()


def record(
    *,
    session: Session,
    relay: Relay,
    delivery: Delivery,
    kind: InteractionKind,
    key: str,
    now: datetime,
    detail: str | None = None,
    weight: int | None = None,
    source: tuple[str, str] | None = None,
) -> bool:
    """Keep one act, once (by `key`), about `source` (the delivery's own by default);
    True when it was new."""
    return (
        insert_ignore(
            session,
            Interaction.__table__,  # type: ignore[arg-type]
            {
                "key": key[:160],
                "relay_id": relay.id,
                "delivery_id": delivery.id,
                "source_kind": source[0] if source else delivery.source_kind,
                "source_ref": source[1] if source else delivery.source_ref,
                "kind": kind,
                "detail": detail,
                "weight": weight,
                "at": now,
            },
            unique=["key"],
        )
        is not None
    )


def share_key(relay: Relay, post_ref: str) -> str:
    return f"share:{relay.id}:post:{post_ref}"  # once per relay and post


def _subject(delivery: Delivery) -> Subject | None:
    """What the delivery's message is about, if it says (an unreadable one says nothing)."""
    try:
        message = from_json(delivery.payload or {})
    except PayloadError:
        return None
    return message.subject if isinstance(message, Message) else None


def post_of(*, session: Session, delivery: Delivery) -> str | None:
    """The post a delivery carries (its id as text): the post's own delivery, or the same
    post sent again (/aujourdhui) as a reply."""
    if delivery.source_kind == POST_SOURCE:
        return delivery.source_ref
    subject = _subject(delivery)
    if subject is None or subject.kind != POST_SOURCE:
        return None
    found = session.scalar(select(PostRow.id).where(PostRow.slug == str(subject.ref)))
    return str(found) if found is not None else None


def record_share(
    *, session: Session, relay: Relay, delivery: Delivery, post_ref: str, now: datetime
) -> bool:
    return record(
        session=session,
        relay=relay,
        delivery=delivery,
        kind=InteractionKind.SHARE,
        key=share_key(relay, post_ref),
        now=now,
        source=(POST_SOURCE, post_ref),
    )


def declare_reach(*, session: Session, relay: Relay, post_ref: str, weight: int) -> bool:
    """How widely the relay says they shared the post; False when they had not said they
    shared it."""
    result = session.execute(
        update(Interaction)
        .where(Interaction.key == share_key(relay, post_ref))
        .values(weight=weight, detail=REACH_WEIGHTS.get(weight))
        .execution_options(synchronize_session=False)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


def sent_post(*, session: Session, relay: Relay, post_ref: str) -> Delivery | None:
    """The message that carried this post to the relay: its own delivery, or the latest
    time it was sent again (/aujourdhui)."""
    own = post_delivery(session=session, relay=relay, post_ref=post_ref)
    if own is not None:
        return own
    slug = (
        session.scalar(select(PostRow.slug).where(PostRow.id == int(post_ref)))
        if post_ref.isdigit()
        else None
    )
    if slug is None:
        return None
    wanted = Subject(POST_SOURCE, slug)
    recent = session.scalars(
        select(Delivery)
        .where(Delivery.relay_id == relay.id, Delivery.source_kind != POST_SOURCE)
        .order_by(Delivery.id.desc())
        .limit(50)
    )
    return next((delivery for delivery in recent if _subject(delivery) == wanted), None)


def last_share(*, session: Session, relay: Relay) -> Interaction | None:
    return session.scalars(
        select(Interaction)
        .where(Interaction.relay_id == relay.id, Interaction.kind == InteractionKind.SHARE)
        .order_by(Interaction.id.desc())
    ).first()


def record_reply_or_reaction(
    *,
    session: Session,
    relay: Relay,
    replied_to: str,
    reaction: tuple[str, ...] | None,
    inbound_key: str,
    now: datetime,
) -> bool:
    """A relay quoted or reacted to one of our messages; False when it is not one of ours."""
    delivery = delivery_with_platform_id(
        session=session, relay=relay, platform_message_id=replied_to
    )
    if delivery is None:
        return False
    # A reply counts once per message of theirs; a reaction once per emoji on our message
    # (an emptied reaction, taken back, adds nothing).
    acts = (
        [(InteractionKind.REPLY, f"reply:{inbound_key}", None)]
        if reaction is None
        else [(InteractionKind.REACTION, f"reaction:{delivery.id}:{e}", e[:32]) for e in reaction]
    )
    for kind, key, detail in acts:
        record(
            session=session,
            relay=relay,
            delivery=delivery,
            kind=kind,
            key=key,
            now=now,
            detail=detail,
        )
    return True
