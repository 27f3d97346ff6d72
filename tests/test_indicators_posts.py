"""Reach and engagement per post, by phase and format, interaction growth and hashtags
over the fixed week of tests/indicator_data.py, counted by hand, on both databases."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session, sessionmaker

from bot.db import unit_of_work
from bot.domain.indicators.figures import Filters, GroupFigures, HashtagFigures, PostFigures
from tests.indicator_data import Week, build_week, indicators

Factory = sessionmaker[Session]
OURS = Filters(campaign="engageonsnous")
COLUMNS: tuple[str, ...] = (
    "post_id",
    "format",
    "audience",
    "reached",
    "delivered",
    "read",
    "failed",
    "held",
)
COLUMNS += ("interactions", "reactions", "replies", "shares", "engaged")
COLUMNS += ("engagement_rate", "onward_reach")


@pytest.fixture
def week(factory: Factory) -> Week:
    with unit_of_work(factory) as session:
        return build_week(session)


def table(posts: tuple[PostFigures, ...]) -> list[tuple[object, ...]]:
    return [tuple(getattr(post, column) for column in COLUMNS) for post in posts]


@pytest.mark.usefixtures("week")
def test_each_post_counts_its_deliveries_and_what_relays_did_within_48_hours(
    factory: Factory,
) -> None:
    figures = indicators(factory, OURS)
    assert table(figures.posts) == [
        # j01: read, delivered, sent, failed (t1's read left out). Within 48 h: r1's two
        # reactions and share of "more than 5", r2's reply at 48 h to the second; r2's
        # reaction a second later and r3's share come too late.
        ("j01-conseil", "text", 4, 3, 2, 1, 1, 0, 4, 2, 1, 1, 2, 0.6667, 6),
        # j02: sent, queued, held, undelivered, cancelled, sending, read. r7's share of
        # "2 to 5" and r1's button; r7's reaction on 12-05 is too late.
        ("j02-ordinateur", "photo", 7, 2, 1, 1, 1, 1, 2, 0, 0, 1, 2, 1.0, 2),
        # j03: a picture in French, a voice note in Bambara: a voice post. r2's share
        # said nothing of its reach: 1.
        ("j03-voix", "voice", 4, 4, 3, 2, 0, 0, 3, 1, 1, 1, 2, 0.5, 1),
    ]
    first = figures.posts[0]
    assert (first.campaign, first.date.isoformat(), first.phase) == (
        "engageonsnous",
        "2026-12-01",
        "informer",
    )
    assert first.hashtags == ("#EngageonsNous", "#Kayes")


@pytest.mark.usefixtures("week")
def test_phases_and_formats_sum_their_posts_and_rate_the_sums(factory: Factory) -> None:
    figures = indicators(factory, OURS)
    assert figures.by_phase == (
        GroupFigures(
            "informer", posts=2, reached=5, interactions=6, engaged=4, engagement_rate=0.8
        ),
        GroupFigures("action", posts=1, reached=4, interactions=3, engaged=2, engagement_rate=0.5),
    )
    assert [(group.key, group.posts, group.engagement_rate) for group in figures.by_format] == [
        ("text", 1, 0.6667),
        ("photo", 1, 1.0),
        ("voice", 1, 0.5),
    ]


@pytest.mark.usefixtures("week")
def test_interactions_grow_from_one_week_to_the_next(factory: Factory) -> None:
    figures = indicators(factory, OURS)
    # This week: 4 + 2 + 3 on its posts, and r2's reaction to last week's post on 12-01.
    # The week before: r1's reaction on 11-30.
    assert (figures.interactions, figures.interactions_before) == (10, 1)
    assert figures.interaction_growth == 9.0
    everything = indicators(factory)
    assert everything.interactions == 11  # and r3's reaction to the other campaign's post


@pytest.mark.usefixtures("week")
def test_every_campaign_without_a_filter_and_a_document_is_text(factory: Factory) -> None:
    posts = indicators(factory).posts
    assert [(post.campaign, post.post_id) for post in posts] == [
        ("engageonsnous", "j01-conseil"),
        ("engageonsnous", "j02-ordinateur"),
        ("paixaumali", "p02-vivre"),  # same day, ordered by campaign
        ("engageonsnous", "j03-voix"),
    ]
    assert table(posts)[2] == ("p02-vivre", "text", 2, 2, 2, 1, 0, 0, 1, 1, 0, 0, 1, 0.5, 0)


@pytest.mark.usefixtures("week")
def test_a_filter_counts_only_its_relays_and_drops_posts_they_did_not_get(
    factory: Factory,
) -> None:
    posts = indicators(factory, Filters(campaign="engageonsnous", channel="whatsapp")).posts
    assert table(posts) == [
        ("j01-conseil", "text", 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0.0, 0),  # r3's share: late
        ("j02-ordinateur", "photo", 3, 0, 0, 0, 1, 1, 0, 0, 0, 0, 0, None, 0),  # none reached
    ]


@pytest.mark.usefixtures("week")
def test_hashtags_sum_their_posts_and_count_what_relays_wrote_each_week(
    factory: Factory,
) -> None:
    # tag, posts, reached, interactions, engagement rate, relay uses, relay uses by ISO week
    assert indicators(factory, OURS).hashtags == (
        # Three posts, "#engageonsnous" on j03 among them; 6 engaged of 9 reached. Written:
        # r1 on 12-01 and r2's "#engageonsnous#Kayes"; not r3's "#EngageonsNousKayes", not
        # before the week, not the test relay, not a button, not someone who has not joined.
        HashtagFigures("#EngageonsNous", 3, 9, 9, 0.6667, 2, (("2026-W49", 2), ("2026-W50", 0))),
        # r2's, and r5's "Bravo #Kayes." on Monday 12-07
        HashtagFigures("#Kayes", 1, 3, 4, 0.6667, 2, (("2026-W49", 1), ("2026-W50", 1))),
        # r5's testimony
        HashtagFigures("#PaixauMali", 1, 4, 3, 0.5, 1, (("2026-W49", 1), ("2026-W50", 0))),
    )
