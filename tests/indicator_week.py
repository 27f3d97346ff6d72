"""A small fixed campaign week for the indicators' tests, as tables that
tests/indicator_data.py writes straight into the model: every figure the tests expect is
counted by hand from what is written here.

The period is 2026-12-01 (Tue) to 2026-12-07 (Mon) in Africa/Bamako (UTC, no DST, so
local and stored times read alike); the week before is 2026-11-24 to 2026-11-30.

Relays (channel/language/place as each event recorded them):

    r1  telegram fr kayes  "Awa Traoré"       joined 11-20
    r2  telegram bm kayes  "Moussa Keïta"     invited by r1; joined 11-25, stopped 12-03
                                              10:00, rejoined 12-03 18:00
    r3  whatsapp fr kita   "Fatoumata Diarra" invited by r1; joined 11-26, unreachable
                                              12-04, reachable again 12-06
    r4  whatsapp bm        "Oumar Sidibé"     invited by r2; joined 11-28 and stopped 11-29
                                              in kita; rejoined 12-02 in kayes (moved)
    r5  telegram fr kayes  (no name)          invited by r2; joined 12-01
    r6  whatsapp fr kita   "Kadiatou Coulibaly" joined 12-02, erased 12-05
    r7  telegram bm nioro  "Sékou Diallo"     invited by r5; joined 12-02 20:00
    r8  telegram           "Ami Konaté"       invited by r1; never finished joining
    t1  telegram fr kayes  tagged test        invited by r1; joined 11-20, stopped 12-02:
                                              left out of everything, though it has a
                                              delivery, an interaction, an answer and a
                                              vote wherever the others do
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from bot.models import DeliveryStatus, InteractionKind, RelayEventKind

S = DeliveryStatus
K = RelayEventKind
I = InteractionKind  # noqa: E741 - read as "interaction kind" in the tables below


def at(month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, second, tzinfo=UTC)


RELAYS: dict[str, dict[str, Any]] = {
    "r1": {"channel": "telegram", "language": "fr", "place": "kayes", "name": "Awa Traoré"},
    "r2": {"channel": "telegram", "language": "bm", "place": "kayes", "name": "Moussa Keïta"},
    "r3": {"channel": "whatsapp", "language": "fr", "place": "kita", "name": "Fatoumata Diarra"},
    "r4": {"channel": "whatsapp", "language": "bm", "place": "kayes", "name": "Oumar Sidibé"},
    "r5": {"channel": "telegram", "language": "fr", "place": "kayes", "name": None},
    "r6": {"channel": "whatsapp", "language": "fr", "place": "kita", "name": "Kadiatou Coulibaly"},
    "r7": {"channel": "telegram", "language": "bm", "place": "nioro", "name": "Sékou Diallo"},
    "r8": {"channel": "telegram", "language": "fr", "place": None, "name": "Ami Konaté"},
    "t1": {"channel": "telegram", "language": "fr", "place": "kayes", "name": "Test Orga"},
}
INVITED_BY = {"r2": "r1", "r3": "r1", "r4": "r2", "r5": "r2", "r7": "r5", "r8": "r1", "t1": "r1"}

EVENTS = [  # relay, kind, when, place when it differs from the relay's
    ("r1", K.JOINED, at(11, 20, 8), None),
    ("t1", K.JOINED, at(11, 20, 8), None),
    ("r2", K.JOINED, at(11, 25, 9), None),
    ("r3", K.JOINED, at(11, 26, 10), None),
    ("r4", K.JOINED, at(11, 28, 10), "kita"),
    ("r4", K.STOPPED, at(11, 29, 10), "kita"),
    ("r5", K.JOINED, at(12, 1, 9), None),
    ("r4", K.REJOINED, at(12, 2, 8), None),
    ("r6", K.JOINED, at(12, 2, 11), None),
    ("t1", K.STOPPED, at(12, 2, 12), None),
    ("r7", K.JOINED, at(12, 2, 20), None),
    ("r2", K.STOPPED, at(12, 3, 10), None),
    ("r2", K.REJOINED, at(12, 3, 18), None),
    ("r3", K.UNREACHABLE, at(12, 4, 12), None),
    ("r6", K.ERASED, at(12, 5, 15), None),
    ("r3", K.REACHABLE, at(12, 6, 9), None),
]

# Posts: slug → (campaign, local day, phase, media, hashtags).
POSTS: dict[str, tuple[str, date, str, dict[str, str], list[str]]] = {
    "j00-avant": ("engageonsnous", date(2026, 11, 30), "informer", {}, ["#EngageonsNous"]),
    "j01-conseil": (
        "engageonsnous",
        date(2026, 12, 1),
        "informer",
        {},
        ["#EngageonsNous", "#Kayes"],
    ),
    "j02-ordinateur": (
        "engageonsnous",
        date(2026, 12, 2),
        "informer",
        {"fr": "media/j02.png", "bm": "media/j02.png"},
        ["#EngageonsNous"],
    ),
    "j03-voix": (
        "engageonsnous",
        date(2026, 12, 3),
        "action",
        {"fr": "media/j03.jpg", "bm": "media/j03-bm.ogg"},
        ["#engageonsnous", "#PaixauMali"],
    ),
    "p02-vivre": (
        "paixaumali",
        date(2026, 12, 2),
        "informer",
        {"fr": "media/a.pdf"},
        ["#PaixauMali"],
    ),
}

# Deliveries: (source kind, name) → {relay: status}; each post is sent at 08:00 its day.
SENT = {
    ("post", "j00-avant"): {"r1": S.SENT, "r2": S.SENT, "r3": S.SENT},
    ("post", "j01-conseil"): {
        "r1": S.READ,
        "r2": S.DELIVERED,
        "r3": S.SENT,
        "r5": S.FAILED,
        "t1": S.READ,
    },
    ("post", "j02-ordinateur"): {
        "r1": S.SENT,
        "r2": S.QUEUED,
        "r3": S.HELD,
        "r4": S.UNDELIVERED,
        "r5": S.CANCELLED,
        "r6": S.SENDING,
        "r7": S.READ,
        "t1": S.DELIVERED,
    },
    ("post", "j03-voix"): {"r1": S.DELIVERED, "r2": S.READ, "r5": S.READ, "r7": S.SENT},
    ("post", "p02-vivre"): {"r1": S.READ, "r3": S.DELIVERED},
}

# Interactions: (post, relay, kind, weight, when).
INTERACTIONS = [
    ("j00-avant", "r1", I.REACTION, None, at(11, 30, 9)),  # in the week before
    ("j00-avant", "r2", I.REACTION, None, at(12, 1, 10)),  # on last week's post, this week
    ("j01-conseil", "r1", I.REACTION, None, at(12, 1, 9)),
    ("j01-conseil", "r1", I.REACTION, None, at(12, 1, 9, 5)),  # a second emoji
    ("j01-conseil", "r1", I.SHARE, 6, at(12, 1, 10)),  # "more than 5"
    ("j01-conseil", "r2", I.REPLY, None, at(12, 3, 8)),  # 48 hours to the second: counts
    ("j01-conseil", "r2", I.REACTION, None, at(12, 3, 8, 0, 1)),  # 48 h and 1 s: too late
    ("j01-conseil", "r3", I.SHARE, None, at(12, 3, 9)),  # too late
    ("j01-conseil", "t1", I.REACTION, None, at(12, 1, 9)),
    ("j02-ordinateur", "r7", I.SHARE, 2, at(12, 2, 12)),  # "2 to 5"
    ("j02-ordinateur", "r1", I.BUTTON, None, at(12, 2, 9)),
    ("j02-ordinateur", "r7", I.REACTION, None, at(12, 5, 9)),  # too late
    ("j02-ordinateur", "t1", I.SHARE, 6, at(12, 2, 9)),
    ("j03-voix", "r5", I.REACTION, None, at(12, 3, 9)),
    ("j03-voix", "r5", I.REPLY, None, at(12, 4, 10)),
    ("j03-voix", "r2", I.SHARE, None, at(12, 3, 20)),  # said nothing of its reach: 1
    ("p02-vivre", "r3", I.REACTION, None, at(12, 2, 10)),
]

# What relays wrote: (relay or None, kind, text, when).
INBOUND = [
    ("r1", "message", "Merci ! #EngageonsNous", at(12, 1, 12)),
    ("r2", "message", "#engageonsnous#Kayes super", at(12, 2, 13)),
    ("r3", "message", "Je partage #EngageonsNousKayes", at(12, 4, 9)),  # another hashtag
    ("r5", "message", "Bravo #Kayes.", at(12, 7, 18)),  # Monday: the next ISO week
    ("r5", "media", "Mon témoignage #PaixauMali", at(12, 5, 11)),
    ("r1", "message", "#EngageonsNous", at(11, 30, 12)),  # before the period
    ("t1", "message", "#EngageonsNous", at(12, 2, 13)),
    ("r7", "choice", "#EngageonsNous", at(12, 3, 9)),  # a button's data, not writing
    (None, "message", "#EngageonsNous", at(12, 2, 13)),  # someone who has not joined
]

# Broadcasts: name → (created, send at, {relay: (status, sent at)}); deliveries made at
# the send time.
BROADCASTS: dict[str, tuple[datetime, datetime, dict[str, tuple[S, datetime | None]]]] = {
    "b0": (at(11, 29, 9), at(11, 29, 10), {"r1": (S.SENT, at(11, 29, 10, 0, 5))}),
    "b1": (
        at(12, 2, 13, 55),
        at(12, 2, 14),
        {
            "r1": (S.READ, at(12, 2, 14, 0, 10)),
            "r2": (S.DELIVERED, at(12, 2, 14, 0, 20)),
            "r3": (S.FAILED, None),
            "r4": (S.HELD, None),
            "r5": (S.CANCELLED, None),
            "r7": (S.SENT, at(12, 2, 14, 1)),
            "t1": (S.SENT, at(12, 2, 14, 30)),  # would stretch time_to_reach
        },
    ),
    "b2": (
        at(12, 5, 9),
        at(12, 5, 10),
        {"r1": (S.QUEUED, None), "r2": (S.SENT, at(12, 5, 10, 0, 5))},
    ),
}

# The December quiz, 10:00 to 13:00 on 12-04: who got each question, and the answers
# (question position from 1, relay, correct, late, when).
QUIZ_SENT = {
    1: {"r1": S.READ, "r2": S.DELIVERED, "r3": S.SENT, "r5": S.SENT, "r7": S.FAILED, "t1": S.SENT},
    2: {"r1": S.SENT, "r2": S.SENT, "r5": S.SENT},
}
ANSWERS = [
    (1, "r1", True, False, at(12, 4, 10, 10)),
    (1, "r2", False, False, at(12, 4, 11, 30)),
    (1, "r5", True, False, at(12, 4, 12, 59)),
    (1, "r3", True, True, at(12, 4, 14)),  # after closing
    (1, "t1", True, False, at(12, 4, 10, 5)),
    (2, "r1", True, False, at(12, 4, 10, 20)),
    (2, "r2", True, False, at(12, 4, 11)),  # one hour to the second: hour 1
]

# Polls: slug → (opens, threshold, {relay: status}, {relay: choice}); the first is the
# #EngageonsNous campaign's, the second was made apart from any campaign.
POLLS: dict[str, tuple[datetime, int, dict[str, S], dict[str, int]]] = {
    "sondage-conseil": (
        at(12, 5, 9),
        3,
        {"r1": S.READ, "r2": S.SENT, "r3": S.HELD, "r5": S.DELIVERED, "r7": S.SENT, "t1": S.SENT},
        {"r1": 0, "r2": 0, "r5": 1, "t1": 0},
    ),
    "sondage-ecole": (at(12, 6, 9), 10, {"r1": S.SENT}, {"r1": 1}),
}

REACHED = (S.SENT, S.DELIVERED, S.READ, S.UNDELIVERED)  # those the platform took: sent_at
