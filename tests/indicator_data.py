"""The week of tests/indicator_week.py written straight into the model, and the
indicators computed over it."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import date, datetime
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
    Poll,
    PostRow,
    PostStatus,
    Question,
    Relay,
    RelayEvent,
    Vote,
)
from tests.factories import make_relay
from tests.indicator_week import (
    ANSWERS,
    BROADCASTS,
    EVENTS,
    INBOUND,
    INTERACTIONS,
    INVITED_BY,
    POLLS,
    POSTS,
    QUIZ_SENT,
    REACHED,
    RELAYS,
    SENT,
    at,
)

_keys = itertools.count(1)


@dataclass
class Week:
    """The ids of what the data set made, by the names the tables of tests/indicator_week.py use."""

    relays: dict[str, int] = field(default_factory=dict)
    deliveries: dict[tuple[str, str], int] = field(default_factory=dict)
    posts: dict[str, int] = field(default_factory=dict)
    campaigns: dict[str, int] = field(default_factory=dict)


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
    status: DeliveryStatus,
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
