"""The community's daily rows folded the ways people look at them: per day (totals), per
day and channel, and per channel, language or place over the period."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

from bot.domain.indicators.figures import CommunityDay, Indicators, Period

Breakdown = Literal["channel", "language", "place"]


@dataclass(frozen=True)
class Movements:
    """Counts over some days; active_end at the end of the last one."""

    joined: int = 0
    rejoined: int = 0
    stopped: int = 0
    unreachable: int = 0
    erased: int = 0
    active_end: int = 0


def days(period: Period) -> list[date]:
    return [period.start + timedelta(days=offset) for offset in range(period.days)]


def _fold(rows: Iterable[CommunityDay], last_day: date) -> Movements:
    joined = rejoined = stopped = unreachable = erased = active_end = 0
    for row in rows:
        joined += row.joined
        rejoined += row.rejoined
        stopped += row.stopped
        unreachable += row.unreachable
        erased += row.erased
        if row.date == last_day:
            active_end += row.active_end
    return Movements(joined, rejoined, stopped, unreachable, erased, active_end)


def per_day(indicators: Indicators) -> list[tuple[date, Movements]]:
    """Every day of the period, days without a row included (all zero)."""
    by_day: dict[date, list[CommunityDay]] = defaultdict(list)
    for row in indicators.community_daily:
        by_day[row.date].append(row)
    return [(day, _fold(by_day[day], day)) for day in days(indicators.period)]


def active_per_channel(indicators: Indicators) -> dict[str, list[int]]:
    """Relays able to receive posts at the end of each day of the period, per channel."""
    index = {day: position for position, day in enumerate(days(indicators.period))}
    found: dict[str, list[int]] = {}
    for row in indicators.community_daily:
        position = index.get(row.date)
        if position is None:
            continue
        series = found.setdefault(row.channel, [0] * len(index))
        series[position] += row.active_end
    return dict(sorted(found.items()))


def broken_down(indicators: Indicators, by: Breakdown) -> list[tuple[str, Movements]]:
    """The period's movements per channel, language or place, largest community first."""
    groups: dict[str, list[CommunityDay]] = defaultdict(list)
    for row in indicators.community_daily:
        groups[getattr(row, by)].append(row)
    folded = [(key, _fold(rows, indicators.period.end)) for key, rows in groups.items()]
    return sorted(folded, key=lambda item: (-item[1].active_end, item[0]))


def narrowed(indicators: Indicators) -> bool:
    """Figures narrowed to one channel, language or place are a breakdown cell themselves,
    totals included: only the whole campaign's totals are always shown."""
    filters = indicators.filters
    return any((filters.channel, filters.language, filters.place))
