"""Answered questions and polls: their buttons show the answer, or come off.

A relay who types "2" instead of pressing a button would otherwise keep a keyboard that
looks open, and pressing it then says the first answer counts. On Telegram the buttons of
the answered message are taken off (a pressed button takes them off already); the
simulator marks the chosen button and disables the others.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.addresses import Address, AddressError
from bot.conversation.values import Choice, ChoiceKind
from bot.domain.contests.pending import POLL_SOURCE
from bot.domain.contests.questions import QUESTION_SOURCE
from bot.domain.outbox import enqueue
from bot.domain.polls import is_open
from bot.models import Answer, Delivery, Poll, Relay, Vote
from bot.outbound import ButtonAck

# Channels whose sent messages can have their buttons edited afterwards.
EDITABLE = ("telegram",)


def retire_buttons(*, session: Session, relay: Relay, source_kind: str, source_ref: str) -> bool:
    """Queue taking the buttons off the message that asked (once); True if queued."""
    try:
        channel = Address.parse(relay.address).channel
    except AddressError:
        return False
    if channel not in EDITABLE:
        return False
    message_id = session.scalar(
        select(Delivery.platform_message_id).where(
            Delivery.source_kind == source_kind,
            Delivery.source_ref == source_ref,
            Delivery.relay_id == relay.id,
            Delivery.platform_message_id.is_not(None),
        )
    )
    if message_id is None or not message_id.isdigit():
        return False  # not sent yet: nothing on the phone to edit
    queued = enqueue(
        session=session,
        source_kind="ack",
        source_ref=f"{source_kind}:{source_ref}",
        message=ButtonAck(None, int(message_id)),
        relay=relay,
    )
    return queued is not None


def question_answered(*, session: Session, relay: Relay, question_id: int) -> bool:
    return retire_buttons(
        session=session, relay=relay, source_kind=QUESTION_SOURCE, source_ref=str(question_id)
    )


def poll_answered(*, session: Session, relay: Relay, poll: Poll, now: datetime) -> bool:
    """A poll whose vote may still change keeps its buttons."""
    if poll.changeable and is_open(poll, now):
        return False
    return retire_buttons(
        session=session, relay=relay, source_kind=POLL_SOURCE, source_ref=str(poll.id)
    )


@dataclass(frozen=True)
class Chosen:
    """What a relay chose for one question or poll, as its button's data."""

    data: str
    locked: bool  # no other button may be pressed any more


def chosen_by(*, session: Session, relay_id: int, now: datetime) -> dict[str, Chosen]:
    """Per "quiz:<question id>" or "poll:<poll id>": the relay's own answer. Shown only
    to the relay's own phone; a vote stays anonymous to everyone else."""
    chosen: dict[str, Chosen] = {}
    answers = session.execute(
        select(Answer.question_id, Answer.choice).where(Answer.relay_id == relay_id)
    )
    for question_id, choice in answers:
        data = Choice(ChoiceKind.QUIZ, f"{question_id}.{choice}").pack()
        chosen[f"quiz:{question_id}"] = Chosen(data, locked=True)
    votes = session.execute(
        select(Vote.choice, Poll)
        .join(Poll, Poll.id == Vote.poll_id)
        .where(Vote.relay_id == relay_id)
    )
    for choice, poll in votes:
        data = Choice(ChoiceKind.POLL, f"{poll.id}.{choice}").pack()
        locked = not (poll.changeable and is_open(poll, now))
        chosen[f"poll:{poll.id}"] = Chosen(data, locked=locked)
    return chosen
