"""/api/indicators: the campaign's indicators as JSON (shared/indicators.md), the same
figures as `relais report`. For machines: small groups keep their figures and are marked
`small_group`, as in the report's CSV files."""

from __future__ import annotations

from dataclasses import fields
from datetime import date, datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, HTTPException, Query, Request, status
from pydantic import BaseModel, Field, field_validator
from starlette.concurrency import run_in_threadpool

from bot.domain.indicators.figures import Filters, Indicators
from bot.models import Language
from bot.report.gather import BadPeriod, UnknownCampaign, gather, period_of
from bot.web.access import require_operator
from bot.web.services import ServicesDep

__all__ = ["router"]

Rate = Annotated[
    float | None,
    Field(description="A fraction in [0, 1], 4 decimals; null when its denominator is 0."),
]
Channel = Literal["telegram", "whatsapp", "sms", "console"]


def _operator(request: Request, services: ServicesDep) -> None:
    require_operator(request, services)


router = APIRouter(prefix="/api", tags=["indicators"], dependencies=[Depends(_operator)])


class PeriodOut(BaseModel):
    start: date = Field(description="First local day, included.")
    end: date = Field(description="Last local day, included.")


class FiltersOut(BaseModel):
    campaign: str | None
    channel: str | None
    language: str | None
    place: str | None


class CommunityOut(BaseModel):
    joined: int
    rejoined: int
    stopped: int
    unreachable: int
    erased: int
    active_end: int = Field(description="Relays able to receive posts at the period's end.")
    active_end_before: int = Field(description="The same at the previous period's end.")
    growth_rate: Rate
    opt_out_rate: Rate
    channel_share: dict[str, Rate] = Field(description="Channel → share of active_end.")


class CommunityDayOut(BaseModel):
    date: date
    channel: str
    language: str
    place: str = Field(description='"unknown" when the relay gave none.')
    joined: int
    rejoined: int
    stopped: int
    unreachable: int
    erased: int
    active_end: int
    small_group: bool = Field(description="active_end is under min_group.")


class PostFiguresOut(BaseModel):
    campaign: str
    post_id: str = Field(description="The post's id in the campaign file.")
    date: date
    phase: str
    format: str = Field(description="text, photo, voice or video.")
    hashtags: list[str]
    audience: int
    reached: int
    delivered: int
    read: int
    failed: int
    held: int
    interactions: int
    reactions: int
    replies: int
    shares: int
    engaged: int
    engagement_rate: Rate
    onward_reach: int = Field(description="Declared by relays when they share, not measured.")


class GroupFiguresOut(BaseModel):
    key: str = Field(description="The phase or the format.")
    posts: int
    reached: int
    interactions: int
    engaged: int
    engagement_rate: Rate


class BroadcastFiguresOut(BaseModel):
    broadcast_id: int
    created_at: datetime
    audience: int
    reached: int
    delivered: int
    read: int
    failed: int
    held: int
    cancelled: int
    time_to_reach: float | None = Field(description="Seconds, once every delivery has ended.")


class HashtagFiguresOut(BaseModel):
    hashtag: str
    posts: int
    reached: int
    interactions: int
    engagement_rate: Rate
    relay_uses: int = Field(description="Messages from relays in the period that contain it.")
    weekly_uses: dict[str, int] = Field(description='relay_uses per ISO week ("2026-W49").')

    @field_validator("weekly_uses", mode="before")
    @classmethod
    def _pairs(cls, value: Any) -> Any:
        return dict(value) if isinstance(value, tuple | list) else value


class AmbassadorOut(BaseModel):
    pseudonym: str = Field(description="The leaderboard's pseudonym: never a name or number.")
    recruits: int
    second_generation: int


class AmbassadorsOut(BaseModel):
    ambassadors: int
    recruits: int
    ambassador_share: Rate
    recruits_per_ambassador: float | None
    top: list[AmbassadorOut]


class QuestionFiguresOut(BaseModel):
    contest_id: str
    question: int = Field(description="Position in the contest, from 1.")
    sent: int
    answered_in_time: int
    correct: int
    participation_rate: Rate
    correct_rate: Rate
    answers_per_hour: list[int] = Field(description="Answers in hour 0, 1, … after opening.")


class ContestFiguresOut(BaseModel):
    contest_id: str
    sent: int = Field(description="Relays sent its first question.")
    participants: int = Field(description="Relays with at least one answer in time.")
    participation_rate: Rate
    correct_rate: Rate
    questions: list[QuestionFiguresOut]


class PollFiguresOut(BaseModel):
    poll_id: str
    sent: int
    voters: int
    participation_rate: Rate


class IndicatorsOut(BaseModel):
    period: PeriodOut
    filters: FiltersOut
    min_group: int
    small_group: bool = Field(
        description="Narrowed to a channel, language or place with fewer than min_group "
        "relays at the period's end: people-facing views would hide these figures."
    )
    community: CommunityOut
    community_daily: list[CommunityDayOut]
    posts: list[PostFiguresOut]
    by_phase: list[GroupFiguresOut]
    by_format: list[GroupFiguresOut]
    interactions: int
    interactions_before: int
    interaction_growth: Rate
    broadcasts: list[BroadcastFiguresOut]
    hashtags: list[HashtagFiguresOut]
    ambassadors: AmbassadorsOut
    contests: list[ContestFiguresOut]
    polls: list[PollFiguresOut]


def indicators_out(indicators: Indicators) -> IndicatorsOut:
    filters = indicators.filters
    narrowed = any((filters.channel, filters.language, filters.place))
    values = {item.name: getattr(indicators, item.name) for item in fields(indicators)}
    small = narrowed and indicators.community.active_end < indicators.min_group
    return IndicatorsOut.model_validate({**values, "small_group": small}, from_attributes=True)


@router.get(
    "/indicators",
    responses={
        status.HTTP_404_NOT_FOUND: {"description": "No campaign by that slug."},
        status.HTTP_422_UNPROCESSABLE_CONTENT: {
            "description": "A date that is not one, or a period that ends before it starts."
        },
    },
)
async def get_indicators(
    services: ServicesDep,
    start: Annotated[
        date | None,
        Query(alias="from", description="First day; default: the campaign's first."),
    ] = None,
    end: Annotated[
        date | None,
        Query(alias="to", description="Last day, included; default: today or the campaign's end."),
    ] = None,
    campaign: Annotated[str | None, Query(description="A campaign's slug.")] = None,
    channel: Channel | None = None,
    language: Language | None = None,
    place: Annotated[str | None, Query(description='A place, or "unknown".')] = None,
) -> IndicatorsOut:
    """The indicators for a period, narrowed to a campaign, channel, language or place."""
    zone = services.settings.zone
    filters = Filters(
        campaign=campaign,
        channel=channel,
        language=language.value if language else None,
        place=place,
    )

    def read() -> IndicatorsOut:
        today = datetime.now(zone).date()
        with services.factory() as session:
            try:
                period = period_of(
                    session=session, campaign=campaign, start=start, end=end, zone=zone, today=today
                )
            except UnknownCampaign as exc:
                raise HTTPException(status.HTTP_404_NOT_FOUND, "no such campaign") from exc
            except BadPeriod as exc:
                raise HTTPException(
                    status.HTTP_422_UNPROCESSABLE_CONTENT, "the period ends before it starts"
                ) from exc
            found = gather(
                session=session,
                period=period,
                filters=filters,
                zone=zone,
                min_group=services.settings.min_group,
            )
        return indicators_out(found)

    return await run_in_threadpool(read)
