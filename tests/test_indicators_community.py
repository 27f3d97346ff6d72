"""The community's figures over the fixed week of tests/indicator_data.py, each counted by
hand, on SQLite and PostgreSQL: day by day per channel, language and place, the week's
totals and rates, filters, the small-group flag, and local days in another zone."""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy.orm import Session, sessionmaker

from bot.db import unit_of_work
from bot.domain.indicators.figures import Community, CommunityDay, Filters, Period
from bot.domain.relays import record_event
from bot.models import RelayEventKind
from tests.factories import make_relay
from tests.indicator_data import Week, build_week, indicators
from tests.indicator_week import at

Factory = sessionmaker[Session]
JOINED = RelayEventKind.JOINED
TG, WA = "telegram", "whatsapp"

# date, channel, language, place: joined, rejoined, stopped, unreachable, erased, active_end
DAYS = {
    1: [
        (TG, "bm", "kayes", 0, 0, 0, 0, 0, 1),  # r2
        (TG, "fr", "kayes", 1, 0, 0, 0, 0, 2),  # r1, r5 joins
        (WA, "fr", "kita", 0, 0, 0, 0, 0, 1),  # r3
    ],
    2: [
        (TG, "bm", "kayes", 0, 0, 0, 0, 0, 1),
        (TG, "bm", "nioro", 1, 0, 0, 0, 0, 1),  # r7 joins
        (TG, "fr", "kayes", 0, 0, 0, 0, 0, 2),  # t1 stops: not counted
        (WA, "bm", "kayes", 0, 1, 0, 0, 0, 1),  # r4 rejoins, in kayes now
        (WA, "fr", "kita", 1, 0, 0, 0, 0, 2),  # r6 joins
    ],
    3: [
        (TG, "bm", "kayes", 0, 1, 1, 0, 0, 1),  # r2 stops and rejoins
        (TG, "bm", "nioro", 0, 0, 0, 0, 0, 1),
        (TG, "fr", "kayes", 0, 0, 0, 0, 0, 2),
        (WA, "bm", "kayes", 0, 0, 0, 0, 0, 1),
        (WA, "fr", "kita", 0, 0, 0, 0, 0, 2),
    ],
    4: [
        (TG, "bm", "kayes", 0, 0, 0, 0, 0, 1),
        (TG, "bm", "nioro", 0, 0, 0, 0, 0, 1),
        (TG, "fr", "kayes", 0, 0, 0, 0, 0, 2),
        (WA, "bm", "kayes", 0, 0, 0, 0, 0, 1),
        (WA, "fr", "kita", 0, 0, 0, 1, 0, 1),  # r3 unreachable
    ],
    5: [
        (TG, "bm", "kayes", 0, 0, 0, 0, 0, 1),
        (TG, "bm", "nioro", 0, 0, 0, 0, 0, 1),
        (TG, "fr", "kayes", 0, 0, 0, 0, 0, 2),
        (WA, "bm", "kayes", 0, 0, 0, 0, 0, 1),
        (WA, "fr", "kita", 0, 0, 0, 0, 1, 0),  # r6 erased: nobody left there
    ],
    6: [
        (TG, "bm", "kayes", 0, 0, 0, 0, 0, 1),
        (TG, "bm", "nioro", 0, 0, 0, 0, 0, 1),
        (TG, "fr", "kayes", 0, 0, 0, 0, 0, 2),
        (WA, "bm", "kayes", 0, 0, 0, 0, 0, 1),
        (WA, "fr", "kita", 0, 0, 0, 0, 0, 1),  # r3 reachable again: active, not joined
    ],
}
DAYS[7] = DAYS[6]


COLUMNS: tuple[str, ...] = ("channel", "language", "place", "joined", "rejoined", "stopped")
COLUMNS += ("unreachable", "erased", "active_end")


def rows(daily: tuple[CommunityDay, ...]) -> dict[int, list[tuple[object, ...]]]:
    found: dict[int, list[tuple[object, ...]]] = {}
    for row in daily:
        found.setdefault(row.date.day, []).append(tuple(getattr(row, c) for c in COLUMNS))
    return found


@pytest.fixture
def week(factory: Factory) -> Week:
    with unit_of_work(factory) as session:
        return build_week(session)


@pytest.mark.usefixtures("week")
def test_each_day_counts_each_cell_by_hand(factory: Factory) -> None:
    figures = indicators(factory)
    assert rows(figures.community_daily) == DAYS
    assert {row.date for row in figures.community_daily} == {
        date(2026, 12, day) for day in range(1, 8)
    }


@pytest.mark.usefixtures("week")
def test_the_week_sums_its_days_and_compares_with_the_week_before(factory: Factory) -> None:
    assert indicators(factory).community == Community(
        joined=3,  # r5, r6, r7
        rejoined=2,  # r4, r2
        stopped=1,  # r2
        unreachable=1,  # r3
        erased=1,  # r6
        active_end=6,  # r1 r2 r3 r4 r5 r7
        active_end_before=3,  # r1 r2 r3 (r4 had stopped on 11-29)
        growth_rate=1.0,  # (6 − 3) / 3
        opt_out_rate=0.125,  # 1 / (3 + 3 + 2)
        channel_share={TG: 0.6667, WA: 0.3333},  # 4 / 6, 2 / 6
    )


