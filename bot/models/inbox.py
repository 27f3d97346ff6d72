"""What relays write to the team: messages the conversation did not consume, and the
organisers' replies to them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from bot.models.base import Base, utcnow


class InboxEntry(Base):
    """One inbound message kept for the organisers: a question, a comment, a testimony."""

    __tablename__ = "inbox_entry"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    inbound_id: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer, "sqlite"),
        ForeignKey("inbound_message.id", ondelete="CASCADE"),
        unique=True,
    )
    relay_id: Mapped[int] = mapped_column(ForeignKey("relay.id", ondelete="CASCADE"), index=True)
    received_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    answered_at: Mapped[datetime | None]
    # A testimony organisers want to use in a later post.
    to_share: Mapped[bool] = mapped_column(default=False)


class InboxReply(Base):
    """An organiser's answer to an inbox entry; it leaves through the outbox."""

    __tablename__ = "inbox_reply"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    entry_id: Mapped[int] = mapped_column(
        ForeignKey("inbox_entry.id", ondelete="CASCADE"), index=True
    )
    login: Mapped[str] = mapped_column(String(64))
    text: Mapped[str | None] = mapped_column(Text)
    # A voice note the organiser recorded, kept in the media library by its file name.
    voice: Mapped[str | None] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
