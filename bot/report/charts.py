"""The report's six charts, from the figures: community per channel over the days, joins
and stops per day, reach and engagement per post, engagement by phase and by format, top
hashtags and contest participation. Each is None when there is nothing to draw."""

from __future__ import annotations

from babel.dates import format_date

from bot.domain.indicators.figures import GroupFigures, Indicators
from bot.enums import Language
from bot.i18n import _
from bot.report import names
from bot.report.cells import is_small, number, percent
from bot.report.community import active_per_channel, days, narrowed, per_day
from bot.report.svg import Series, bar_chart, column_chart, line_chart

# Okabe and Ito's palette: told apart with every common colour-vision deficiency.
COLOURS = {"telegram": "#0072B2", "whatsapp": "#009E73", "sms": "#E69F00", "console": "#CC79A7"}
TOTAL, FIRST, SECOND, OTHER = "#333333", "#0072B2", "#E69F00", "#56B4E9"
TOP_HASHTAGS = 10


def _day_labels(indicators: Indicators, language: Language) -> list[str]:
    return [format_date(day, "d MMM", locale=language.value) for day in days(indicators.period)]


def community(indicators: Indicators, language: Language) -> str | None:
    """Relays able to receive posts each day, in all and per channel; a channel's day under
    min_group is not drawn (the small-group rule), the total always is."""
    if not indicators.community_daily:
        return None
    say = _("all channels").render(language)
    small = indicators.min_group if narrowed(indicators) else 0
    totals = [figures.active_end for _day, figures in per_day(indicators)]
    series = [Series(say, tuple(None if v < small else float(v) for v in totals), TOTAL)]
    for name, values in active_per_channel(indicators).items():
        shown = tuple(
            None if is_small(value, indicators.min_group) else float(value) for value in values
        )
        series.append(Series(names.channel(name, language), shown, COLOURS.get(name, OTHER)))
    return line_chart(
        title=_("Relays who can receive the posts, per channel").render(language),
        labels=_day_labels(indicators, language),
        series=series,
        fmt=lambda value: number(value, language),
    )


def movements(indicators: Indicators, language: Language) -> str | None:
    if not indicators.community_daily:
        return None
    daily = [figures for _day, figures in per_day(indicators)]
    joins = tuple(float(day.joined + day.rejoined) for day in daily)
    stops = tuple(float(day.stopped) for day in daily)
    return column_chart(
        title=_("Joins and stops per day").render(language),
        labels=_day_labels(indicators, language),
        series=[
            Series(_("joined or came back").render(language), joins, FIRST),
            Series(_("stopped").render(language), stops, SECOND),
        ],
        fmt=lambda value: number(value, language),
    )


def posts(indicators: Indicators, language: Language) -> str | None:
    if not indicators.posts:
        return None
    return bar_chart(
        title=_("Reach and engagement per post").render(language),
        labels=[f"{post.date.isoformat()} {post.post_id}" for post in indicators.posts],
        series=[
            Series(
                _("reached").render(language),
                tuple(float(post.reached) for post in indicators.posts),
                FIRST,
            ),
            Series(
                _("engaged").render(language),
                tuple(float(post.engaged) for post in indicators.posts),
                SECOND,
            ),
        ],
        fmt=lambda value: number(value, language),
        notes=[percent(post.engagement_rate, language) for post in indicators.posts],
    )


def _groups(
    groups: tuple[GroupFigures, ...], title: str, label: dict[str, str], language: Language
) -> str | None:
    if not groups:
        return None
    return bar_chart(
        title=title,
        labels=[label.get(group.key, group.key) for group in groups],
        series=[
            Series(
                _("engagement rate").render(language),
                tuple(group.engagement_rate for group in groups),
                FIRST,
            )
        ],
        fmt=lambda value: percent(value, language),
        notes=[
            f"{number(group.engaged, language)} / {number(group.reached, language)}"
            for group in groups
        ],
    )


def by_phase(indicators: Indicators, language: Language) -> str | None:
    title = _("Engagement rate by phase").render(language)
    return _groups(indicators.by_phase, title, {}, language)


def by_format(indicators: Indicators, language: Language) -> str | None:
    title = _("Engagement rate by format").render(language)
    label = {group.key: names.post_format(group.key, language) for group in indicators.by_format}
    return _groups(indicators.by_format, title, label, language)


def hashtags(indicators: Indicators, language: Language) -> str | None:
    top = sorted(
        indicators.hashtags, key=lambda tag: (-tag.relay_uses, -tag.interactions, tag.hashtag)
    )[:TOP_HASHTAGS]
    if not top:
        return None
    return bar_chart(
        title=_("Top hashtags").render(language),
        labels=[tag.hashtag for tag in top],
        series=[
            Series(
                _("uses by relays").render(language),
                tuple(float(tag.relay_uses) for tag in top),
                FIRST,
            ),
            Series(
                _("interactions on posts").render(language),
                tuple(float(tag.interactions) for tag in top),
                SECOND,
            ),
        ],
        fmt=lambda value: number(value, language),
    )


def contests(indicators: Indicators, language: Language) -> str | None:
    if not indicators.contests:
        return None
    found = indicators.contests
    return bar_chart(
        title=_("Contest participation").render(language),
        labels=[contest.contest_id for contest in found],
        series=[
            Series(
                _("took part").render(language),
                tuple(contest.participation_rate for contest in found),
                FIRST,
            ),
            Series(
                _("right answers").render(language),
                tuple(contest.correct_rate for contest in found),
                SECOND,
            ),
        ],
        fmt=lambda value: percent(value, language),
        maximum=1.0,
        notes=[
            f"{number(contest.participants, language)} / {number(contest.sent, language)}"
            for contest in found
        ],
    )
