"""Tables of what was sent and what came of it: posts, phases and formats, hashtags,
contests, polls and broadcasts. These are items, not groups of relays: their figures are
shown whole."""

from __future__ import annotations

from datetime import datetime
from typing import Literal
from zoneinfo import ZoneInfo

from bot.domain.indicators.figures import GroupFigures, Indicators
from bot.enums import Language
from bot.i18n import _
from bot.report import names
from bot.report.cells import NO_RATE, number, percent
from bot.report.grid import Grid, grid


def posts(indicators: Indicators, language: Language) -> Grid:
    columns = [
        (_("post"), False),
        (_("date"), False),
        (_("phase"), False),
        (_("format"), False),
        (_("audience"), True),
        (_("reached"), True),
        (_("engaged"), True),
        (_("engagement rate"), True),
        (_("reactions"), True),
        (_("replies"), True),
        (_("shares"), True),
        (_("onward reach (declared)"), True),
    ]
    rows = [
        [
            post.post_id,
            post.date.isoformat(),
            post.phase,
            names.post_format(post.format, language),
            number(post.audience, language),
            number(post.reached, language),
            number(post.engaged, language),
            percent(post.engagement_rate, language),
            number(post.reactions, language),
            number(post.replies, language),
            number(post.shares, language),
            number(post.onward_reach, language),
        ]
        for post in indicators.posts
    ]
    note = _(
        "Onward reach is what relays say when they share (one group counts 1, 2 to 5 "
        "count 2, more than 5 count 6): declared, not measured."
    )
    return grid(_("Posts"), columns, rows, language, note)


def groups(
    found: tuple[GroupFigures, ...], by: Literal["phase", "format"], language: Language
) -> Grid:
    title, header = (_("By phase"), _("phase")) if by == "phase" else (_("By format"), _("format"))
    columns = [
        (header, False),
        (_("posts"), True),
        (_("reached"), True),
        (_("interactions"), True),
        (_("engaged"), True),
        (_("engagement rate"), True),
    ]
    rows = [
        [
            names.post_format(group.key, language) if by == "format" else group.key,
            number(group.posts, language),
            number(group.reached, language),
            number(group.interactions, language),
            number(group.engaged, language),
            percent(group.engagement_rate, language),
        ]
        for group in found
    ]
    return grid(title, columns, rows, language)


def hashtags(indicators: Indicators, language: Language) -> Grid:
    columns = [
        (_("hashtag"), False),
        (_("posts"), True),
        (_("reached"), True),
        (_("interactions"), True),
        (_("engagement rate"), True),
        (_("uses by relays"), True),
        (_("uses by week"), False),
    ]
    rows = [
        [
            tag.hashtag,
            number(tag.posts, language),
            number(tag.reached, language),
            number(tag.interactions, language),
            percent(tag.engagement_rate, language),
            number(tag.relay_uses, language),
            ", ".join(f"{week}: {number(uses, language)}" for week, uses in tag.weekly_uses),
        ]
        for tag in indicators.hashtags
    ]
    return grid(_("Hashtags"), columns, rows, language)


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
    columns = [(_("poll"), False), (_("sent"), True), (_("voters"), True), (_("took part"), True)]
    rows = [
        [
            poll.poll_id,
            number(poll.sent, language),
            number(poll.voters, language),
            percent(poll.participation_rate, language),
        ]
        for poll in indicators.polls
    ]
    return grid(_("Polls"), columns, rows, language)


def _duration(seconds: float | None, language: Language) -> str:
    if seconds is None:
        return NO_RATE
    return _("{minutes} min", minutes=number(round(seconds / 60, 1), language)).render(language)


def broadcasts(indicators: Indicators, language: Language, zone: ZoneInfo) -> Grid:
    columns = [
        (_("broadcast"), False),
        (_("created"), False),
        (_("audience"), True),
        (_("reached"), True),
        (_("delivered"), True),
        (_("read"), True),
        (_("failed"), True),
        (_("held"), True),
        (_("cancelled"), True),
        (_("time to reach"), True),
    ]

    def local(moment: datetime) -> str:
        return moment.astimezone(zone).strftime("%Y-%m-%d %H:%M")

    rows = [
        [str(item.broadcast_id), local(item.created_at)]
        + [
            number(value, language)
            for value in (
                item.audience,
                item.reached,
                item.delivered,
                item.read,
                item.failed,
                item.held,
                item.cancelled,
            )
        ]
        + [_duration(item.time_to_reach, language)]
        for item in indicators.broadcasts
    ]
    return grid(_("Broadcasts"), columns, rows, language)
