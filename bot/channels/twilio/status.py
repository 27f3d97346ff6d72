"""Status callbacks: what the platform says became of a message after it took it.

Callbacks come out of order and more than once. A status only ever moves forward
(sent → delivered → read); a failure says why in error_code, and some failures change
the relay: unsubscribed or invalid numbers make them unreachable, WhatsApp's "outside
the window" holds the message until they write.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.channels.twilio.errors import UNREACHABLE_CODES as UNREACHABLE
from bot.channels.twilio.errors import WAITS_FOR_RELAY_CODES
from bot.channels.whatsapp.window import hold
from bot.db import insert_ignore
from bot.domain.relays import mark_unreachable
from bot.models import Delivery, DeliveryStatus, InboundMessage, Relay

logger = logging.getLogger(__name__)

CALLBACK_CHANNEL = "twilio-status"
RANK = {
    DeliveryStatus.QUEUED: 0,
    DeliveryStatus.SENDING: 1,
    DeliveryStatus.SENT: 2,
    DeliveryStatus.UNDELIVERED: 3,
    DeliveryStatus.FAILED: 3,
    DeliveryStatus.DELIVERED: 4,
    DeliveryStatus.READ: 5,
}
TWILIO_STATUS = {
    "accepted": DeliveryStatus.SENT,
    "scheduled": DeliveryStatus.SENT,
    "queued": DeliveryStatus.SENT,
    "sending": DeliveryStatus.SENT,
    "sent": DeliveryStatus.SENT,
    "delivered": DeliveryStatus.DELIVERED,
    "read": DeliveryStatus.READ,
    "undelivered": DeliveryStatus.UNDELIVERED,
    "failed": DeliveryStatus.FAILED,
}
# The same Twilio codes as a refused send, arriving as a callback's ErrorCode (a string).
UNREACHABLE_CODES = {str(code) for code in UNREACHABLE}
OUTSIDE_WINDOW_CODES = {str(code) for code in WAITS_FOR_RELAY_CODES}


def apply_status(
    *,
    session: Session,
    delivery: Delivery,
    status: str,
    error_code: str | None,
    now: datetime,
    nudge_templates: Mapping[str, str],
) -> None:
    """Move a delivery forward to what a callback says, never backwards."""
    new = TWILIO_STATUS.get(status)
    if new is None:
        return
    relay = session.get(Relay, delivery.relay_id) if delivery.relay_id is not None else None
    if error_code in OUTSIDE_WINDOW_CODES and delivery.status in RANK:
        hold(
            session=session,
            delivery_id=delivery.id,
            relay=relay,
            now=now,
            nudge_templates=nudge_templates,
            code=error_code,
        )
        return
    if RANK.get(new, 0) <= RANK.get(delivery.status, 99):
        return
    delivery.status = new
    if new in (DeliveryStatus.UNDELIVERED, DeliveryStatus.FAILED):
        delivery.error_code = error_code
        delivery.error = f"the platform reported {status} ({error_code or 'no code'})"
        if error_code in UNREACHABLE_CODES and relay is not None:
            reason = f"unreachable ({error_code})"
            mark_unreachable(session=session, relay=relay, reason=reason, now=now)


def record_callback(
    *,
    session: Session,
    message_sid: str,
    status: str,
    error_code: str | None,
    raw: dict[str, str],
    now: datetime,
    nudge_templates: Mapping[str, str],
) -> bool:
    """Keep the callback (once), and apply it if its delivery is known; False on a replay.

    A callback can overtake the worker recording the message id it got; it is kept, and
    `apply_early_callbacks` applies it once the id is recorded.
    """
    stored = insert_ignore(
        session,
        InboundMessage.__table__,  # type: ignore[arg-type]
        {
            "channel": CALLBACK_CHANNEL,
            "platform_message_id": f"{message_sid}:{status}",
            "kind": "status",
            "text": status,
            "payload": raw,
            "received_at": now,
        },
        unique=["channel", "platform_message_id"],
    )
    if stored is None:
        return False
    delivery = session.scalars(
        select(Delivery).where(Delivery.platform_message_id == message_sid)
    ).first()
    if delivery is None:
        logger.info("status %s for a message not recorded yet; kept for later", status)
        return True
    apply_status(
        session=session,
        delivery=delivery,
        status=status,
        error_code=error_code,
        now=now,
        nudge_templates=nudge_templates,
    )
    return True


def apply_early_callbacks(
    *, session: Session, delivery: Delivery, now: datetime, nudge_templates: Mapping[str, str]
) -> None:
    """Apply callbacks that arrived before the delivery's message id was recorded."""
    if delivery.platform_message_id is None:
        return
    early = session.scalars(
        select(InboundMessage)
        .where(
            InboundMessage.channel == CALLBACK_CHANNEL,
            InboundMessage.platform_message_id.startswith(f"{delivery.platform_message_id}:"),
        )
        .order_by(InboundMessage.id)
    )
    for callback in early:
        raw = callback.payload or {}
        apply_status(
            session=session,
            delivery=delivery,
            status=str(callback.text),
            error_code=raw.get("ErrorCode") or None,
            now=now,
            nudge_templates=nudge_templates,
        )
