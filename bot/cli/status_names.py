"""The states and statuses the CLI prints, in the organiser's language."""

from __future__ import annotations

from bot.enums import BroadcastState, ContestState, DeliveryStatus
from bot.i18n import Text, _

# Column of counts: how many deliveries are in each status (plural in French).
DELIVERY_STATUS_NAMES: dict[DeliveryStatus, Text] = {
    DeliveryStatus.QUEUED: _("waiting to be sent"),
    DeliveryStatus.SENDING: _("being sent"),
    DeliveryStatus.SENT: _("sent"),
    DeliveryStatus.DELIVERED: _("delivered"),
    DeliveryStatus.READ: _("read"),
    DeliveryStatus.UNDELIVERED: _("not delivered"),
    DeliveryStatus.HELD: _("held"),
    DeliveryStatus.FAILED: _("failed"),
    DeliveryStatus.CANCELLED: _("cancelled"),
}

BROADCAST_STATE_NAMES: dict[BroadcastState, Text] = {
    BroadcastState.DRAFT: _("draft"),
    BroadcastState.SCHEDULED: _("scheduled"),
    BroadcastState.SENDING: _("being sent"),
    BroadcastState.DONE: _("done"),
    BroadcastState.CANCELLED: _("cancelled: nothing more goes out"),
}

CONTEST_STATE_NAMES: dict[ContestState, Text] = {
    ContestState.DRAFT: _("not open yet"),
    ContestState.OPEN: _("open"),
    ContestState.CLOSED: _("closed"),
}


def delivery_status(value: str) -> Text | str:
    """A status as stored ("queued"), named; an unknown one as it came."""
    try:
        return DELIVERY_STATUS_NAMES[DeliveryStatus(value)]
    except ValueError:
        return value
