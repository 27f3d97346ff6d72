"""Indicators built by hand, as plain values, for the report's renderers: a week of
#EngageonsNous on Telegram and WhatsApp (and three relays on SMS), with Kita a place of
only three relays, so the small-group rule has something to hide."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

from bot.domain.indicators.figures import (
    Ambassador,
    Ambassadors,
    BroadcastFigures,
    Community,
    CommunityDay,
    ContestFigures,
    Filters,
    GroupFigures,
    HashtagFigures,
    Indicators,
    Period,
    PollFigures,
    PostFigures,
    QuestionFigures,
    rate,
)

START = date(2026, 12, 1)
WEEK = Period(START, START + timedelta(days=6))
# (channel, language, place) → active_end on each of the 7 days
CELLS: dict[tuple[str, str, str], list[int]] = {
    ("telegram", "fr", "kayes"): [40, 44, 47, 50, 52, 55, 60],
    ("telegram", "bm", "kayes"): [20, 22, 22, 25, 27, 28, 30],
    ("whatsapp", "fr", "kayes"): [30, 31, 33, 33, 34, 36, 38],
    ("whatsapp", "bm", "kita"): [1, 2, 2, 3, 3, 3, 3],
    ("sms", "bm", "unknown"): [2, 2, 3, 3, 3, 3, 3],
}


def community_days() -> tuple[CommunityDay, ...]:
    rows = []
    for (channel, language, place), actives in CELLS.items():
        before = actives[0] - 2 if actives[0] > 2 else 0
        for offset, active in enumerate(actives):
            change = active - before
            stopped = 1 if offset in (2, 5) and active >= 20 else 0
            rows.append(
                CommunityDay(
                    date=START + timedelta(days=offset),
                    channel=channel,
                    language=language,
                    place=place,
                    joined=max(change, 0) + stopped,
                    rejoined=1 if offset == 4 and active >= 20 else 0,
                    stopped=stopped,
                    unreachable=0,
                    erased=1 if offset == 3 and place == "kayes" and channel == "telegram" else 0,
                    active_end=active,
                    small_group=active < 5,
                )
            )
            before = active
    return tuple(rows)


def post(post_id: str, day: int, **overrides: Any) -> PostFigures:
    values: dict[str, Any] = {
        "campaign": "engageonsnous",
        "post_id": post_id,
        "date": START + timedelta(days=day),
        "phase": "informer",
        "format": "text",
        "hashtags": ("#EngageonsNous", "#Kayes"),
        "audience": 120,
        "reached": 110,
        "delivered": 60,
        "read": 40,
        "failed": 4,
        "held": 6,
        "interactions": 30,
        "reactions": 18,
        "replies": 4,
        "shares": 8,
        "engaged": 22,
        "onward_reach": 17,
    }
    values.update(overrides)
    # The rate the figures compute from the counts, so that the two cannot disagree.
    values.setdefault("engagement_rate", rate(values["engaged"], values["reached"]))
    return PostFigures(**values)


def indicators(**overrides: Any) -> Indicators:
    posts = (
        post("j01-droits", 0),
        post(
            "j02-etude",
            1,
            format="photo",
            engaged=41,
            interactions=55,
            shares=20,
            onward_reach=48,
        ),
        post(
            "j04-leviers",
            3,
            phase="leviers",
            format="voice",
            reached=130,
            engaged=26,
            hashtags=("#EngageonsNous", "#JeunesseMali"),
        ),
        post(
            "j06-test",
            5,
            phase="action",
            reached=2,
            engaged=2,
            interactions=2,
            reactions=2,
            replies=0,
            shares=0,
            onward_reach=0,
        ),
    )
    values: dict[str, Any] = {
        "period": WEEK,
        "filters": Filters(campaign="engageonsnous"),
        "min_group": 5,
        "community": Community(
            joined=52,
            rejoined=2,
            stopped=6,
            unreachable=0,
            erased=1,
            active_end=134,
            active_end_before=89,
            growth_rate=0.5056,
            opt_out_rate=0.0414,
            channel_share={"telegram": 0.6716, "whatsapp": 0.306, "sms": 0.0224},
        ),
        "community_daily": community_days(),
        "posts": posts,
        "by_phase": (
            GroupFigures("informer", 2, 220, 85, 63, 0.2864),
            GroupFigures("leviers", 1, 130, 30, 26, 0.2),
            GroupFigures("action", 1, 2, 2, 2, 1.0),
        ),
        "by_format": (
            GroupFigures("text", 2, 112, 32, 24, 0.2143),
            GroupFigures("photo", 1, 110, 55, 41, 0.3727),
            GroupFigures("voice", 1, 130, 30, 26, 0.2),
        ),
        "interactions": 117,
        "interactions_before": 90,
        "interaction_growth": 0.3,
        "broadcasts": (
            BroadcastFigures(
                3, datetime(2026, 12, 4, 17, 30, tzinfo=UTC), 134, 120, 70, 41, 5, 9, 0, 754.5
            ),
            BroadcastFigures(
                4, datetime(2026, 12, 6, 9, 0, tzinfo=UTC), 10, 4, 0, 0, 0, 0, 6, None
            ),
        ),
        "hashtags": (
            HashtagFigures(
                "#EngageonsNous", 4, 352, 117, 0.2585, 9, (("2026-W49", 7), ("2026-W50", 2))
            ),
            HashtagFigures("#Kayes", 3, 222, 87, 0.2928, 3, (("2026-W49", 3),)),
            HashtagFigures("#JeunesseMali", 1, 130, 30, 0.2, 0, ()),
        ),
        "ambassadors": Ambassadors(
            ambassadors=6,
            recruits=19,
            ambassador_share=0.0448,
            recruits_per_ambassador=3.1667,
            top=(
                Ambassador("A.T. #4F2A", 7, 3),
                Ambassador("M.K. #09B1", 5, 0),
                Ambassador("Relais #9C01", 2, 1),
            ),
        ),
        "contests": (
            ContestFigures(
                "quiz-nos-droits",
                sent=120,
                participants=54,
                participation_rate=0.45,
                correct_rate=0.6806,
                questions=(
                    QuestionFigures("quiz-nos-droits", 1, 120, 50, 38, 0.4167, 0.76, (30, 12, 8)),
                    QuestionFigures("quiz-nos-droits", 2, 118, 44, 26, 0.3729, 0.5909, (25, 19)),
                ),
            ),
        ),
        "polls": (PollFigures("sondage-femmes-conseil", 130, 61, 0.4692),),
    }
    values.update(overrides)
    return Indicators(**values)


def empty() -> Indicators:
    """A period where nothing happened: no relay, no post."""
    nothing = Community(0, 0, 0, 0, 0, 0, 0, None, None)
    return replace(
        indicators(),
        community=nothing,
        community_daily=(),
        posts=(),
        by_phase=(),
        by_format=(),
        interactions=0,
        interactions_before=0,
        interaction_growth=None,
        broadcasts=(),
        hashtags=(),
        ambassadors=Ambassadors(0, 0, None, None),
        contests=(),
        polls=(),
    )
