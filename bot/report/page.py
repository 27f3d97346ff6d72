"""report.html: one file with everything inside (styles, charts as inline SVG, no script,
no font and no request), a summary written from the figures, then each part's charts and
tables for people (the small-group rule applied)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from babel.dates import format_date
from jinja2 import Environment
from markupsafe import Markup

from bot.domain.indicators.figures import Indicators
from bot.enums import Language
from bot.i18n import Text, _
from bot.report import charts, grids, names, post_grids
from bot.report.grid import Grid
from bot.report.stylesheet import CSS
from bot.report.summary import summary

PAGE = """<!doctype html>
<html lang="{{ lang }}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ title }}</title>
<style>{{ css }}</style>
</head>
<body>
<header><h1>{{ title }}</h1><p class="period">{{ period }}</p></header>
<section id="summary">
<h2>{{ summary_title }}</h2>
<ul class="summary">{% for line in summary %}<li>{{ line }}</li>{% endfor %}</ul>
<dl class="figures">{% for label, value in figures %}
<div><dt>{{ label }}</dt><dd>{{ value }}</dd></div>{% endfor %}
</dl>
</section>
{% for part in parts %}
<section id="{{ part.id }}">
<h2>{{ part.title }}</h2>
{% for chart in part.charts %}{% if chart.svg %}
<figure><figcaption>{{ chart.caption }}</figcaption>{{ chart.svg }}</figure>
{% else %}<p class="empty">{{ chart.caption }}: {{ nothing }}</p>{% endif %}{% endfor %}
{% for grid in part.grids %}{% if grid.rows %}
<div class="table"><table>
<caption>{{ grid.title }}</caption>
<thead><tr>{% for header in grid.headers %}
<th{% if grid.numeric[loop.index0] %} class="number"{% endif %}>{{ header }}</th>{% endfor %}
</tr></thead>
<tbody>{% for row in grid.rows %}<tr>{% for cell in row %}
<td{% if grid.numeric[loop.index0] %} class="number"{% endif %}>{{ cell }}</td>{% endfor %}
</tr>{% endfor %}</tbody>
</table></div>
{% if grid.note %}<p class="note">{{ grid.note }}</p>{% endif %}
{% endif %}{% endfor %}
</section>
{% endfor %}
<footer><p>{{ footer }}</p></footer>
</body>
</html>
"""
_ENVIRONMENT = Environment(autoescape=True, keep_trailing_newline=True)
_TEMPLATE = _ENVIRONMENT.from_string(PAGE)

ChartMaker = Callable[[Indicators, Language, str], str | None]  # its title


@dataclass(frozen=True)
class Chart:
    caption: str
    svg: Markup | None


@dataclass(frozen=True)
class Part:
    id: str
    title: str
    charts: list[Chart]
    grids: list[Grid]


def _parts(indicators: Indicators, language: Language, zone: ZoneInfo) -> list[Part]:
    def part(
        name: str, title: Text, made: list[tuple[Text, ChartMaker]], tables: list[Grid]
    ) -> Part:
        shown = []
        for caption, maker in made:
            said = caption.render(language)
            svg = maker(indicators, language, said)
            # Markup: svg.py escapes every text it draws.
            shown.append(Chart(said, Markup(svg) if svg else None))  # noqa: S704
        return Part(name, title.render(language), shown, tables)

    say = language
    return [
        part(
            "community",
            _("Community"),
            [
                (_("Relays who can receive the posts, per channel"), charts.community),
                (_("Joins and stops per day"), charts.movements),
            ],
            grids.community(indicators, say),
        ),
        part(
            "posts",
            _("Posts and engagement"),
            [
                (_("Reach and engagement per post"), charts.posts),
                (_("Engagement rate by phase"), charts.by_phase),
                (_("Engagement rate by format"), charts.by_format),
            ],
            post_grids.engagement(indicators, say),
        ),
        part(
            "hashtags",
            _("Hashtags"),
            [(_("Top hashtags"), charts.hashtags)],
            [post_grids.hashtags(indicators, say)],
        ),
        part(
            "ambassadors",
            _("Ambassadors"),
            [],
            [grids.ambassadors(indicators, say), grids.sharers(indicators, say)],
        ),
        part(
            "contests",
            _("Contests and polls"),
            [(_("Contest participation"), charts.contests)],
            [post_grids.contests(indicators, say), post_grids.polls(indicators, say)],
        ),
        part("broadcasts", _("Broadcasts"), [], [post_grids.broadcasts(indicators, say, zone)]),
    ]


def _heading(indicators: Indicators, language: Language, zone: ZoneInfo, made: datetime) -> str:
    day = format_date(made.astimezone(zone).date(), format="long", locale=language.value)
    return " · ".join(
        [names.period(indicators, language), _("made on {day}", day=day).render(language)]
    )


def render_page(
    indicators: Indicators, *, language: Language, zone: ZoneInfo, generated: datetime
) -> str:
    key = grids.key_figures(indicators, language)
    return _TEMPLATE.render(
        lang=language.value,
        css=Markup(CSS),  # noqa: S704 - our own constant
        title=_("Campaign indicators").render(language),
        period=_heading(indicators, language, zone, generated),
        summary_title=_("In short").render(language),
        summary=[line.render(language) for line in summary(indicators, language)],
        figures=[(row[0], row[1]) for row in key.rows],
        parts=_parts(indicators, language, zone),
        nothing=_("nothing to show for this period").render(language),
        footer=_(
            "Rates are shares of their base, empty (—) when the base is zero. A day is a "
            "local date in the campaign's time zone. Every figure follows Relais's definitions "
            "of the indicators."
        ).render(language),
    )
