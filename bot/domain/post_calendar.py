"""The editorial calendar as organisers follow it: each post with a status derived from
what the model knows (its row and its deliveries) and its figures from the indicators
(bot/domain/indicators), never counted a second way."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.domain.indicators.days import span
from bot.domain.indicators.figures import Filters, Period, PostFigures
from bot.domain.indicators.posts import post_figures
from bot.domain.indicators.reach import PENDING
from bot.domain.indicators.scope import Scope
from bot.domain.posts import POST_SOURCE
from bot.models import CampaignRow, Delivery, PostRow, PostStatus


class CalendarStatus(enum.StrEnum):
    """draft: planned, will not go out as it is. ready: goes out when due. queued: its
    deliveries exist and some still wait for a worker. sent: every delivery was handed
    over (or ended otherwise). withdrawn: removed from the file before it went out."""

    DRAFT = "draft"
    READY = "ready"
    QUEUED = "queued"
    SENT = "sent"
    WITHDRAWN = "withdrawn"


def status_of(post: PostRow, *, pending: bool) -> CalendarStatus:
    if post.first_sent_at is not None:  # set once its deliveries exist
        return CalendarStatus.QUEUED if pending else CalendarStatus.SENT
    if post.status is PostStatus.WITHDRAWN:
        return CalendarStatus.WITHDRAWN
    return CalendarStatus.DRAFT if post.status is PostStatus.DRAFT else CalendarStatus.READY


@dataclass(frozen=True)
class CalendarPost:
    id: int
    campaign: str  # the campaign's slug
    post_id: str  # the post's id in the campaign file
    scheduled_at: datetime
    day: date  # local
    phase: str
    status: CalendarStatus
    content: dict[str, Any]  # text, sms, media, hashtags per language
    figures: PostFigures | None  # None until it reached a counted relay's outbox

    def text(self, language: str) -> str:
        texts: dict[str, str] = self.content.get("text") or {}
        return texts.get(language) or next(iter(texts.values()), "")


def campaigns(session: Session) -> list[CampaignRow]:
    return list(session.scalars(select(CampaignRow).order_by(CampaignRow.starts_on)))


def _pending(session: Session, post_ids: list[int]) -> set[str]:
    if not post_ids:
        return set()
    return set(
        session.scalars(
            select(Delivery.source_ref)
            .where(
                Delivery.source_kind == POST_SOURCE,
                Delivery.source_ref.in_([str(post_id) for post_id in post_ids]),
                Delivery.status.in_(PENDING),
            )
            .distinct()
        )
    )


def figures_of(
    *, session: Session, rows: list[PostRow], campaign: str, zone: ZoneInfo, filters: Filters
) -> dict[str, PostFigures]:
    """The indicators' figures of these posts of one campaign, by post id (slug)."""
    if not rows:
        return {}
    days = [row.scheduled_at.astimezone(zone).date() for row in rows]
    period = Period(min(days), max(days))
    found = post_figures(session=session, span=span(period, zone), zone=zone, scope=Scope(filters))
    return {figures.post_id: figures for figures in found if figures.campaign == campaign}


def calendar(*, session: Session, campaign: CampaignRow, zone: ZoneInfo) -> list[CalendarPost]:
    """The campaign's posts by time, each with its status and figures."""
    rows = list(
        session.scalars(
            select(PostRow)
            .where(PostRow.campaign_id == campaign.id)
            .order_by(PostRow.scheduled_at, PostRow.slug)
        )
    )
    pending = _pending(session, [row.id for row in rows])
    figures = figures_of(
        session=session,
        rows=rows,
        campaign=campaign.slug,
        zone=zone,
        filters=Filters(campaign=campaign.slug),
    )
    return [_calendar_post(row, campaign, zone, str(row.id) in pending, figures) for row in rows]


def _calendar_post(
    row: PostRow,
    campaign: CampaignRow,
    zone: ZoneInfo,
    pending: bool,
    figures: dict[str, PostFigures],
) -> CalendarPost:
    return CalendarPost(
        id=row.id,
        campaign=campaign.slug,
        post_id=row.slug,
        scheduled_at=row.scheduled_at,
        day=row.scheduled_at.astimezone(zone).date(),
        phase=row.phase,
        status=status_of(row, pending=pending),
        content=row.content,
        figures=figures.get(row.slug),
    )


def find_post(
    *, session: Session, campaign: str, post_id: str
) -> tuple[CampaignRow, PostRow] | None:
    found = session.execute(
        select(CampaignRow, PostRow)
        .join(PostRow, PostRow.campaign_id == CampaignRow.id)
        .where(CampaignRow.slug == campaign, PostRow.slug == post_id)
    ).first()
    return (found[0], found[1]) if found else None


def one_post(
    *, session: Session, campaign: CampaignRow, row: PostRow, zone: ZoneInfo
) -> CalendarPost:
    """A post of the calendar, as calendar() shows it."""
    pending = bool(_pending(session, [row.id]))
    figures = figures_of(
        session=session,
        rows=[row],
        campaign=campaign.slug,
        zone=zone,
        filters=Filters(campaign=campaign.slug),
    )
    return _calendar_post(row, campaign, zone, pending, figures)
