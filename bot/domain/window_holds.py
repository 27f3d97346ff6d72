"""WhatsApp's 24-hour customer-service window, as it touches one relay.

A relay's message to us opens a window of 24 hours in which any message may go to them.
A message that cannot go outside it (no template) is held; the relay is nudged once a
day with a "reply to keep receiving" template when one is configured, and their reply
releases what was held.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta

from sqlalchemy import update
from sqlalchemy.orm import Session

from bot.domain.outbox import enqueue
from bot.models import Delivery, DeliveryStatus, Relay

WINDOW = timedelta(hours=24)
HOLD_CODE = "window"  # error_code of a delivery held for the window (Twilio says 63016)
HELD_BECAUSE = "outside WhatsApp's 24-hour window with no template: waits for the relay"


def inside_window(last_inbound_at: datetime | None, now: datetime) -> bool:
    return last_inbound_at is not None and now - last_inbound_at < WINDOW


def hold(
    *,
    session: Session,
    delivery: Delivery,
    relay: Relay | None,
    now: datetime,
    nudge_templates: Mapping[str, str],
    code: str = HOLD_CODE,
) -> None:
    """Hold a delivery until the relay writes, and nudge them once a day if we can."""
    if delivery.payload.get("nudge"):
        delivery.status = DeliveryStatus.CANCELLED
        delivery.error = "nudge refused outside the window"
        delivery.error_code = code
        return
    delivery.status = DeliveryStatus.HELD
    delivery.error_code = code
    delivery.error = HELD_BECAUSE
    delivery.claimed_at = None
    if relay is None:
        return
    template = nudge_templates.get(relay.language.value)
    if template and (relay.nudged_at is None or now - relay.nudged_at >= WINDOW):
        relay.nudged_at = now
        enqueue(
            session=session,
            source_kind="nudge",
            source_ref=now.strftime("%Y-%m-%d"),
            payload={
                "text": "",
                "nudge": True,
                "language": relay.language.value,
                "template": {"sid": template},
            },
            relay=relay,
        )


def release_held(*, session: Session, relay: Relay, now: datetime) -> int:
    """The relay wrote: what was held for the window may go now."""
    result = session.execute(
        update(Delivery)
        .where(Delivery.relay_id == relay.id, Delivery.status == DeliveryStatus.HELD)
        .values(status=DeliveryStatus.QUEUED, next_attempt_at=now, error=None, error_code=None)
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]
