"""What relays do with the messages Relais sends them: reactions, quoting replies,
shares and button presses, each tied to the delivery it was about."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from bot.enums import InteractionKind
from bot.models.base import Base, _enum


class Interaction(Base):
    """One act by a relay on one message; `key` makes it count once (a share once per
    relay and post, a reaction once per emoji, a reply once per platform message).

    source_kind and source_ref are the delivery's, copied so figures per post, broadcast
    or question group without a join. `weight` is the onward reach a share declares
    (1, 2 or 6: the lower end of "one group", "2 to 5", "more than 5").
    """

    __tablename__ = "interaction"
    __table_args__ = (Index("ix_interaction_source", "source_kind", "source_ref"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(160), unique=True)
    relay_id: Mapped[int] = mapped_column(ForeignKey("relay.id", ondelete="CASCADE"), index=True)
    delivery_id: Mapped[int] = mapped_column(
        ForeignKey("delivery.id", ondelete="CASCADE"), index=True
    )
    source_kind: Mapped[str] = mapped_column(String(32))
    source_ref: Mapped[str] = mapped_column(String(64))
    kind: Mapped[InteractionKind] = mapped_column(_enum(InteractionKind))
    detail: Mapped[str | None] = mapped_column(String(32))
    weight: Mapped[int | None]
    at: Mapped[datetime] = mapped_column(index=True)
