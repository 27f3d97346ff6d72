"""The community's tables for people: figures written the reader's way, and the
small-group rule on every breakdown cell (a count per channel, language or place under
min_group shows `<5`); totals are always shown."""

from __future__ import annotations

from typing import get_args

from bot.domain.indicators.figures import Indicators
from bot.enums import Language
from bot.i18n import Text, _
from bot.report import names
from bot.report.cells import (
    NO_RATE,
    group_count,
    hidden,
    is_small,
    number,
    percent,
    signed_percent,
)
from bot.report.community import Breakdown, Movements, broken_down, narrowed
from bot.report.grid import Grid, count, grid, label, table


def _name(by: Breakdown, key: str, language: Language) -> str:
    if by == "channel":
        return names.channel(key, language)
    if by == "language":
        return names.spoken(key, language)
    return names.place(key, language)


_BREAKDOWN_TITLES = {
    "channel": (_("By channel"), _("channel")),
    "language": (_("By language"), _("language")),
    "place": (_("By place"), _("place")),
}


def breakdown(indicators: Indicators, by: Breakdown, language: Language) -> Grid:
    """The period per channel, language or place; the total row is never hidden."""
    title, header = _BREAKDOWN_TITLES[by]
    columns = [
        (header, False),
        (_("can receive at the end"), True),
        (_("joined"), True),
        (_("came back"), True),
        (_("stopped"), True),
        (_("unreachable"), True),
        (_("erased"), True),
    ]
    small = indicators.min_group

    def cells(figures: Movements, *, hide: bool) -> list[str]:
        values = (
            figures.active_end,
            figures.joined,
            figures.rejoined,
            figures.stopped,
            figures.unreachable,
            figures.erased,
        )
        return [group_count(v, small, language) if hide else number(v, language) for v in values]

    rows = [
        [_name(by, key, language), *cells(figures, hide=True)]
        for key, figures in broken_down(indicators, by)
    ]
    total = indicators.community
    everyone = Movements(
        total.joined,
        total.rejoined,
        total.stopped,
        total.unreachable,
        total.erased,
        total.active_end,
    )
    rows.append([_("total").render(language), *cells(everyone, hide=narrowed(indicators))])
    note = _(
        "Fewer than {count} relays in a group show as {hidden}, so nobody can be "
        "singled out; totals are always shown.",
        count=small,
        hidden=hidden(small),
    )
    return grid(title, columns, rows, language, note)


def channel_shares(indicators: Indicators, language: Language) -> Grid:
    small = indicators.min_group
    rows = []
    for key, figures in broken_down(indicators, "channel"):
        share = indicators.community.channel_share.get(key)
        hide = is_small(figures.active_end, small)
        rows.append(
            [
                names.channel(key, language),
                group_count(figures.active_end, small, language),
                hidden(small) if hide else percent(share, language),
            ]
        )
    columns = [(_("channel"), False), (_("can receive at the end"), True), (_("share"), True)]
    return grid(_("Share of each channel"), columns, rows, language)


def community(indicators: Indicators, language: Language) -> list[Grid]:
    """The community's tables: each channel's share, then the period per channel, language
    and place."""
    return [
        channel_shares(indicators, language),
        *(breakdown(indicators, by, language) for by in get_args(Breakdown)),
    ]


def key_values(indicators: Indicators, language: Language) -> dict[str, tuple[Text, str]]:
    """The key figures by name, each with its label and its value written for people:
    the report's summary table, and the dashboard's overview."""
    community, ambassadors = indicators.community, indicators.ambassadors
    return {
        "active_end": (
            _("relays who can receive the posts"),
            number(community.active_end, language),
        ),
        "growth_rate": (
            _("growth on the previous period"),
            signed_percent(community.growth_rate, language),
        ),
        "joined": (_("joined"), number(community.joined, language)),
        "rejoined": (_("came back"), number(community.rejoined, language)),
        "stopped": (_("stopped"), number(community.stopped, language)),
        "opt_out_rate": (_("opt-out rate"), percent(community.opt_out_rate, language)),
        "interactions": (_("interactions"), number(indicators.interactions, language)),
        "interaction_growth": (
            _("growth of interactions"),
            signed_percent(indicators.interaction_growth, language),
        ),
        "shares": (_("shares"), number(sum(post.shares for post in indicators.posts), language)),
        "ambassadors": (_("ambassadors"), number(ambassadors.ambassadors, language)),
        "ambassador_share": (
            _("share of ambassadors"),
            percent(ambassadors.ambassador_share, language),
        ),
    }


def key_figures(indicators: Indicators, language: Language) -> Grid:
    rows = [
        [label.render(language), value]
        for label, value in key_values(indicators, language).values()
    ]
    return grid(_("Key figures"), [(_("figure"), False), (_("value"), True)], rows, language)


def ambassadors(indicators: Indicators, language: Language) -> Grid:
    found = indicators.ambassadors
    columns = [
        label(_("pseudonym"), "pseudonym"),
        count(_("recruits"), "recruits"),
        count(_("their own recruits"), "second_generation"),
    ]
    per = (
        number(found.recruits_per_ambassador, language)
        if found.recruits_per_ambassador is not None
        else NO_RATE
    )
    note = _(
        "{ambassadors} ambassadors, {recruits} recruits ({per} each); ambassadors are "
        "{share} of the community.",
        ambassadors=number(found.ambassadors, language),
        recruits=number(found.recruits, language),
        per=per,
        share=percent(found.ambassador_share, language),
    )
    return table(_("Top ambassadors"), columns, found.top, language, note)


def sharers(indicators: Indicators, language: Language) -> Grid:
    """Who said they passed posts on, by pseudonym: the share leaderboard."""
    columns = [
        label(_("pseudonym"), "pseudonym"),
        count(_("shares"), "shares"),
        count(_("onward reach (declared)"), "onward_reach"),
    ]
    note = _(
        "Shares within 48 hours of their post. The onward reach is what relays said: one "
        "group counts 1, 2 to 5 counts 2, more than 5 counts 6."
    )
    found = indicators.ambassadors.top_sharers
    return table(_("Top sharers"), columns, found, language, note)
