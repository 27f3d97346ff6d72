"""Every indicator of a period at once: the one call the report files, the API and the
terminal make. It only reads; the caller's session may be read-only."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from bot.domain.indicators.ambassadors import ambassador_figures
from bot.domain.indicators.broadcasts import broadcast_figures
from bot.domain.indicators.community import community_daily, community_totals
from bot.domain.indicators.contests import contest_figures
from bot.domain.indicators.days import span
from bot.domain.indicators.engagement import interactions_in
from bot.domain.indicators.figures import Filters, Indicators, Period, rate
from bot.domain.indicators.hashtags import hashtag_figures
from bot.domain.indicators.polls import poll_figures
from bot.domain.indicators.posts import by_format, by_phase, post_figures
from bot.domain.indicators.scope import Scope


def compute(
    *, session: Session, period: Period, filters: Filters, zone: ZoneInfo, min_group: int = 5
) -> Indicators:
    """The indicators of bot/domain/indicators/DEFINITIONS.md for the period's local days in `zone`,
    narrowed by the filters, never counting relays tagged `test`."""
    scope = Scope(filters)
    now, before = span(period, zone), span(period.previous(), zone)
    daily, active_end_before = community_daily(
        session=session, span=now, scope=scope, min_group=min_group
    )
    community = community_totals(daily, period, active_end_before)
    posts = post_figures(session=session, span=now, zone=zone, scope=scope)
    interactions, interactions_before = interactions_in(
        session=session, period=now, before=before, scope=scope
    )
    return Indicators(
        period=period,
        filters=filters,
        min_group=min_group,
        community=community,
        community_daily=tuple(daily),
        posts=tuple(posts),
        by_phase=by_phase(posts),
        by_format=by_format(posts),
        interactions=interactions,
        interactions_before=interactions_before,
        interaction_growth=rate(interactions - interactions_before, interactions_before),
        broadcasts=broadcast_figures(session=session, span=now, scope=scope),
        hashtags=hashtag_figures(session=session, posts=posts, span=now, scope=scope),
        ambassadors=ambassador_figures(
            session=session, span=now, scope=scope, active_end=community.active_end
        ),
        contests=contest_figures(session=session, span=now, scope=scope),
        polls=poll_figures(session=session, span=now, scope=scope),
    )
