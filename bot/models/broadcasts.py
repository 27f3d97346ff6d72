"""An organiser's broadcast: a call to action to an audience."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, Integer, String, false
from sqlalchemy.orm import Mapped, mapped_column

from bot.enums import BroadcastState
from bot.models.base import Base, _enum, utcnow


class Broadcast(Base):
    """A call to action an organiser sends to an audience, in French and Bambara."""

    __tablename__ = "broadcast"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    state: Mapped[BroadcastState] = mapped_column(
        _enum(BroadcastState), default=BroadcastState.DRAFT, index=True
    )
    # languages, places, roles, tags, joined_since: who receives it (active relays only)
    audience: Mapped[dict[str, Any]]
    texts: Mapped[dict[str, Any]]  # language → text
    media: Mapped[dict[str, Any]]  # language → {"kind", "path" | "url"}
    send_at: Mapped[datetime]
    # Urgent: sent even in quiet hours (otherwise held until they end).
    urgent: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    created_by: Mapped[str] = mapped_column(String(64))  # "cli", "api", "relay:<id>"
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    started_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]
