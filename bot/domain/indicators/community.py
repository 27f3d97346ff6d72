"""The community day by day, from relays' history (relay_event): who joined, rejoined,
stopped, became unreachable or was erased, and how many could receive posts at the end
of each day, per channel, language and place.

Each relay's history is cut into stretches, from one event to their next (LEAD). A
stretch that begins with joined, rejoined or reachable is a stretch of being active: +1
to its cell (the channel, language and place the event recorded) at its start, −1 at
its end. active_end of a day is the sum of these moves up to the day's end: what the
period opens with, plus a running sum (a window) over its days. A relay who changes
place between events stays in the cell of their last event.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from sqlalchemy import Integer, Subquery, and_, case, func, literal, select, true, union_all
from sqlalchemy.orm import Session

from bot.domain.indicators.days import BEFORE, Span, bucket_of, numbers
from bot.domain.indicators.figures import Community, CommunityDay, Period, rate
from bot.domain.indicators.scope import Scope, place_of, test_relays
from bot.models import RelayEvent, RelayEventKind, UTCDateTime

K = RelayEventKind
ACTIVE = (K.JOINED, K.REJOINED, K.REACHABLE)
COUNTED = (K.JOINED, K.REJOINED, K.STOPPED, K.UNREACHABLE, K.ERASED)
CELL = ("channel", "language", "place")


def _moves(span: Span, scope: Scope) -> Subquery:
    """Every event before the period's end, and every end of an active stretch: time,
    cell, +1/−1 and a 1 under its kind's column."""
    history = (
        select(
            RelayEvent.kind,
            RelayEvent.at,
            RelayEvent.channel,
            RelayEvent.language,
            place_of(RelayEvent.place).label("place"),
            func.lead(RelayEvent.at, type_=UTCDateTime())
            .over(partition_by=RelayEvent.relay_id, order_by=(RelayEvent.at, RelayEvent.id))
            .label("next_at"),
        )
        .where(RelayEvent.at < span.end, RelayEvent.relay_id.not_in(test_relays()))
        .cte("history")
    )
    h = history.c
    # Filtered after LEAD: a stretch ends at the relay's next event, whatever its cell.
    in_cell = scope.matches(h.channel, h.language, h.place)
    active = h.kind.in_(ACTIVE)
    kinds = [case((h.kind == kind, 1), else_=0).label(kind.value) for kind in COUNTED]
    starts = select(
        h.at.label("at"),
        h.channel,
        h.language,
        h.place,
        case((active, 1), else_=0).label("delta"),
        *kinds,
    ).where(in_cell)
    zero = [literal(0, Integer).label(kind.value) for kind in COUNTED]
    ends = select(
        h.next_at.label("at"),
        h.channel,
        h.language,
        h.place,
        literal(-1, Integer).label("delta"),
        *zero,
    ).where(in_cell, active, h.next_at.is_not(None), h.next_at < span.end)
    return union_all(starts, ends).subquery("moves")


def community_daily(
    *, session: Session, span: Span, scope: Scope, min_group: int
) -> tuple[list[CommunityDay], int]:
    """One row per day and cell with anything to show (an event, or someone active),
    and what the period opens with (active_end of the day before it)."""
    moves = _moves(span, scope)
    m = moves.c
    bucketed = select(
        bucket_of(m.at, span.days, before=True).label("day"),
        m.channel,
        m.language,
        m.place,
        m.delta,
        *(m[kind.value] for kind in COUNTED),
    ).subquery("bucketed")
    b = bucketed.c
    per_day = (
        select(
            b.day,
            *(b[name] for name in CELL),
            func.sum(b.delta).label("delta"),
            *(func.sum(b[kind.value]).label(kind.value) for kind in COUNTED),
        )
        .group_by(b.day, *(b[name] for name in CELL))
        .cte("per_day")
    )
    p = per_day.c
    days = numbers(len(span.days), "days")
    cells = select(*(p[name] for name in CELL)).distinct().cte("cells")
    opening = per_day.alias("opening")
    same_cell = [p[name] == cells.c[name] for name in CELL]
    grid = (
        select(
            days.c.n.label("day"),
            *(cells.c[name] for name in CELL),
            *(func.coalesce(p[kind.value], 0).label(kind.value) for kind in COUNTED),
            func.coalesce(opening.c.delta, 0).label("opened"),
            (
                func.coalesce(opening.c.delta, 0)
                + func.sum(func.coalesce(p.delta, 0)).over(
                    partition_by=[cells.c[name] for name in CELL], order_by=days.c.n
                )
            ).label("active_end"),
        )
        .select_from(days.join(cells, true()))
        .outerjoin(per_day, and_(p.day == days.c.n, *same_cell))
        .outerjoin(
            opening,
            and_(opening.c.day == BEFORE, *(opening.c[n] == cells.c[n] for n in CELL)),
        )
        .subquery("grid")
    )
    daily: list[CommunityDay] = []
    opened = 0
    for row in session.execute(select(grid).order_by(grid.c.day, *(grid.c[n] for n in CELL))):
        counts = {kind.value: int(row._mapping[kind.value]) for kind in COUNTED}
        active_end = int(row.active_end)
        if row.day == 0:
            opened += int(row.opened)
        if active_end or any(counts.values()):  # a cell with nothing to show that day
            daily.append(
                CommunityDay(
                    date=date.fromisoformat(span.days[row.day].label),
                    channel=row.channel,
                    language=row.language,
                    place=row.place,
                    **counts,
                    active_end=active_end,
                    small_group=active_end < min_group,
                )
            )
    return daily, opened


def community_totals(
    daily: list[CommunityDay], period: Period, active_end_before: int
) -> Community:
    """The period's figures: the sums of its days, and active_end on its last day."""
    last = [day for day in daily if day.date == period.end]
    active_end = sum(day.active_end for day in last)
    per_channel: dict[str, int] = defaultdict(int)
    for day in last:
        per_channel[day.channel] += day.active_end
    joined = sum(day.joined for day in daily)
    rejoined = sum(day.rejoined for day in daily)
    stopped = sum(day.stopped for day in daily)
    return Community(
        joined=joined,
        rejoined=rejoined,
        stopped=stopped,
        unreachable=sum(day.unreachable for day in daily),
        erased=sum(day.erased for day in daily),
        active_end=active_end,
        active_end_before=active_end_before,
        growth_rate=rate(active_end - active_end_before, active_end_before),
        opt_out_rate=rate(stopped, active_end_before + joined + rejoined),
        channel_share={
            channel: rate(count, active_end) for channel, count in sorted(per_channel.items())
        },
    )
