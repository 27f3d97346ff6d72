"""/api/indicators: the campaign's indicators as JSON, as
bot/domain/indicators/DEFINITIONS.md defines them: the same figures as `relais report`.
For machines: small groups keep their figures and are marked `small_group`, as in the
report's CSV files."""

from __future__ import annotations

from dataclasses import fields
from datetime import date, datetime
from typing import Annotated, Any, Literal, get_type_hints

from fastapi import APIRouter, Depends, HTTPException, Query, Request, status
from pydantic import BaseModel, BeforeValidator, Field, create_model
from pydantic.fields import FieldInfo
from starlette.concurrency import run_in_threadpool

from bot.domain.indicators import figures
from bot.models import Language
from bot.report.gather import (
    MAX_PERIOD_DAYS,
    BadPeriod,
    LongPeriod,
    UnknownCampaign,
    gather,
    period_of,
)
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


# The response models are the figures' dataclasses field by field, in their order, so
# that the two cannot drift apart; what the API adds is what /docs says of a field (and
# weeks as an object). Each is known by its dataclass's name to the models built after
# it, which nest it.
_API_TYPES: dict[str, Any] = {"Rate": Rate}


def _out(
    source: type,
    described: dict[str, str] | None = None,
    retyped: dict[str, Any] | None = None,
    **more: tuple[Any, FieldInfo],
) -> type[BaseModel]:
    """The response model of one of figures' dataclasses; `more` adds fields after its own."""
    hints = get_type_hints(source, localns=_API_TYPES, include_extras=True)
    described, retyped = described or {}, retyped or {}
    unknown = (described.keys() | retyped.keys()) - {item.name for item in fields(source)}
    if unknown:  # a field renamed in the figures would lose its words in /docs
        raise TypeError(f"{source.__name__} has no field {sorted(unknown)}")
    definitions: dict[str, Any] = {}
    for item in fields(source):
        kind, said = retyped.get(item.name, hints[item.name]), described.get(item.name)
        # A field without words of its own keeps those of its type (a Rate's).
        definitions[item.name] = (kind, Field(description=said)) if said else (kind, ...)
    definitions.update(more)
    model: type[BaseModel] = create_model(f"{source.__name__}Out", **definitions)
    _API_TYPES[source.__name__] = model
    return model


_out(figures.Period, {"start": "First local day, included.", "end": "Last local day, included."})
_out(figures.Filters)
_out(
    figures.Community,
    {
        "active_end": "Relays able to receive posts at the period's end.",
        "active_end_before": "The same at the previous period's end.",
        "channel_share": "Channel → share of active_end.",
    },
)
_out(
    figures.CommunityDay,
    {
        "place": '"unknown" when the relay gave none.',
        "small_group": "active_end is under min_group.",
    },
)
_out(
    figures.PostFigures,
    {
        "post_id": "The post's id in the campaign file.",
        "format": "text, photo, voice or video.",
        "onward_reach": "Declared by relays when they share, not measured.",
    },
)
_out(figures.GroupFigures, {"key": "The phase or the format."})
_out(figures.BroadcastFigures, {"time_to_reach": "Seconds, once every delivery has ended."})
_out(
    figures.HashtagFigures,
    {
        "relay_uses": "Messages from relays in the period that contain it.",
        "weekly_uses": 'relay_uses per ISO week ("2026-W49").',
    },
    # Pairs of (week, uses) in the figures, an object for JSON readers.
    {"weekly_uses": Annotated[dict[str, int], BeforeValidator(dict)]},
)
_out(figures.Ambassador, {"pseudonym": "The leaderboard's pseudonym: never a name or number."})
_out(
    figures.Sharer,
    {
        "pseudonym": "The leaderboard's pseudonym: never a name or number.",
        "onward_reach": "Declared by relays when they share, not measured.",
    },
)
_out(figures.Ambassadors, {"top_sharers": "Shares within 48 hours of their post, most first."})
_out(
    figures.QuestionFigures,
    {
        "question": "Position in the contest, from 1.",
        "answers_per_hour": "Answers in hour 0, 1, … after opening.",
    },
)
_out(
    figures.ContestFigures,
    {
        "sent": "Relays sent its first question.",
        "participants": "Relays with at least one answer in time.",
    },
)
_out(figures.PollFigures)
IndicatorsOut = _out(
    figures.Indicators,
    small_group=(
        bool,
        Field(
            description="Narrowed to a channel, language or place with fewer than min_group "
            "relays at the period's end: people-facing views would hide these figures."
        ),
    ),
)


def indicators_out(indicators: figures.Indicators) -> BaseModel:
    filters = indicators.filters
    narrowed = any((filters.channel, filters.language, filters.place))
    values = {item.name: getattr(indicators, item.name) for item in fields(indicators)}
    small = narrowed and indicators.community.active_end < indicators.min_group
    return IndicatorsOut.model_validate({**values, "small_group": small}, from_attributes=True)


@router.get(
    "/indicators",
    response_model=IndicatorsOut,
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
) -> BaseModel:
    """The indicators for a period, narrowed to a campaign, channel, language or place."""
    zone = services.settings.zone
    filters = figures.Filters(
        campaign=campaign,
        channel=channel,
        language=language.value if language else None,
        place=place,
    )

    def read() -> BaseModel:
        today = datetime.now(zone).date()
        with services.factory() as session:
            try:
                period = period_of(
                    session=session, campaign=campaign, start=start, end=end, zone=zone, today=today
                )
            except UnknownCampaign as exc:
                raise HTTPException(status.HTTP_404_NOT_FOUND, "no such campaign") from exc
            except LongPeriod as exc:
                detail = f"the period is longer than {MAX_PERIOD_DAYS} days"
                raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, detail) from exc
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
