"""Campaigns and their posts, as loaded from a campaign folder."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Date, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from bot.enums import PostStatus
from bot.models.base import Base, _enum, utcnow


class CampaignRow(Base):
    """A loaded campaign: its settings and kit as read from its folder."""

    __tablename__ = "campaign"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    slug: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(128))
    timezone: Mapped[str] = mapped_column(String(64))
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    folder: Mapped[str] = mapped_column(String(1024))
    # fallback_language, quiet_hours, hashtags, places, phases…: read, never queried by parts
    settings: Mapped[dict[str, Any]]
    kit: Mapped[dict[str, Any]]
    loaded_at: Mapped[datetime] = mapped_column(default=utcnow)


class PostRow(Base):
    """One post of the editorial calendar, stored with every language's text."""

    __tablename__ = "post"
    __table_args__ = (
        UniqueConstraint("campaign_id", "slug"),
        Index("ix_post_due", "status", "scheduled_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id", ondelete="CASCADE"))
    slug: Mapped[str] = mapped_column(String(40))
    phase: Mapped[str] = mapped_column(String(40))
    status: Mapped[PostStatus] = mapped_column(_enum(PostStatus), default=PostStatus.DRAFT)
    scheduled_at: Mapped[datetime]
    # Due until then: the end of its day, or past the quiet hours that follow it.
    expires_at: Mapped[datetime]
    audience: Mapped[dict[str, Any]]
    content: Mapped[dict[str, Any]]  # text, sms, media, hashtags, templates per language
    version: Mapped[str] = mapped_column(String(64))  # hash of what relays would receive
    first_sent_at: Mapped[datetime | None]  # set once deliveries exist: it went out
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    campaign: Mapped[CampaignRow] = relationship()
