"""The machine tables of bot/domain/indicators/DEFINITIONS.md (files, names, columns),
as plain values: CSV files and the workbook's sheets are written from these, so they
cannot disagree."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from bot.domain.indicators.figures import Indicators

Cell = str | int | float | bool | date | datetime | None


@dataclass(frozen=True)
class Table:
    name: str  # the file's stem: community_daily.csv, the workbook's sheet
    columns: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]


# How far a message got: the same columns for a post and for a broadcast.
DELIVERY = ("audience", "reached", "delivered", "read", "failed", "held")


def _table(
    name: str,
    columns: tuple[str, ...],
    items: Iterable[object],
    computed: Mapping[str, Callable[[Any], Cell]] | None = None,
) -> Table:
    """A row per item: each column the item's attribute of that name, unless computed."""
    made = computed or {}
    rows = tuple(
        tuple(made[column](item) if column in made else getattr(item, column) for column in columns)
        for item in items
    )
    return Table(name, columns, rows)


def community_daily(indicators: Indicators) -> Table:
    columns = (
        "date",
        "channel",
        "language",
        "place",
        "joined",
        "rejoined",
        "stopped",
        "unreachable",
        "erased",
        "active_end",
        "small_group",
    )
    rows = sorted(
        indicators.community_daily,
        key=lambda row: (row.date, row.channel, row.language, row.place),
    )
    return _table("community_daily", columns, rows)


def posts(indicators: Indicators) -> Table:
    columns = (
        "campaign",
        "post_id",
        "date",
        "phase",
        "format",
        "hashtags",
        *DELIVERY,
        "interactions",
        "reactions",
        "replies",
        "shares",
        "engaged",
        "engagement_rate",
        "onward_reach",
    )
    joined = {"hashtags": lambda post: " ".join(post.hashtags)}
    return _table("posts", columns, indicators.posts, joined)


def broadcasts(indicators: Indicators) -> Table:
    columns = ("broadcast_id", "created_at", *DELIVERY, "cancelled", "time_to_reach")
    return _table("broadcasts", columns, indicators.broadcasts)


def hashtags(indicators: Indicators) -> Table:
    columns = ("hashtag", "posts", "reached", "interactions", "engagement_rate", "relay_uses")
    return _table("hashtags", columns, indicators.hashtags)


def hashtags_weekly(indicators: Indicators) -> Table:
    """relay_uses week by week: in the workbook beside hashtags (not one of the CSV files)."""
    rows = tuple(
        (tag.hashtag, week, uses) for tag in indicators.hashtags for week, uses in tag.weekly_uses
    )
    return Table("hashtags_weekly", ("hashtag", "week", "relay_uses"), rows)


def ambassadors(indicators: Indicators) -> Table:
    columns = ("pseudonym", "recruits", "second_generation")
    return _table("ambassadors", columns, indicators.ambassadors.top)


def contests(indicators: Indicators) -> Table:
    columns = (
        "contest_id",
        "question",
        "sent",
        "answered_in_time",
        "correct",
        "participation_rate",
        "correct_rate",
    )
    questions = (question for contest in indicators.contests for question in contest.questions)
    return _table("contests", columns, questions)


def polls(indicators: Indicators) -> Table:
    columns = ("poll_id", "sent", "voters", "participation_rate")
    return _table("polls", columns, indicators.polls)


def file_tables(indicators: Indicators) -> tuple[Table, ...]:
    """The seven CSV files of bot/domain/indicators/DEFINITIONS.md, in its order."""
    return (
        community_daily(indicators),
        posts(indicators),
        broadcasts(indicators),
        hashtags(indicators),
        ambassadors(indicators),
        contests(indicators),
        polls(indicators),
    )
