"""The overview's figures: the key ones of the report (bot/report/grids.key_values) and
the posts' reach and engagement summed as the indicators sum them, written for people;
and how dates and figures read on the dashboard's pages."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_datetime

from bot.domain.indicators.figures import Indicators, Rate
from bot.domain.indicators.posts import summed
from bot.enums import Language
from bot.i18n import Text, _, _n
from bot.report.cells import number, percent
from bot.report.grids import key_values


@dataclass(frozen=True)
class Figure:
    key: str
    label: str
    value: str
    note: str = ""


def figures(indicators: Indicators, language: Language) -> list[Figure]:
    """What an organiser looks at first, for a day or a week: the community and how it
    moves, then what the posts did."""
    key = key_values(indicators, language)

    def value(name: str) -> str:
        return key[name][1]

    def aside(name: str) -> str:
        label, shown = key[name]
        return _("{name}: {value}", name=label, value=shown).render(language)

    def figure(name: str, label: Text, shown: str, note: str | Text = "") -> Figure:
        said = note.render(language) if isinstance(note, Text) else note
        return Figure(name, label.render(language), shown, said)

    posts = summed("posts", indicators.posts)
    before = indicators.period.start - timedelta(days=1)
    growth = _(
        "{change} since {day}",
        change=value("growth_rate"),
        day=format_date(before, "d MMM", locale=language.value),
    )
    days = indicators.period.days
    compared = _n(
        "{change} on the day before",
        "{change} on the {count} days before",
        days,
        change=value("interaction_growth"),
    )
    took_part = _(
        "{engaged} of {reached} reached took part",
        engaged=number(posts.engaged, language),
        reached=number(posts.reached, language),
    )
    return [
        figure("community", key["active_end"][0], value("active_end"), growth),
        figure("joined", key["joined"][0], value("joined"), aside("rejoined")),
        figure("stopped", key["stopped"][0], value("stopped"), aside("opt_out_rate")),
        figure(
            "reached",
            _("reached by the posts"),
            number(posts.reached, language),
            _n("{count} post", "{count} posts", posts.posts),
        ),
        figure("interactions", key["interactions"][0], value("interactions"), compared),
        figure(
            "engagement", _("engagement rate"), percent(posts.engagement_rate, language), took_part
        ),
        figure("shares", key["shares"][0], value("shares")),
        figure(
            "ambassadors",
            key["ambassador_share"][0],
            value("ambassador_share"),
            aside("ambassadors"),
        ),
    ]


@dataclass(frozen=True)
class Writing:
    """Figures and times written the organiser's way, for the templates."""

    language: Language
    zone: ZoneInfo

    def number(self, value: float) -> str:
        return number(value, self.language)

    def percent(self, value: Rate) -> str:
        return percent(value, self.language)

    def day(self, value: date) -> str:
        return format_date(value, "EEEE d MMMM", locale=self.language.value)

    def short_day(self, value: date) -> str:
        return format_date(value, "d MMM", locale=self.language.value)

    def time(self, value: datetime) -> str:
        return format_datetime(value.astimezone(self.zone), "HH:mm", locale=self.language.value)

    def moment(self, value: datetime) -> str:
        local = value.astimezone(self.zone)
        return format_datetime(local, "d MMM HH:mm", locale=self.language.value)
