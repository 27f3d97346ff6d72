"""A contest's life on the clock: opens at its time (questions go out), closes at its
time (each participant gets their score, and the right answers if they were kept until
then). Every step is idempotent, so two clocks or a restart change nothing."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from bot.domain import quiet_hours
from bot.domain.contests.pseudonyms import pseudonym
from bot.domain.contests.questions import choice_label, localized, questions_of, queue_opening
from bot.domain.contests.standings import Score, contest_scores
from bot.domain.outbox import enqueue_text
from bot.i18n import Text, _, _n
from bot.models import Answer, Contest, ContestState, Eligibility, Question, Relay, RelayStatus

RESULT_SOURCE = "contest_result"  # source_ref: the contest's id; one per participant

RULES: dict[Eligibility, Text] = {
    Eligibility.ALL_CORRECT: _(
        "The winners will be drawn among those who answered every question right."
    ),
    Eligibility.ANY_CORRECT: _(
        "The winners will be drawn among those with at least one right answer."
    ),
    Eligibility.PARTICIPATED: _("The winners will be drawn among everyone who took part."),
}


def open_due(*, session: Session, now: datetime, zone: ZoneInfo) -> int:
    """Open what is due, and queue the questions of every open contest (newcomers too).
    Quiet hours hold the questions, not the opening: they go out when quiet hours end."""
    session.execute(
        update(Contest)
        .where(Contest.state == ContestState.DRAFT, Contest.opens_at <= now)
        .values(state=ContestState.OPEN)
        .execution_options(synchronize_session=False)
    )
    running = session.scalars(
        select(Contest).where(Contest.state == ContestState.OPEN, Contest.closes_at > now)
    ).all()
    return sum(
        queue_opening(session=session, contest=contest, now=now, zone=zone)
        for contest in running
        if quiet_hours.held_until(session=session, now=now, campaign_id=contest.campaign_id) is None
    )


def close_due(*, session: Session, now: datetime, zone: ZoneInfo) -> int:
    """Close what is due; each participant gets their results, once quiet hours are over.
    Returns how many results were queued."""
    session.execute(
        update(Contest)
        .where(Contest.state != ContestState.CLOSED, Contest.closes_at <= now)
        .values(state=ContestState.CLOSED)
        .execution_options(synchronize_session=False)
    )
    waiting = session.scalars(
        select(Contest).where(
            Contest.state == ContestState.CLOSED, Contest.results_sent_at.is_(None)
        )
    ).all()
    sent = 0
    for contest in waiting:
        if quiet_hours.held_until(session=session, now=now, campaign_id=contest.campaign_id):
            continue
        # Claimed in one UPDATE, so a second clock finds nothing left to send.
        claimed = session.scalars(
            update(Contest)
            .where(Contest.id == contest.id, Contest.results_sent_at.is_(None))
            .values(results_sent_at=now)
            .returning(Contest.id)
            .execution_options(synchronize_session=False)
        ).all()
        if claimed:
            session.refresh(contest)
            sent += send_results(session=session, contest=contest, zone=zone)
    return sent


def results_text(
    contest: Contest, relay: Relay, scores: list[Score], questions: list[Question]
) -> str:
    language = relay.language
    mine = next((score for score in scores if score.relay_id == relay.id), None)
    title = localized(contest.title, language.value)
    parts = [_("“{title}” is now closed. Thank you for taking part!", title=title)]
    if mine is not None:
        parts.append(
            _n(
                "You scored {count} point",
                "You scored {count} points",
                mine.points,
            )
        )
        parts.append(
            _(
                "Right answers in time: {correct} of {total}. Rank: {rank} of {participants}. "
                "On the leaderboard you are {pseudonym}.",
                correct=mine.correct,
                total=len(questions),
                rank=mine.rank,
                participants=len(scores),
                pseudonym=pseudonym(relay),
            )
        )
    if not contest.feedback_at_once:
        parts.append(_("The right answers:"))
        for question in questions:
            parts.append(
                _(
                    "Question {number}: {choice}. {label}",
                    number=question.position + 1,
                    choice=question.correct + 1,
                    label=choice_label(question, question.correct, language.value),
                )
            )
    parts.append(RULES[contest.eligibility])
    return "\n".join(part.render(language) for part in parts)


def send_results(*, session: Session, contest: Contest, zone: ZoneInfo) -> int:
    scores = contest_scores(session, contest)
    questions = questions_of(session, contest)
    participants = session.scalars(
        select(Relay).where(
            Relay.id.in_(
                select(Answer.relay_id)
                .join(Question, Question.id == Answer.question_id)
                .where(Question.contest_id == contest.id)
            ),
            Relay.status == RelayStatus.ACTIVE,
        )
    ).all()
    sent = 0
    for relay in participants:
        if enqueue_text(
            session=session,
            source_kind=RESULT_SOURCE,
            source_ref=str(contest.id),
            relay=relay,
            text=results_text(contest, relay, scores, questions),
        ):
            sent += 1
    return sent
