"""What comes in and goes out: inbound messages and media, the outbox, channel pacing,
and what each platform calls a campaign file."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    BigInteger,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    false,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

if TYPE_CHECKING:
    from bot.models.relays import Relay

from bot.enums import DeliveryStatus
from bot.models.base import Base, _enum, utcnow


class InboundMessage(Base):
    """Everything a platform posted to us, kept raw; one row per platform message."""

    __tablename__ = "inbound_message"
    __table_args__ = (
        UniqueConstraint("channel", "platform_message_id"),
        # Only the few rows still waiting: found at start however long the table.
        Index(
            "ix_inbound_message_waiting",
            "id",
            sqlite_where=text("waiting"),
            postgresql_where=text("waiting"),
        ),
    )

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    channel: Mapped[str] = mapped_column(String(16))
    platform_message_id: Mapped[str] = mapped_column(String(128))
    # Kept apart from relay_id: someone who writes before joining has no relay yet.
    address: Mapped[str | None] = mapped_column(String(128), index=True)
    relay_id: Mapped[int | None] = mapped_column(
        ForeignKey("relay.id", ondelete="SET NULL"), index=True
    )
    kind: Mapped[str] = mapped_column(String(16))
    text: Mapped[str | None] = mapped_column(Text)
    payload: Mapped[dict[str, Any] | None]
    received_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Stored under a burst, its conversation not run yet (bot/web/backlog.py).
    waiting: Mapped[bool] = mapped_column(default=False, server_default=false())


class InboundMedia(Base):
    """A picture, voice note or video a relay sent: testimonies organisers can look at.

    Only the platform's reference is kept (a Twilio media URL, a Telegram file id).
    """

    __tablename__ = "inbound_media"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    inbound_id: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer, "sqlite"),
        ForeignKey("inbound_message.id", ondelete="CASCADE"),
        index=True,
    )
    relay_id: Mapped[int | None] = mapped_column(
        ForeignKey("relay.id", ondelete="SET NULL"), index=True
    )
    kind: Mapped[str] = mapped_column(String(16))
    url: Mapped[str] = mapped_column(String(1024))
    content_type: Mapped[str | None] = mapped_column(String(128))
    received_at: Mapped[datetime] = mapped_column(default=utcnow)


class Delivery(Base):
    """The outbox: every message that leaves is a row here first.

    One row per (source_kind, source_ref, relay): replaying what caused it changes nothing.
    A reply to someone who has not joined has no relay, only an address; the address is
    also kept when the relay's own is erased, for the farewell, and dropped once sent.
    """

    __tablename__ = "delivery"
    __table_args__ = (
        UniqueConstraint("source_kind", "source_ref", "relay_id"),
        Index("ix_delivery_due", "status", "next_attempt_at"),
        # A claim walks the queue in order (fresh work, then retries) and looks each
        # candidate's destination up for a delivery in sending or waiting before it
        # (scheduler/claims.py): each a few rows, however long the queue.
        Index("ix_delivery_claim", "status", "attempts", "id"),
        Index("ix_delivery_relay_status", "relay_id", "status", "id"),
    )

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    relay_id: Mapped[int | None] = mapped_column(ForeignKey("relay.id", ondelete="CASCADE"))
    source_kind: Mapped[str] = mapped_column(String(16))
    source_ref: Mapped[str] = mapped_column(String(64))
    payload: Mapped[dict[str, Any]]
    address: Mapped[str | None] = mapped_column(String(128))
    status: Mapped[DeliveryStatus] = mapped_column(
        _enum(DeliveryStatus), default=DeliveryStatus.QUEUED
    )
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    claimed_at: Mapped[datetime | None]
    sent_at: Mapped[datetime | None]
    platform_message_id: Mapped[str | None] = mapped_column(String(128), index=True)
    # A WhatsApp template (ContentSid) the message went out as, outside the 24-hour window.
    template_sid: Mapped[str | None] = mapped_column(String(64))
    error_code: Mapped[str | None] = mapped_column(String(16))
    error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    relay: Mapped[Relay | None] = relationship()


class ChannelRate(Base):
    """A channel's pace, shared by every worker: a token bucket kept in the database.

    Workers take tokens under a row lock before sending, so together they never go faster
    than the rate; a platform's retry_after pauses the whole channel.
    """

    __tablename__ = "channel_rate"

    channel: Mapped[str] = mapped_column(String(16), primary_key=True)
    tokens: Mapped[float] = mapped_column(default=0.0)
    refilled_at: Mapped[datetime] = mapped_column(default=utcnow)
    paused_until: Mapped[datetime | None]
    slowed_until: Mapped[datetime | None]  # sends at half pace until then


class MediaFile(Base):
    """What a platform calls a file we uploaded once (Telegram's file_id), by content."""

    __tablename__ = "media_file"
    __table_args__ = (UniqueConstraint("channel", "sha256"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    channel: Mapped[str] = mapped_column(String(16))
    sha256: Mapped[str] = mapped_column(String(64))
    file_id: Mapped[str] = mapped_column(String(256))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
