"""Where one post's deliveries stand: by status over every counted relay, and its
figures per channel and per language, each the indicators' own (the same as
/api/indicators narrowed to that channel or language)."""

from __future__ import annotations

from dataclasses import dataclass
from zoneinfo import ZoneInfo

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from bot.domain.indicators.figures import Filters, PostFigures
from bot.domain.indicators.reach import Reach, reach_of
from bot.domain.indicators.scope import Scope, is_test
from bot.domain.post_calendar import figures_of
from bot.domain.posts import POST_SOURCE
from bot.models import CampaignRow, Delivery, PostRow, Relay


@dataclass(frozen=True)
class Breakdown:
    reach: Reach  # every counted delivery, by status
    by_channel: tuple[tuple[str, PostFigures], ...]
    by_language: tuple[tuple[str, PostFigures], ...]


def _keys(row: PostRow, column: str) -> Select[tuple[str]]:
    """The channels (or languages) of the counted relays the post was sent to."""
    value = getattr(Relay, column)
    return (
        select(value)
        .join(Delivery, Delivery.relay_id == Relay.id)
        .where(
            Delivery.source_kind == POST_SOURCE,
            Delivery.source_ref == str(row.id),
            ~is_test(),
        )
        .distinct()
        .order_by(value)
    )


def breakdown(
    *, session: Session, campaign: CampaignRow, row: PostRow, zone: ZoneInfo
) -> Breakdown:
    everyone = reach_of(
        session=session, source_kind=POST_SOURCE, refs=[str(row.id)], scope=Scope(Filters())
    ).get(str(row.id), Reach())

    def per(column: str) -> tuple[tuple[str, PostFigures], ...]:
        found = []
        for key in session.scalars(_keys(row, column)):
            name = str(key)  # a channel, or a Language (a str enum)
            filters = Filters(campaign=campaign.slug, **{column: name})
            figures = figures_of(
                session=session, rows=[row], campaign=campaign.slug, zone=zone, filters=filters
            ).get(row.slug)
            if figures is not None:
                found.append((name, figures))
        return tuple(found)

    return Breakdown(everyone, per("channel"), per("language"))
