"""A relay: one person on one channel, their language, place, role and state."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from bot.enums import ConversationState, Language, RelayEventKind, RelayStatus, Role
from bot.models.base import Base, _enum, utcnow


class Relay(Base):
    """A person reached through one channel address (telegram:123, whatsapp:+223…, console:…)."""

    __tablename__ = "relay"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    address: Mapped[str] = mapped_column(String(128), unique=True)
    channel: Mapped[str] = mapped_column(String(16), index=True)
    display_name: Mapped[str | None] = mapped_column(String(128))
    language: Mapped[Language] = mapped_column(_enum(Language), default=Language.FR)
    place: Mapped[str | None] = mapped_column(String(64), index=True)
    role: Mapped[Role] = mapped_column(_enum(Role), default=Role.RELAY)
    status: Mapped[RelayStatus] = mapped_column(
        _enum(RelayStatus), default=RelayStatus.ACTIVE, index=True
    )
    state: Mapped[ConversationState | None] = mapped_column(_enum(ConversationState))
    consent_at: Mapped[datetime | None]
    stopped_at: Mapped[datetime | None]
    erased_at: Mapped[datetime | None]
    # WhatsApp's 24-hour window opens at the relay's last message to us.
    last_inbound_at: Mapped[datetime | None]
    nudged_at: Mapped[datetime | None]
    # Free labels organisers give relays (ambassadeur, élu, association…), for audiences.
    tags: Mapped[list[str]] = mapped_column(JSON, default=list)
    referral_code: Mapped[str | None] = mapped_column(String(16), unique=True)
    referred_by_id: Mapped[int | None] = mapped_column(ForeignKey("relay.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    referred_by: Mapped[Relay | None] = relationship(remote_side=[id])


class RelayEvent(Base):
    """When a relay joined, stopped, rejoined, became unreachable or was erased, with their
    channel, language and place at that moment: the community on any past day."""

    __tablename__ = "relay_event"
    __table_args__ = (Index("ix_relay_event_relay_id_at", "relay_id", "at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    relay_id: Mapped[int] = mapped_column(ForeignKey("relay.id", ondelete="CASCADE"))
    kind: Mapped[RelayEventKind] = mapped_column(_enum(RelayEventKind))
    at: Mapped[datetime] = mapped_column(index=True)
    channel: Mapped[str] = mapped_column(String(16))
    language: Mapped[str] = mapped_column(String(8))
    place: Mapped[str | None] = mapped_column(String(64))