@pytest.mark.usefixtures("week")
def test_filters_choose_cells_by_what_each_event_recorded(factory: Factory) -> None:
    whatsapp = indicators(factory, Filters(channel=WA))
    assert rows(whatsapp.community_daily)[2] == [
        (WA, "bm", "kayes", 0, 1, 0, 0, 0, 1),
        (WA, "fr", "kita", 1, 0, 0, 0, 0, 2),
    ]
    assert whatsapp.community == Community(
        joined=1,
        rejoined=1,
        stopped=0,
        unreachable=1,
        erased=1,
        active_end=2,  # r3, r4
        active_end_before=1,  # r3
        growth_rate=1.0,
        opt_out_rate=0.0,  # 0 / (1 + 1 + 1): a rate of nothing, not an empty one
        channel_share={WA: 1.0},
    )
    # r4 joined and stopped in Kita before the week, then rejoined in Kayes: the stretch
    # in Kita ended before the week, so Kita has only r3 and r6 in it.
    kita = indicators(factory, Filters(place="kita")).community
    assert (kita.joined, kita.rejoined, kita.unreachable, kita.erased) == (1, 0, 1, 1)
    assert (kita.active_end_before, kita.active_end) == (1, 1)
    bambara = indicators(factory, Filters(language="bm")).community
    assert (bambara.joined, bambara.rejoined, bambara.stopped, bambara.active_end) == (1, 2, 1, 3)


@pytest.mark.usefixtures("week")
def test_a_cell_under_the_minimum_group_is_flagged(factory: Factory) -> None:
    assert all(row.small_group for row in indicators(factory).community_daily)
    flagged = {
        (row.channel, row.language, row.place): row.small_group
        for row in indicators(factory, min_group=2).community_daily
        if row.date == date(2026, 12, 7)
    }
    assert flagged == {
        (TG, "bm", "kayes"): True,
        (TG, "bm", "nioro"): True,
        (TG, "fr", "kayes"): False,  # 2 relays
        (WA, "bm", "kayes"): True,
        (WA, "fr", "kita"): True,
    }


def test_days_are_local_dates_in_the_campaign_zone(factory: Factory) -> None:
    with unit_of_work(factory) as session:
        relay = make_relay(session, channel="sms", place=None)
        # 23:30 UTC on 12-01 is already 00:30 on 12-02 in Lagos (UTC+1).
        record_event(session=session, relay=relay, kind=JOINED, now=at(12, 1, 23, 30))
    lagos = ZoneInfo("Africa/Lagos")
    first, second = Period(date(2026, 12, 1), date(2026, 12, 1)), Period(*[date(2026, 12, 2)] * 2)
    assert indicators(factory, period=first).community.joined == 1
    assert indicators(factory, period=first, zone=lagos).community.joined == 0
    joined = indicators(factory, period=second, zone=lagos)
    assert [(row.date, row.place, row.joined) for row in joined.community_daily] == [
        (date(2026, 12, 2), "unknown", 1)
    ]
    assert indicators(factory, Filters(place="unknown"), period=first).community.active_end == 1
    assert indicators(factory, Filters(place="kayes"), period=first).community.active_end == 0


def test_a_day_is_local_across_a_change_of_clocks(factory: Factory) -> None:
    with unit_of_work(factory) as session:
        relay = make_relay(session)
        # Paris left summer time on 10-25 at 01:00 UTC: 22:30 UTC that evening is 23:30
        # there, still 10-25 (at the summer offset it would have been 10-26).
        record_event(session=session, relay=relay, kind=JOINED, now=at(10, 25, 22, 30))
    paris = ZoneInfo("Europe/Paris")
    days = indicators(factory, period=Period(date(2026, 10, 20), date(2026, 10, 30)), zone=paris)
    assert [row.date for row in days.community_daily if row.joined] == [date(2026, 10, 25)]
    assert days.community_daily[0].date == date(2026, 10, 25)


def test_nothing_yet_gives_zeros_and_empty_rates(factory: Factory) -> None:
    figures = indicators(factory)
    assert figures.community == Community(0, 0, 0, 0, 0, 0, 0, None, None, {})
    assert figures.community_daily == ()
    assert (figures.posts, figures.hashtags, figures.contests, figures.polls) == ((),) * 4
    assert (figures.interactions, figures.interaction_growth) == (0, None)
    ambassadors = figures.ambassadors
    assert (ambassadors.ambassadors, ambassadors.ambassador_share) == (0, None)


@pytest.mark.usefixtures("week")
def test_a_long_period_counts_every_day_of_it(factory: Factory) -> None:
    # 600 days: more than SQLite allows terms in one compound SELECT.
    figures = indicators(factory, period=Period(date(2025, 6, 1), date(2027, 1, 21)))
    community = figures.community
    assert (community.joined, community.rejoined, community.stopped) == (7, 2, 2)
    assert (community.active_end_before, community.active_end) == (0, 6)
    assert len({row.date for row in figures.community_daily}) == 63  # 11-20 to 01-21
    assert len(figures.hashtags[0].weekly_uses) == 87  # ISO weeks the period touches


def test_a_period_ending_before_it_starts_is_refused(factory: Factory) -> None:
    with pytest.raises(ValueError, match="before it starts"):
        indicators(factory, period=Period(date(2026, 12, 7), date(2026, 12, 1)))
