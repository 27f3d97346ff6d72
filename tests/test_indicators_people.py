"""Ambassadors, broadcasts, the contest and the polls over the fixed week of
tests/indicator_data.py, counted by hand, on both databases."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy.orm import Session, sessionmaker

from bot.db import unit_of_work
from bot.domain.contests.pseudonyms import tag
from bot.domain.indicators.figures import (
    Ambassador,
    Ambassadors,
    BroadcastFigures,
    ContestFigures,
    Filters,
    Period,
    PollFigures,
    QuestionFigures,
    Sharer,
)
from tests.indicator_data import Week, build_week, indicators
from tests.indicator_week import at

Factory = sessionmaker[Session]
OURS = Filters(campaign="engageonsnous")


@pytest.fixture
def week(factory: Factory) -> Week:
    with unit_of_work(factory) as session:
        return build_week(session)


def test_ambassadors_and_their_recruits_two_generations_deep(factory: Factory, week: Week) -> None:
    # Recruits who completed joining: r2, r3 (r1's), r4, r5 (r2's), r7 (r5's); r8 never
    # finished joining, t1 is a test relay.
    assert indicators(factory).ambassadors == Ambassadors(
        ambassadors=3,  # r1, r2, r5
        recruits=5,
        ambassador_share=0.5,  # 3 / 6 active at the end of 12-07
        recruits_per_ambassador=1.6667,  # 5 / 3
        top=(
            Ambassador(f"A.T. #{tag(week.relays['r1'])}", recruits=2, second_generation=2),
            Ambassador(f"M.K. #{tag(week.relays['r2'])}", recruits=2, second_generation=1),
            Ambassador(f"Relais #{tag(week.relays['r5'])}", recruits=1, second_generation=0),
        ),
        # Shares within 48 hours of their post: r1 "more than 5" (6), r7 "2 to 5" (2), r2
        # said nothing (1); r3's came too late, t1 is a test relay. One share each: by reach.
        top_sharers=(
            Sharer(f"A.T. #{tag(week.relays['r1'])}", shares=1, onward_reach=6),
            Sharer(f"S.D. #{tag(week.relays['r7'])}", shares=1, onward_reach=2),
            Sharer(f"M.K. #{tag(week.relays['r2'])}", shares=1, onward_reach=1),
        ),
    )


@pytest.mark.usefixtures("week")
def test_sharers_of_one_campaign_only(factory: Factory) -> None:
    other = indicators(factory, Filters(campaign="paixaumali")).ambassadors.top_sharers
    assert other == ()  # every share of the week was on #EngageonsNous's posts


@pytest.mark.usefixtures("week")
def test_ambassadors_as_they_stood_at_an_earlier_period_end(factory: Factory) -> None:
    before = indicators(factory, period=Period(date(2026, 11, 24), date(2026, 11, 30)))
    # By 11-30 only r2, r3 (r1's) and r4 (r2's) had joined.
    assert before.ambassadors.ambassadors == 2
    assert before.ambassadors.recruits == 3
    assert [(a.recruits, a.second_generation) for a in before.ambassadors.top] == [(2, 1), (1, 0)]
    assert before.ambassadors.ambassador_share == 0.6667  # 2 / 3 active on 11-30


@pytest.mark.usefixtures("week")
def test_broadcasts_of_the_week_and_how_long_they_took(factory: Factory) -> None:
    assert indicators(factory).broadcasts[0] == BroadcastFigures(
        broadcast_id=indicators(factory).broadcasts[0].broadcast_id,
        created_at=at(12, 2, 13, 55),
        audience=6,  # t1 left out
        reached=3,  # read, delivered, sent
        delivered=2,
        read=1,
        failed=1,
        held=1,
        cancelled=1,
        time_to_reach=60.0,  # created 14:00:00, r7's sent 14:01:00 (t1's 14:30 not counted)
    )
    second = indicators(factory).broadcasts[1]
    assert (second.audience, second.reached, second.time_to_reach) == (2, 1, None)  # queued
    assert len(indicators(factory).broadcasts) == 2  # b0 went out the week before


@pytest.mark.usefixtures("week")
def test_the_contest_question_by_question_and_hour_by_hour(factory: Factory) -> None:
    assert indicators(factory, OURS).contests == (
        ContestFigures(
            contest_id="quiz-decembre",
            sent=4,  # question 1 reached r1, r2, r3, r5 (r7's failed)
            participants=3,  # r1, r2, r5 in time; r3 answered late
            participation_rate=0.75,
            correct_rate=0.8,  # 4 right of 5 in time
            questions=(
                QuestionFigures("quiz-decembre", 1, 4, 3, 2, 0.75, 0.6667, (1, 1, 1)),
                # r2's answer came one hour to the second after opening: hour 1.
                QuestionFigures("quiz-decembre", 2, 3, 2, 2, 0.6667, 1.0, (1, 1, 0)),
            ),
        ),
    )


@pytest.mark.usefixtures("week")
def test_polls_count_voters_and_show_results_only_past_their_threshold(
    factory: Factory,
) -> None:
    assert indicators(factory).polls == (
        # Reached r1, r2, r5, r7 (r3's held); voted r1, r2, r5 (and t1, left out).
        PollFigures("sondage-conseil", sent=4, voters=3, participation_rate=0.75, results=(2, 1)),
        PollFigures("sondage-ecole", sent=1, voters=1, participation_rate=1.0, results=None),
    )
    assert [poll.poll_id for poll in indicators(factory, OURS).polls] == ["sondage-conseil"]
    # In French, two voters (r1, r5): under the threshold of 3, so no results.
    french = indicators(factory, Filters(language="fr")).polls[0]
    assert (french.sent, french.voters, french.results) == (2, 2, None)
