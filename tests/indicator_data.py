"""A small fixed campaign week for the indicators' tests, written straight into the
model: every figure the tests expect is counted by hand from what is written here.

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

import itertools
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session, sessionmaker

from bot.domain.indicators import compute
from bot.domain.indicators.figures import Filters, Indicators, Period
from bot.models import (
    Answer,
    Broadcast,
    CampaignRow,
    Contest,
    Delivery,
    DeliveryStatus,
    InboundMessage,
    Interaction,
    InteractionKind,
    Poll,
    PostRow,
    PostStatus,
    Question,
    Relay,
    RelayEvent,
    RelayEventKind,
    Vote,
)
from tests.factories import make_relay

S = DeliveryStatus
K = RelayEventKind
I = InteractionKind  # noqa: E741 - read as "interaction kind" in the tables below
_keys = itertools.count(1)


def at(month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, second, tzinfo=UTC)


@dataclass
class Week:
    """The ids of what the data set made, by the names the tables below use."""

    relays: dict[str, int] = field(default_factory=dict)
    deliveries: dict[tuple[str, str], int] = field(default_factory=dict)
    posts: dict[str, int] = field(default_factory=dict)
    campaigns: dict[str, int] = field(default_factory=dict)


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


def _relays(session: Session, week: Week) -> None:
    for name, values in RELAYS.items():
        relay = make_relay(
            session,
            address=f"{values['channel']}:{name}",
            channel=values["channel"],
            language=values["language"],
            place=values["place"],
            display_name=values["name"],
            tags=["test"] if name.startswith("t") else ["ambassadeur"],
        )
        week.relays[name] = relay.id
    for name, inviter in INVITED_BY.items():
        session.get_one(Relay, week.relays[name]).referred_by_id = week.relays[inviter]
    for name, kind, when, place in EVENTS:
        values = RELAYS[name]
        session.add(
            RelayEvent(
                relay_id=week.relays[name],
                kind=kind,
                at=when,
                channel=values["channel"],
                language=values["language"],
                place=place or values["place"],
            )
        )


def _deliver(
    session: Session,
    week: Week,
    source: tuple[str, str],
    ref: int,
    relay: str,
    status: S,
    created: datetime,
    sent: datetime | None,
) -> None:
    delivery = Delivery(
        relay_id=week.relays[relay],
        source_kind=source[0],
        source_ref=str(ref),
        payload={},
        status=status,
        created_at=created,
        next_attempt_at=created,
        sent_at=sent,
    )
    session.add(delivery)
    session.flush()
    week.deliveries[(f"{source[0]}:{source[1]}", relay)] = delivery.id


def _posts(session: Session, week: Week) -> None:
    campaigns = week.campaigns
    for slug in ("engageonsnous", "paixaumali"):
        row = CampaignRow(
            slug=slug,
            name=f"#{slug}",
            timezone="Africa/Bamako",
            starts_on=date(2026, 11, 23),
            ends_on=date(2026, 12, 21),
            folder="/campaigns",
            settings={},
            kit={},
        )
        session.add(row)
        session.flush()
        campaigns[slug] = row.id
    for slug, (campaign, day, phase, media, hashtags) in POSTS.items():
        scheduled = at(day.month, day.day, 8)
        post = PostRow(
            campaign_id=campaigns[campaign],
            slug=slug,
            phase=phase,
            status=PostStatus.READY,
            scheduled_at=scheduled,
            expires_at=at(day.month, day.day, 23),
            audience={},
            content={"text": {"fr": slug}, "media": media, "hashtags": hashtags},
            version=slug,
            first_sent_at=scheduled,
        )
        session.add(post)
        session.flush()
        week.posts[slug] = post.id
        for relay, status in SENT[("post", slug)].items():
            sent = scheduled if status in REACHED else None
            _deliver(session, week, ("post", slug), post.id, relay, status, scheduled, sent)
    for slug, relay, kind, weight, when in INTERACTIONS:
        session.add(
            Interaction(
                key=f"test:{next(_keys)}",
                relay_id=week.relays[relay],
                delivery_id=week.deliveries[(f"post:{slug}", relay)],
                source_kind="post",
                source_ref=str(week.posts[slug]),
                kind=kind,
                weight=weight,
                at=when,
            )
        )


def _inbound(session: Session, week: Week) -> None:
    for number, (relay, kind, text, when) in enumerate(INBOUND):
        session.add(
            InboundMessage(
                channel="telegram",
                platform_message_id=f"in-{number}",
                relay_id=week.relays[relay] if relay else None,
                kind=kind,
                text=text,
                received_at=when,
            )
        )


def _broadcasts(session: Session, week: Week) -> None:
    for name, (created, send_at, deliveries) in BROADCASTS.items():
        broadcast = Broadcast(
            audience={},
            texts={"fr": name},
            media={},
            send_at=send_at,
            created_by="cli",
            created_at=created,
        )
        session.add(broadcast)
        session.flush()
        for relay, (status, sent) in deliveries.items():
            source = ("broadcast", name)
            _deliver(session, week, source, broadcast.id, relay, status, send_at, sent)


def _quiz(session: Session, week: Week) -> None:
    common: dict[str, Any] = {"title": {"fr": "Quiz"}, "prize": {"fr": "Crédit"}, "audience": {}}
    earlier = Contest(slug="quiz-novembre", opens_at=at(11, 27, 10), closes_at=at(11, 27, 12))
    contest = Contest(slug="quiz-decembre", opens_at=at(12, 4, 10), closes_at=at(12, 4, 13))
    contest.campaign_id = week.campaigns["engageonsnous"]
    for row in (earlier, contest):
        for key, value in common.items():
            setattr(row, key, value)
        session.add(row)
    session.flush()
    questions = {}
    for position in (1, 2):
        question = Question(
            contest_id=contest.id,
            position=position - 1,
            text={"fr": f"Q{position}"},
            choices=[{"fr": "A"}, {"fr": "B"}],
            correct=0,
            media={},
        )
        session.add(question)
        session.flush()
        questions[position] = question.id
        for relay, status in QUIZ_SENT[position].items():
            sent = at(12, 4, 10) if status in REACHED else None
            source = ("question", f"q{position}")
            _deliver(session, week, source, question.id, relay, status, at(12, 4, 10), sent)
    for position, relay, correct, late, when in ANSWERS:
        session.add(
            Answer(
                question_id=questions[position],
                relay_id=week.relays[relay],
                choice=0 if correct else 1,
                correct=correct,
                late=late,
                points=0 if late or not correct else 10,
                answered_at=when,
            )
        )


def _polls(session: Session, week: Week) -> None:
    for slug, (opens, threshold, deliveries, votes) in POLLS.items():
        poll = Poll(
            slug=slug,
            question={"fr": slug},
            choices=[{"fr": "Oui"}, {"fr": "Non"}],
            opens_at=opens,
            closes_at=opens.replace(hour=20),
            threshold=threshold,
            audience={},
            campaign_id=week.campaigns["engageonsnous"] if slug == "sondage-conseil" else None,
        )
        session.add(poll)
        session.flush()
        for relay, status in deliveries.items():
            sent = opens if status in REACHED else None
            _deliver(session, week, ("poll", slug), poll.id, relay, status, opens, sent)
        for relay, choice in votes.items():
            session.add(Vote(poll_id=poll.id, relay_id=week.relays[relay], choice=choice))


def build_week(session: Session) -> Week:
    """Write the whole data set; the caller commits."""
    week = Week()
    _relays(session, week)
    _posts(session, week)
    _inbound(session, week)
    _broadcasts(session, week)
    _quiz(session, week)
    _polls(session, week)
    session.flush()
    return week


WEEK = Period(date(2026, 12, 1), date(2026, 12, 7))
BAMAKO = ZoneInfo("Africa/Bamako")


def indicators(
    factory: sessionmaker[Session],
    filters: Filters | None = None,
    *,
    period: Period = WEEK,
    zone: ZoneInfo = BAMAKO,
    min_group: int = 5,
) -> Indicators:
    with factory() as session:
        return compute(
            session=session,
            period=period,
            filters=filters or Filters(),
            zone=zone,
            min_group=min_group,
        )
