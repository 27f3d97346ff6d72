"""The report's six charts, from the figures: community per channel over the days, joins
and stops per day, reach and engagement per post, engagement by phase and by format, top
hashtags and contest participation. Each is None when there is nothing to draw; its title
is the page's caption for it."""

from __future__ import annotations

from collections.abc import Iterable

from babel.dates import format_date

from bot.domain.indicators.figures import GroupFigures, Indicators
from bot.enums import Language
from bot.i18n import Text, _
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


def _series(language: Language, *named: tuple[Text, Iterable[float | None]]) -> list[Series]:
    """Compared series (at most two), in the report's first and second colours."""
    colours = (FIRST, SECOND)
    return [
        Series(name.render(language), tuple(values), colours[index])
        for index, (name, values) in enumerate(named)
    ]


def community(indicators: Indicators, language: Language, title: str) -> str | None:
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
        title=title,
        labels=_day_labels(indicators, language),
        series=series,
        fmt=lambda value: number(value, language),
    )


def movements(indicators: Indicators, language: Language, title: str) -> str | None:
    if not indicators.community_daily:
        return None
    daily = [figures for _day, figures in per_day(indicators)]
    return column_chart(
        title=title,
        labels=_day_labels(indicators, language),
        series=_series(
            language,
            (_("joined or came back"), (float(day.joined + day.rejoined) for day in daily)),
            (_("stopped"), (float(day.stopped) for day in daily)),
        ),
        fmt=lambda value: number(value, language),
    )


def posts(indicators: Indicators, language: Language, title: str) -> str | None:
    found = indicators.posts
    if not found:
        return None
    return bar_chart(
        title=title,
        labels=[f"{post.date.isoformat()} {post.post_id}" for post in found],
        series=_series(
            language,
            (_("reached"), (float(post.reached) for post in found)),
            (_("engaged"), (float(post.engaged) for post in found)),
        ),
        fmt=lambda value: number(value, language),
        notes=[percent(post.engagement_rate, language) for post in found],
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


def by_phase(indicators: Indicators, language: Language, title: str) -> str | None:
    return _groups(indicators.by_phase, title, {}, language)


def by_format(indicators: Indicators, language: Language, title: str) -> str | None:
    label = {group.key: names.post_format(group.key, language) for group in indicators.by_format}
    return _groups(indicators.by_format, title, label, language)


def hashtags(indicators: Indicators, language: Language, title: str) -> str | None:
    top = sorted(
        indicators.hashtags, key=lambda tag: (-tag.relay_uses, -tag.interactions, tag.hashtag)
    )[:TOP_HASHTAGS]
    if not top:
        return None
    return bar_chart(
        title=title,
        labels=[tag.hashtag for tag in top],
        series=_series(
            language,
            (_("uses by relays"), (float(tag.relay_uses) for tag in top)),
            (_("interactions on posts"), (float(tag.interactions) for tag in top)),
        ),
        fmt=lambda value: number(value, language),
    )


def contests(indicators: Indicators, language: Language, title: str) -> str | None:
    found = indicators.contests
    if not found:
        return None
    return bar_chart(
        title=title,
        labels=[contest.contest_id for contest in found],
        series=_series(
            language,
            (_("took part"), (contest.participation_rate for contest in found)),
            (_("right answers"), (contest.correct_rate for contest in found)),
        ),
        fmt=lambda value: percent(value, language),
        maximum=1.0,
        notes=[
            f"{number(contest.participants, language)} / {number(contest.sent, language)}"
            for contest in found
        ],
    )
