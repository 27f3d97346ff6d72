"""The indicators as values: what `compute` returns and every view (report files, the
API, the terminal, the dashboard) shows. Names follow DEFINITIONS.md (beside this file)
and its file columns. Rates are fractions in [0, 1] rounded to 4 decimals, None when
their denominator is 0."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

Rate = float | None


@dataclass(frozen=True)
class Period:
    """Local dates in the campaign's zone, closed on both ends."""

    start: date
    end: date

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def previous(self) -> Period:
        """The period of the same length just before this one."""
        return Period(self.start - timedelta(days=self.days), self.start - timedelta(days=1))


@dataclass(frozen=True)
class Filters:
    """Narrow every figure to one campaign, channel, language or place (None: all)."""

    campaign: str | None = None  # the campaign's slug
    channel: str | None = None
    language: str | None = None
    place: str | None = None


@dataclass(frozen=True)
class CommunityDay:
    """community_daily.csv: one row per day, channel, language and place."""

    date: date
    channel: str
    language: str
    place: str  # "unknown" when none
    joined: int
    rejoined: int
    stopped: int
    unreachable: int
    erased: int
    active_end: int
    small_group: bool


@dataclass(frozen=True)
class Community:
    """The period's community figures (after Filters), and per channel."""

    joined: int
    rejoined: int
    stopped: int
    unreachable: int
    erased: int
    active_end: int  # at the end of the period's last day
    active_end_before: int  # at the end of the previous period's last day
    growth_rate: Rate
    opt_out_rate: Rate
    channel_share: dict[str, Rate] = field(default_factory=dict)  # channel → share


@dataclass(frozen=True)
class PostFigures:
    """posts.csv: one row per post over the period."""

    campaign: str
    post_id: str
    date: date  # the post's local day
    phase: str
    format: str  # text, photo, voice, video (document counts as text)
    hashtags: tuple[str, ...]
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
    onward_reach: int  # declared by relays when they share, not measured


@dataclass(frozen=True)
class GroupFigures:
    """Posts summed by phase or by format; the rate is computed on the sums."""

    key: str
    posts: int
    reached: int
    interactions: int
    engaged: int
    engagement_rate: Rate


@dataclass(frozen=True)
class BroadcastFigures:
    """broadcasts.csv"""

    broadcast_id: int
    created_at: datetime
    audience: int
    reached: int
    delivered: int
    read: int
    failed: int
    held: int
    cancelled: int
    time_to_reach: float | None  # seconds, once every delivery has ended


@dataclass(frozen=True)
class HashtagFigures:
    """hashtags.csv, and relay_uses week by week (ISO week "2026-W49" → uses)."""

    hashtag: str
    posts: int
    reached: int
    interactions: int
    engagement_rate: Rate
    relay_uses: int
    weekly_uses: tuple[tuple[str, int], ...] = ()


@dataclass(frozen=True)
class Ambassador:
    """ambassadors.csv: a top recruiter, by the leaderboard's pseudonym only."""

    pseudonym: str
    recruits: int
    second_generation: int


@dataclass(frozen=True)
class Sharer:
    """A relay who said they passed posts on, by pseudonym only."""

    pseudonym: str
    shares: int
    onward_reach: int  # declared, not measured


@dataclass(frozen=True)
class Ambassadors:
    ambassadors: int
    recruits: int
    ambassador_share: Rate
    recruits_per_ambassador: float | None
    top: tuple[Ambassador, ...] = ()
    top_sharers: tuple[Sharer, ...] = ()  # shares in the period, most first


@dataclass(frozen=True)
class QuestionFigures:
    """contests.csv: one row per question (position from 1)."""

    contest_id: str
    question: int
    sent: int
    answered_in_time: int
    correct: int
    participation_rate: Rate
    correct_rate: Rate
    answers_per_hour: tuple[int, ...] = ()  # hour 0, 1, … after opening


@dataclass(frozen=True)
class ContestFigures:
    contest_id: str
    sent: int  # relays sent its first question
    participants: int  # relays with at least one answer in time
    participation_rate: Rate
    correct_rate: Rate  # over every in-time answer
    questions: tuple[QuestionFigures, ...] = ()


@dataclass(frozen=True)
class PollFigures:
    """polls.csv"""

    poll_id: str
    sent: int
    voters: int
    participation_rate: Rate
    # Votes per choice in the poll's order; None below its threshold, as in the chat.
    results: tuple[int, ...] | None = None


@dataclass(frozen=True)
class Indicators:
    period: Period
    filters: Filters
    min_group: int
    community: Community
    community_daily: tuple[CommunityDay, ...]
    posts: tuple[PostFigures, ...]
    by_phase: tuple[GroupFigures, ...]
    by_format: tuple[GroupFigures, ...]
    interactions: int  # in the period
    interactions_before: int  # in the previous period
    interaction_growth: Rate
    broadcasts: tuple[BroadcastFigures, ...]
    hashtags: tuple[HashtagFigures, ...]
    ambassadors: Ambassadors
    contests: tuple[ContestFigures, ...]
    polls: tuple[PollFigures, ...]


def rate(numerator: float, denominator: float) -> Rate:
    """A fraction rounded to 4 decimals; None when there is nothing to divide by."""
    return round(numerator / denominator, 4) if denominator else None
