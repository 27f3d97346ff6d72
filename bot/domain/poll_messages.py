"""Polls as relays receive them: the question with its choices, and the results.

Results go back to the people who answered, when the poll closes: the aggregate overall,
and for their own place when enough people there answered ("here is what Kayes
answered"). Below the poll's threshold a result is not shown, so nobody can be traced.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from bot.conversation.values import Choice, ChoiceKind
from bot.domain import quiet_hours
from bot.domain.broadcasts import Audience
from bot.domain.contests.pending import POLL_SOURCE
from bot.domain.contests.questions import localized
from bot.domain.outbox import enqueue_in_each_language, enqueue_text
from bot.domain.polls import Results, results
from bot.i18n import Day, _
from bot.models import Language, Poll, Relay, RelayStatus, Vote
from bot.outbound import Message, Option, Subject
from content.places import find_place

RESULT_SOURCE = "poll_result"  # source_ref: the poll's id; one per voter


def poll_message(poll: Poll, language: Language, zone: ZoneInfo) -> Message:
    lang = language.value
    local = poll.closes_at.astimezone(zone)
    how = _(
        "Anonymous poll: nobody will see what you answer. Reply with the number of your "
        "answer (1 to {count}). Closes {day} at {time}.",
        count=len(poll.choices),
        day=Day(poll.closes_at, zone),
        time=local.strftime("%H:%M"),
    ).render(language)
    return Message(
        text=f"{localized(poll.question, lang)}\n\n{how}",
        language=lang,
        options=tuple(
            Option(localized(choice, lang), Choice(ChoiceKind.POLL, f"{poll.id}.{index}").pack())
            for index, choice in enumerate(poll.choices)
        ),
        subject=Subject("poll", poll.id),
    )


def queue_opening(*, session: Session, poll: Poll, now: datetime, zone: ZoneInfo) -> int:
    """Queue the poll for its audience (again is harmless); returns how many."""
    audience = Audience.from_json(poll.audience)
    return enqueue_in_each_language(
        session=session,
        source_kind=POLL_SOURCE,
        source_ref=str(poll.id),
        message=lambda language: poll_message(poll, language, zone),
        relays=lambda language: audience.relays(language, zone),
        now=now,
    )


def results_lines(poll: Poll, found: Results, language: Language) -> str:
    lines = []
    for index, choice in enumerate(poll.choices):
        lines.append(
            _(
                "{number}. {label}: {percent}% ({count})",
                number=index + 1,
                label=localized(choice, language.value),
                percent=found.percent(index),
                count=found.counts[index],
            ).render(language)
        )
    return "\n".join(lines)


class Tally:
    """A poll's results, overall and per place, each counted once however many voters
    are told them."""

    def __init__(self, session: Session, poll: Poll) -> None:
        self.session, self.poll = session, poll
        self.overall = results(session=session, poll=poll)
        self._places: dict[str, Results | None] = {}

    def place(self, place: str) -> Results | None:
        if place not in self._places:
            self._places[place] = results(session=self.session, poll=self.poll, place=place)
        return self._places[place]


def results_text(session: Session, poll: Poll, relay: Relay, *, final: bool) -> str:
    """What this voter is told now, in their language (see tally_text)."""
    return tally_text(Tally(session, poll), relay, final=final)


def tally_text(tally: Tally, relay: Relay, *, final: bool) -> str:
    """The results in the voter's language: overall, then their place when it has enough
    answers."""
    poll, overall, language = tally.poll, tally.overall, relay.language
    question = localized(poll.question, language.value)
    if overall is None:
        return _(
            "“{question}”: not enough people have answered yet for results to be shown "
            "without risk to anyone. Results appear from {threshold} answers.",
            question=question,
            threshold=poll.threshold,
        ).render(language)
    heading = (
        _(
            "Results of the poll “{question}”, {total} answers:",
            question=question,
            total=overall.total,
        )
        if final
        else _(
            "Results so far of the poll “{question}”, {total} answers:",
            question=question,
            total=overall.total,
        )
    )
    text = f"{heading.render(language)}\n{results_lines(poll, overall, language)}"
    place = find_place(relay.place or "")
    local = tally.place(place.slug) if place is not None else None
    if place is not None and local is not None:
        here = _("Here is what {place} answered ({total}):", place=place.name, total=local.total)
        text += f"\n\n{here.render(language)}\n{results_lines(poll, local, language)}"
    return text


def send_final_results(*, session: Session, now: datetime) -> int:
    """For every poll that closed: each voter gets the results, once, outside quiet hours.
    Returns how many."""
    waiting = session.scalars(
        select(Poll).where(Poll.closes_at <= now, Poll.results_sent_at.is_(None))
    ).all()
    sent = 0
    for poll in waiting:
        if quiet_hours.held_until(session=session, now=now, campaign_id=poll.campaign_id):
            continue
        # Claimed in one UPDATE, so a second clock finds nothing left to send.
        claimed = session.scalars(
            update(Poll)
            .where(Poll.id == poll.id, Poll.results_sent_at.is_(None))
            .values(results_sent_at=now)
            .returning(Poll.id)
            .execution_options(synchronize_session=False)
        ).all()
        if not claimed:
            continue
        session.refresh(poll)
        tally = Tally(session, poll)
        voters = session.scalars(
            select(Relay)
            .join(Vote, Vote.relay_id == Relay.id)
            .where(Vote.poll_id == poll.id, Relay.status == RelayStatus.ACTIVE)
        )
        for relay in voters:
            if enqueue_text(
                session=session,
                source_kind=RESULT_SOURCE,
                source_ref=str(poll.id),
                relay=relay,
                text=tally_text(tally, relay, final=True),
            ):
                sent += 1
    return sent
