"""Tables of what was sent and what came of it: posts, phases and formats, hashtags,
contests, polls and broadcasts. These are items, not groups of relays: their figures are
shown whole."""

from __future__ import annotations

from typing import Any, Literal
from zoneinfo import ZoneInfo

from bot.domain.indicators.figures import (
    BroadcastFigures,
    GroupFigures,
    HashtagFigures,
    Indicators,
    PostFigures,
)
from bot.enums import Language
from bot.i18n import Text, _
from bot.report import names
from bot.report.cells import NO_RATE, number, percent
from bot.report.grid import Column, Grid, count, grid, label, share, table


def _post_format(header: Text, name: str) -> Column[Any]:
    return Column(
        header,
        lambda item, language: names.post_format(getattr(item, name), language),
        numeric=False,
    )


def posts(indicators: Indicators, language: Language) -> Grid:
    columns: list[Column[PostFigures]] = [
        label(_("post"), "post_id"),
        label(_("date"), "date"),
        label(_("phase"), "phase"),
        _post_format(_("format"), "format"),
        count(_("audience"), "audience"),
        count(_("reached"), "reached"),
        count(_("engaged"), "engaged"),
        share(_("engagement rate"), "engagement_rate"),
        count(_("reactions"), "reactions"),
        count(_("replies"), "replies"),
        count(_("shares"), "shares"),
        count(_("onward reach (declared)"), "onward_reach"),
    ]
    note = _(
        "Onward reach is what relays say when they share (one group counts 1, 2 to 5 "
        "count 2, more than 5 count 6): declared, not measured."
    )
    return table(_("Posts"), columns, indicators.posts, language, note)


def groups(
    found: tuple[GroupFigures, ...], by: Literal["phase", "format"], language: Language
) -> Grid:
    if by == "phase":
        title, key = _("By phase"), label(_("phase"), "key")
    else:
        title, key = _("By format"), _post_format(_("format"), "key")
    columns: list[Column[GroupFigures]] = [
        key,
        count(_("posts"), "posts"),
        count(_("reached"), "reached"),
        count(_("interactions"), "interactions"),
        count(_("engaged"), "engaged"),
        share(_("engagement rate"), "engagement_rate"),
    ]
    return table(title, columns, found, language)


def engagement(indicators: Indicators, language: Language) -> list[Grid]:
    """Reach and engagement of each post, then by phase and by format."""
    return [
        posts(indicators, language),
        groups(indicators.by_phase, "phase", language),
        groups(indicators.by_format, "format", language),
    ]


def _weekly(tag: HashtagFigures, language: Language) -> str:
    return ", ".join(f"{week}: {number(uses, language)}" for week, uses in tag.weekly_uses)


def hashtags(indicators: Indicators, language: Language) -> Grid:
    columns: list[Column[HashtagFigures]] = [
        label(_("hashtag"), "hashtag"),
        count(_("posts"), "posts"),
        count(_("reached"), "reached"),
        count(_("interactions"), "interactions"),
        share(_("engagement rate"), "engagement_rate"),
        count(_("uses by relays"), "relay_uses"),
        Column(_("uses by week"), _weekly, numeric=False),
    ]
    return table(_("Hashtags"), columns, indicators.hashtags, language)


def contests(indicators: Indicators, language: Language) -> Grid:
    columns = [
        (_("contest"), False),
        (_("question"), True),
        (_("sent"), True),
        (_("answered in time"), True),
        (_("right answers"), True),
        (_("took part"), True),
        (_("right"), True),
    ]
    rows = []
    for contest in indicators.contests:
        rows.append(
            [
                contest.contest_id,
                _("all").render(language),
                number(contest.sent, language),
                number(contest.participants, language),
                "",
                percent(contest.participation_rate, language),
                percent(contest.correct_rate, language),
            ]
        )
        rows += [
            [
                "",
                str(question.question),
                number(question.sent, language),
                number(question.answered_in_time, language),
                number(question.correct, language),
                percent(question.participation_rate, language),
                percent(question.correct_rate, language),
            ]
            for question in contest.questions
        ]
    return grid(_("Contests"), columns, rows, language)


def polls(indicators: Indicators, language: Language) -> Grid:
    columns = [
        label(_("poll"), "poll_id"),
        count(_("sent"), "sent"),
        count(_("voters"), "voters"),
        share(_("took part"), "participation_rate"),
    ]
    return table(_("Polls"), columns, indicators.polls, language)


def broadcasts(indicators: Indicators, language: Language, zone: ZoneInfo) -> Grid:
    def created(item: BroadcastFigures, _language: Language) -> str:
        return item.created_at.astimezone(zone).strftime("%Y-%m-%d %H:%M")

    def duration(item: BroadcastFigures, language: Language) -> str:
        if item.time_to_reach is None:
            return NO_RATE
        minutes = number(round(item.time_to_reach / 60, 1), language)
        return _("{minutes} min", minutes=minutes).render(language)

    columns: list[Column[BroadcastFigures]] = [
        label(_("broadcast"), "broadcast_id"),
        Column(_("created"), created, numeric=False),
        count(_("audience"), "audience"),
        count(_("reached"), "reached"),
        count(_("delivered"), "delivered"),
        count(_("read"), "read"),
        count(_("failed"), "failed"),
        count(_("held"), "held"),
        count(_("cancelled"), "cancelled"),
        Column(_("time to reach"), duration),
    ]
    return table(_("Broadcasts"), columns, indicators.broadcasts, language)
