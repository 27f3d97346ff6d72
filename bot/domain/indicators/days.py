"""A period's local days and ISO weeks as UTC instants, converted once, so every query
compares stored UTC times with bound values and never converts a row's time zone (SQLite
cannot; and an index on a time column serves only a bare comparison)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import CTE, Integer, SQLColumnExpression, case, literal, select
from sqlalchemy.sql.elements import ColumnElement

from bot.domain.indicators.figures import Period

BEFORE = -1  # bucket_of's position for what comes before the first bucket


def midnight(day: date, zone: ZoneInfo) -> datetime:
    """The UTC instant a local day begins."""
    return datetime.combine(day, time(0), tzinfo=zone).astimezone(UTC)


def iso_week(day: date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


@dataclass(frozen=True)
class Bucket:
    """A labelled stretch of time, [start, end) in UTC."""

    label: str
    start: datetime
    end: datetime


@dataclass(frozen=True)
class Span:
    """A period in UTC: [start, end), its local days and the ISO weeks they fall in."""

    start: datetime
    end: datetime
    days: tuple[Bucket, ...]
    weeks: tuple[Bucket, ...]

    def holds(self, column: SQLColumnExpression[Any]) -> ColumnElement[bool]:
        return (column >= self.start) & (column < self.end)


def span(period: Period, zone: ZoneInfo) -> Span:
    if period.end < period.start:
        raise ValueError(f"the period ends ({period.end}) before it starts ({period.start})")
    dates = [period.start + timedelta(days=n) for n in range(period.days)]
    days = tuple(
        Bucket(day.isoformat(), midnight(day, zone), midnight(day + timedelta(days=1), zone))
        for day in dates
    )
    weeks: list[Bucket] = []
    for day in days:
        label = iso_week(date.fromisoformat(day.label))
        if weeks and weeks[-1].label == label:
            weeks[-1] = Bucket(label, weeks[-1].start, day.end)
        else:
            weeks.append(Bucket(label, day.start, day.end))
    return Span(days[0].start, days[-1].end, days, tuple(weeks))


def bucket_of(
    column: SQLColumnExpression[Any], buckets: tuple[Bucket, ...], *, before: bool = False
) -> ColumnElement[int]:
    """The position of the bucket a time falls in, for times the query keeps before the
    last bucket's end; with `before`, −1 for the times before the first bucket (without,
    they count in the first). The buckets follow each other with no gap, so a search
    halving them (nested CASEs) finds the one in a few comparisons, where a CASE with a
    branch per day would try a year's worth for a date in December."""
    found = _search(column, buckets, 0, len(buckets))
    if not before:
        return found
    return case((column < buckets[0].start, literal(BEFORE, Integer)), else_=found)


def _search(
    column: SQLColumnExpression[Any], buckets: tuple[Bucket, ...], low: int, high: int
) -> ColumnElement[int]:
    if high - low == 1:
        return literal(low, Integer)
    middle = (low + high) // 2
    return case(
        (column < buckets[middle].start, _search(column, buckets, low, middle)),
        else_=_search(column, buckets, middle, high),
    )


def numbers(count: int, name: str) -> CTE:
    """0, 1, … count − 1 as a table (a recursive CTE: no limit on how many, unlike a
    UNION of literals on SQLite)."""
    start = select(literal(0, Integer).label("n")).cte(name, recursive=True)
    return start.union_all(select(start.c.n + 1).where(start.c.n < count - 1))
