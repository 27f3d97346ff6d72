"""Shared vocabulary: the states and kinds the SQL model stores and every layer speaks.

A leaf module: it imports nothing from Relais, so content/ and the conversation can use
these without the SQL model.
"""

from __future__ import annotations

import enum


class Language(enum.StrEnum):
    """The two languages of a campaign; every user-facing text exists in both."""

    FR = "fr"
    BM = "bm"


class Role(enum.StrEnum):
    RELAY = "relay"
    ORGANISER = "organiser"


class RelayStatus(enum.StrEnum):
    """Where a relay stands.

    active: receives posts. stopped: sent STOP, receives nothing until they join again.
    unreachable: the platform refused delivery (blocked the bot, invalid number).
    erased: asked for their personal data to be deleted; only anonymous counts remain.
    """

    ACTIVE = "active"
    STOPPED = "stopped"
    UNREACHABLE = "unreachable"
    ERASED = "erased"


class ConversationState(enum.StrEnum):
    """What the bot is waiting for from this relay, if anything."""

    LANGUAGE = "language"
    PLACE = "place"
    CONFIRM_ERASE = "confirm_erase"
    # An organiser writing a broadcast from the chat (/diffuser).
    BROADCAST_AUDIENCE = "broadcast_audience"
    BROADCAST_FR = "broadcast_fr"
    BROADCAST_BM = "broadcast_bm"
    BROADCAST_CONFIRM = "broadcast_confirm"
    # After "I shared it": how widely (optional; anything else goes on as usual).
    SHARE_REACH = "share_reach"


class DeliveryStatus(enum.StrEnum):
    """Life of an outbox row.

    queued: waiting for a worker (next_attempt_at says from when).
    sending: claimed by a worker; claimed_at bounds the claim, a stale one is requeued.
    sent: the platform accepted it (platform_message_id set).
    delivered, read: the platform's status callbacks say it reached the phone, was read.
    undelivered: the platform accepted it but could not deliver it (error_code says why).
    held: cannot go out as it is (WhatsApp, outside the 24-hour window, no template);
      it goes out when the relay writes again and reopens the window.
    failed: gave up, error says why. cancelled: withdrawn before it was handed over.
    """

    QUEUED = "queued"
    SENDING = "sending"
    SENT = "sent"
    DELIVERED = "delivered"
    READ = "read"
    UNDELIVERED = "undelivered"
    HELD = "held"
    FAILED = "failed"
    CANCELLED = "cancelled"


class PostStatus(enum.StrEnum):
    """draft: planned, not sent. ready: goes out when due. withdrawn: removed from the
    campaign file before it went out."""

    DRAFT = "draft"
    READY = "ready"
    WITHDRAWN = "withdrawn"


class BroadcastState(enum.StrEnum):
    """draft: being written (in the chat). scheduled: waits for its time. sending: its
    deliveries are queued or on their way. done: every delivery reached an end. cancelled:
    stopped; what had not been handed to a platform was withdrawn."""

    DRAFT = "draft"
    SCHEDULED = "scheduled"
    SENDING = "sending"
    DONE = "done"
    CANCELLED = "cancelled"


class ContestState(enum.StrEnum):
    """draft: waiting for its opening time. open: questions go out and answers count.
    closed: answers still come in but are recorded as late."""

    DRAFT = "draft"
    OPEN = "open"
    CLOSED = "closed"


class ContestMode(enum.StrEnum):
    """sequential: one question at a time, the next when the previous is answered.
    all_at_once: every question goes out at opening."""

    SEQUENTIAL = "sequential"
    ALL_AT_ONCE = "all_at_once"


class Eligibility(enum.StrEnum):
    """Who may win the draw, among participants still active."""

    ALL_CORRECT = "all_correct"  # every question answered right, in time
    ANY_CORRECT = "any_correct"  # at least one right answer in time
    PARTICIPATED = "participated"  # answered at least one question in time


# Accepted by the platform and not reported undelivered since: the message reached the relay.
REACHED = (DeliveryStatus.SENT, DeliveryStatus.DELIVERED, DeliveryStatus.READ)


class RelayEventKind(enum.StrEnum):
    """A change in a relay's standing, kept so the community can be counted for any past
    day (bot/domain/indicators/DEFINITIONS.md, Community). An erasure keeps these, anonymous."""

    JOINED = "joined"  # completed joining for the first time: consent, language and place
    REJOINED = "rejoined"  # joined again after stopping, being unreachable or erased
    STOPPED = "stopped"
    UNREACHABLE = "unreachable"
    REACHABLE = "reachable"  # wrote to us again after being unreachable
    ERASED = "erased"


class InteractionKind(enum.StrEnum):
    """An explicit act of a relay on one message Relais sent them (indicators.md,
    Engagement)."""

    REACTION = "reaction"
    REPLY = "reply"
    SHARE = "share"
    BUTTON = "button"
