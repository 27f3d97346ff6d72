"""WhatsApp's 24-hour customer-service window, and its rules for each message about to go.

A relay's message to us opens a window of 24 hours in which any message may go to them.
Outside it, only an approved template (ContentSid), and only to so many relays a day (the
messaging tier). A message with no template is held; the relay is nudged once a day with
a "reply to keep receiving" template when one is configured, and their reply releases
what was held (bot/domain/outbox.release_held).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.channels.base import Decision, Later, Send, Skip
from bot.domain import outbox, quiet_hours
from bot.enums import REACHED
from bot.models import Delivery, DeliveryStatus, Relay
from bot.outbound import Message, Nudge, Template, TemplateMessage, from_json

WINDOW = timedelta(hours=24)
HOLD_CODE = "window"  # error_code of a delivery held for the window (Twilio says 63016)
HELD_BECAUSE = "outside WhatsApp's 24-hour window with no template: waits for the relay"
NUDGE_SOURCE = "nudge"  # source_ref: the day (UTC) the nudge was queued


@dataclass(frozen=True)
class WhatsAppPolicy:
    daily_limit: int = 1000  # relays a template may open a conversation with, a day
    nudge_templates: Mapping[str, str] = field(default_factory=dict)  # language → ContentSid


def inside_window(last_inbound_at: datetime | None, now: datetime) -> bool:
    return last_inbound_at is not None and now - last_inbound_at < WINDOW


def hold(
    *,
    session: Session,
    delivery_id: int,
    relay: Relay | None,
    now: datetime,
    nudge_templates: Mapping[str, str],
    code: str | None = HOLD_CODE,
) -> None:
    """Hold a delivery until the relay writes, and nudge them once a day if we can."""
    delivery = session.get_one(Delivery, delivery_id)
    if isinstance(from_json(delivery.payload), Nudge):
        delivery.status = DeliveryStatus.CANCELLED
        delivery.error = "nudge refused outside the window"
        delivery.error_code = code
        return
    outbox.hold(session=session, delivery_id=delivery_id, code=code, reason=HELD_BECAUSE)
    if relay is None:
        return
    template = nudge_templates.get(relay.language.value)
    if template and (relay.nudged_at is None or now - relay.nudged_at >= WINDOW):
        relay.nudged_at = now
        outbox.enqueue(
            session=session,
            source_kind=NUDGE_SOURCE,
            source_ref=now.strftime("%Y-%m-%d"),
            message=Nudge(Template(template), relay.language.value),
            relay=relay,
            # A nudge is a push like any other: quiet hours hold it until they end.
            not_before=quiet_hours.held_until(session=session, now=now),
        )


def business_initiated(*, session: Session, now: datetime) -> tuple[set[int], datetime | None]:
    """Relays sent a template in the last 24 hours, and when the oldest of those went."""
    since = now - WINDOW
    rows = session.execute(
        select(Delivery.relay_id, func.min(Delivery.sent_at))
        .where(
            Delivery.template_sid.is_not(None),
            Delivery.sent_at > since,
            Delivery.status.in_([*REACHED, DeliveryStatus.UNDELIVERED]),
            Delivery.relay_id.is_not(None),
        )
        .group_by(Delivery.relay_id)
    ).all()
    relays = {relay_id for relay_id, _ in rows if relay_id is not None}
    oldest = min((sent for _, sent in rows if sent is not None), default=None)
    return relays, oldest


def decide(
    *, session: Session, item: outbox.Claimed, now: datetime, policy: WhatsAppPolicy
) -> Decision:
    """Free-form inside the window, a template outside it (within the tier), else hold."""
    relay = session.get(Relay, item.relay_id) if item.relay_id is not None else None
    if relay is not None:
        last_inbound = relay.last_inbound_at
    else:
        # Only replies go to someone who has not joined: queued the moment they wrote.
        last_inbound = session.get_one(Delivery, item.id).created_at
    message = item.message
    if inside_window(last_inbound, now):
        if isinstance(message, Nudge):
            delivery = session.get_one(Delivery, item.id)
            delivery.status = DeliveryStatus.CANCELLED
            delivery.error = "the relay wrote since: no nudge"
            return Skip("nudge no longer needed")
        return Send(message.free_form() if isinstance(message, Message) else message)
    template = message.template if isinstance(message, Message | Nudge) else None
    if template is None:
        hold(
            session=session,
            delivery_id=item.id,
            relay=relay,
            now=now,
            nudge_templates=policy.nudge_templates,
        )
        return Skip("outside the 24-hour window and no WhatsApp template")
    reached, oldest = business_initiated(session=session, now=now)
    if item.relay_id not in reached and len(reached) >= policy.daily_limit and oldest:
        return Later(oldest + WINDOW, "WhatsApp daily limit of new conversations reached")
    language = message.language if isinstance(message, Message | Nudge) else None
    return Send(TemplateMessage(template, language))
