"""The machine tables of shared/indicators.md (files, names, columns), as plain values:
CSV files and the workbook's sheets are written from these, so they cannot disagree."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from bot.domain.indicators.figures import Indicators

Cell = str | int | float | bool | date | datetime | None


@dataclass(frozen=True)
class Table:
    name: str  # the file's stem: community_daily.csv, the workbook's sheet
    columns: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]


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
    rows = tuple(
        (
            row.date,
            row.channel,
            row.language,
            row.place,
            row.joined,
            row.rejoined,
            row.stopped,
            row.unreachable,
            row.erased,
            row.active_end,
            row.small_group,
        )
        for row in sorted(
            indicators.community_daily,
            key=lambda row: (row.date, row.channel, row.language, row.place),
        )
    )
    return Table("community_daily", columns, rows)


def posts(indicators: Indicators) -> Table:
    columns = (
        "campaign",
        "post_id",
        "date",
        "phase",
        "format",
        "hashtags",
        "audience",
        "reached",
        "delivered",
        "read",
        "failed",
        "held",
        "interactions",
        "reactions",
        "replies",
        "shares",
        "engaged",
        "engagement_rate",
        "onward_reach",
    )
    rows = tuple(
        (
            post.campaign,
            post.post_id,
            post.date,
            post.phase,
            post.format,
            " ".join(post.hashtags),
            post.audience,
            post.reached,
            post.delivered,
            post.read,
            post.failed,
            post.held,
            post.interactions,
            post.reactions,
            post.replies,
            post.shares,
            post.engaged,
            post.engagement_rate,
            post.onward_reach,
        )
        for post in indicators.posts
    )
    return Table("posts", columns, rows)


def broadcasts(indicators: Indicators) -> Table:
    columns = (
        "broadcast_id",
        "created_at",
        "audience",
        "reached",
        "delivered",
        "read",
        "failed",
        "held",
        "cancelled",
        "time_to_reach",
    )
    rows = tuple(
        (
            item.broadcast_id,
            item.created_at,
            item.audience,
            item.reached,
            item.delivered,
            item.read,
            item.failed,
            item.held,
            item.cancelled,
            item.time_to_reach,
        )
        for item in indicators.broadcasts
    )
    return Table("broadcasts", columns, rows)


def hashtags(indicators: Indicators) -> Table:
    columns = ("hashtag", "posts", "reached", "interactions", "engagement_rate", "relay_uses")
    rows = tuple(
        (tag.hashtag, tag.posts, tag.reached, tag.interactions, tag.engagement_rate, tag.relay_uses)
        for tag in indicators.hashtags
    )
    return Table("hashtags", columns, rows)


def hashtags_weekly(indicators: Indicators) -> Table:
    """relay_uses week by week: in the workbook beside hashtags (not one of the CSV files)."""
    rows = tuple(
        (tag.hashtag, week, uses) for tag in indicators.hashtags for week, uses in tag.weekly_uses
    )
    return Table("hashtags_weekly", ("hashtag", "week", "relay_uses"), rows)


def ambassadors(indicators: Indicators) -> Table:
    rows = tuple(
        (item.pseudonym, item.recruits, item.second_generation)
        for item in indicators.ambassadors.top
    )
    return Table("ambassadors", ("pseudonym", "recruits", "second_generation"), rows)


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
    rows = tuple(
        (
            question.contest_id,
            question.question,
            question.sent,
            question.answered_in_time,
            question.correct,
            question.participation_rate,
            question.correct_rate,
        )
        for contest in indicators.contests
        for question in contest.questions
    )
    return Table("contests", columns, rows)


def polls(indicators: Indicators) -> Table:
    rows = tuple(
        (poll.poll_id, poll.sent, poll.voters, poll.participation_rate) for poll in indicators.polls
    )
    return Table("polls", ("poll_id", "sent", "voters", "participation_rate"), rows)


def file_tables(indicators: Indicators) -> tuple[Table, ...]:
    """The seven CSV files of shared/indicators.md, in its order."""
    return (
        community_daily(indicators),
        posts(indicators),
        broadcasts(indicators),
        hashtags(indicators),
        ambassadors(indicators),
        contests(indicators),
        polls(indicators),
    )
