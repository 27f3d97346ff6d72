"""WhatsApp's rules for each message the worker is about to send.

Inside the relay's 24-hour window (bot/window.py), any message may go. Outside it, only an
approved template (ContentSid), and only to so many relays a day (the messaging tier);
a message with no template is held until the relay writes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.domain.window_holds import WINDOW, hold, inside_window
from bot.models import Delivery, DeliveryStatus, Relay
from scheduler import claims

_REACHED = (DeliveryStatus.SENT, DeliveryStatus.DELIVERED, DeliveryStatus.READ)


@dataclass(frozen=True)
class WhatsAppPolicy:
    daily_limit: int
    nudge_templates: dict[str, str]  # language → ContentSid


DEFAULT_POLICY = WhatsAppPolicy(daily_limit=1000, nudge_templates={})


@dataclass(frozen=True)
class Send:
    payload: dict[str, Any]


@dataclass(frozen=True)
class Done:
    """Not sent, and already recorded as held or cancelled."""

    reason: str


@dataclass(frozen=True)
class Wait:
    until: datetime


Decision = Send | Done | Wait


def business_initiated(*, session: Session, now: datetime) -> tuple[set[int], datetime | None]:
    """Relays sent a template in the last 24 hours, and when the oldest of those went."""
    since = now - WINDOW
    rows = session.execute(
        select(Delivery.relay_id, func.min(Delivery.sent_at))
        .where(
            Delivery.template_sid.is_not(None),
            Delivery.sent_at > since,
            Delivery.status.in_([*_REACHED, DeliveryStatus.UNDELIVERED]),
            Delivery.relay_id.is_not(None),
        )
        .group_by(Delivery.relay_id)
    ).all()
    relays = {relay_id for relay_id, _ in rows if relay_id is not None}
    oldest = min((sent for _, sent in rows if sent is not None), default=None)
    return relays, oldest


def decide(
    *,
    session: Session,
    item: claims.Claimed,
    now: datetime,
    policy: WhatsAppPolicy,
) -> Decision:
    """Free-form inside the window, a template outside it (within the tier), else hold."""
    relay = session.get(Relay, item.relay_id) if item.relay_id is not None else None
    if relay is not None:
        last_inbound = relay.last_inbound_at
    else:
        # Only replies go to someone who has not joined: queued the moment they wrote.
        last_inbound = session.get_one(Delivery, item.id).created_at
    payload = {key: value for key, value in item.payload.items() if key != "template"}
    if inside_window(last_inbound, now):
        if item.payload.get("nudge"):
            claims.cancel(session=session, item=item, error="the relay wrote since: no nudge")
            return Done("nudge no longer needed")
        return Send(payload)
    template = item.payload.get("template")
    if not template:
        hold(
            session=session,
            delivery=session.get_one(Delivery, item.id),
            relay=relay,
            now=now,
            nudge_templates=policy.nudge_templates,
        )
        return Done("outside the 24-hour window and no WhatsApp template")
    reached, oldest = business_initiated(session=session, now=now)
    if item.relay_id not in reached and len(reached) >= policy.daily_limit and oldest:
        return Wait(oldest + WINDOW)
    return Send({**payload, "template": template})
