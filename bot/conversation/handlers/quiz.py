"""Answering a contest: a button, or a typed "2", "B", "b)", "fila" or the choice's words.

The first answer counts, exactly once; a second is told so. After closing an answer is
kept as late and told so politely. In a sequential contest the next question follows the
answer at once. /score (SCORE, JATƐ) shows one's score and rank; /classement (JATƐW) the
leaderboard, by pseudonym only.
"""

from __future__ import annotations

from bot.conversation.handlers import poll
from bot.conversation.handlers.fallback import fallback, not_joined
from bot.conversation.router import Context
from bot.domain.answered import question_answered
from bot.domain.contests.answer_records import record_answer
from bot.domain.contests.pending import pending_for
from bot.domain.contests.pseudonyms import pseudonym
from bot.domain.contests.questions import (
    QUESTION_SOURCE,
    choice_label,
    closing,
    following_question,
    kept_question,
    localized,
    question_message,
    questions_of,
)
from bot.domain.contests.standings import (
    latest_contest,
    leaderboard,
    places,
)
from bot.domain.contests.typed_answers import looks_like_answer, read_choice
from bot.i18n import _, _n
from bot.models import Contest, ContestMode, Poll, Question, Relay, RelayStatus


def _unpack(value: str) -> tuple[int, int] | None:
    head, _sep, tail = value.partition(".")
    return (int(head), int(tail)) if head.isdigit() and tail.isdigit() else None


def choose(ctx: Context) -> None:
    """A pressed button: "<question id>.<choice>"."""
    found = _unpack(ctx.argument)
    question = kept_question(ctx.session, found[0]) if found else None
    if ctx.require_relay().status is not RelayStatus.ACTIVE:
        fallback(ctx)
    elif found is None or question is None or not 0 <= found[1] < len(question.choices):
        ctx.reply(_("This question no longer exists. Send /aide to see what I understand."))
    else:
        answer(ctx, question, found[1])


def answer(ctx: Context, question: Question, choice: int) -> None:
    relay = ctx.require_relay()
    contest = question.contest
    language = relay.language.value
    recorded = record_answer(
        session=ctx.session, question=question, relay=relay, choice=choice, now=ctx.now
    )
    picked = choice_label(question, choice, language)
    if recorded.first and ctx.inbound.choice is None:  # typed: no press took the buttons off
        question_answered(session=ctx.session, relay=relay, question_id=question.id)
    if not recorded.first:
        ctx.reply(
            _(
                "You have already answered question {number}: your first answer is the one "
                "that counts.",
                number=question.position + 1,
            )
        )
        return
    if recorded.late:
        ctx.reply(
            _(
                "Thank you for your answer! “{title}” has closed, so it is kept but cannot "
                "count any more. Watch for the next contest!",
                title=localized(contest.title, language),
            )
        )
        return
    if not contest.feedback_at_once:
        ctx.reply(
            _(
                "Answer recorded: {label}. You will know whether it is right when the "
                "contest closes, {day} at {time}.",
                label=picked,
                **closing(contest, ctx.zone),
            )
        )
    elif recorded.correct:
        ctx.reply(
            _n(
                "Right answer: {label}! +{count} point.",
                "Right answer: {label}! +{count} points.",
                recorded.points,
                label=picked,
            )
        )
    else:
        ctx.reply(
            _(
                "Not quite. The right answer was {number}. {label}.",
                number=question.correct + 1,
                label=choice_label(question, question.correct, language),
            )
        )
    _follow_up(ctx, question, recorded.answered)


def _follow_up(ctx: Context, question: Question, answered: frozenset[int] | None) -> None:
    """The next question in a sequential contest; a word when every question is answered."""
    relay = ctx.require_relay()
    contest = question.contest
    following, total = following_question(ctx.session, contest, relay, answered)
    if following is None:
        ctx.reply(
            _(
                "You have answered every question of “{title}”. Send /score to see your "
                "score and rank.",
                title=localized(contest.title, relay.language.value),
            )
        )
    elif contest.mode is ContestMode.SEQUENTIAL:
        message = question_message(following, total, relay.language, ctx.zone)
        ctx.send(message, source=(QUESTION_SOURCE, str(following.id)))


def typed(ctx: Context) -> bool:
    """Reads text as the answer to the question or poll waiting for one; a hint when it
    looks like an answer but cannot be read. False when nothing is waiting, or when the
    text is no answer at all (the fallback keeps it for the team)."""
    relay = ctx.known_relay
    text = (ctx.inbound.text or "").strip()
    if relay is None or relay.status is not RelayStatus.ACTIVE or not text:
        return False
    waiting = pending_for(ctx.session, relay, ctx.now)
    if waiting is None:
        return False
    choices = waiting.choices
    picked = read_choice(text, choices)
    if picked is None and not looks_like_answer(text, choices):
        return False  # a message for the team, not an answer (the fallback keeps it)
    if isinstance(waiting, Poll):
        if picked is None:
            poll.hint(ctx, waiting)
        else:
            poll.cast(ctx, waiting, picked)
        return True
    if picked is None:
        ctx.reply(
            _(
                "To answer question {number} of “{title}”, send only the number of your "
                "answer, from 1 to {count} (or its letter, A, B…).",
                number=waiting.position + 1,
                title=localized(waiting.contest.title, relay.language.value),
                count=len(choices),
            )
        )
    else:
        answer(ctx, waiting, picked)
    return True


def _latest(ctx: Context) -> tuple[Relay, Contest] | None:
    """The relay and the contest they last answered in; said so when there is none."""
    relay = ctx.known_relay
    if relay is None:
        not_joined(ctx)
        return None
    contest = latest_contest(ctx.session, relay)
    if contest is None:
        ctx.reply(_("You have not answered a contest yet. The next one will come here."))
        return None
    return relay, contest


def score(ctx: Context) -> None:
    """The relay's own score and rank: in their latest contest, and the whole campaign."""
    found = _latest(ctx)
    if found is None:
        return
    relay, contest = found
    placed = places(ctx.session, contest, relay)
    if placed is None:
        return
    mine, whole = placed.contest, placed.campaign
    ctx.reply(
        _(
            "“{title}”: {points} points, {correct} of {total} right. Rank {rank} of "
            "{participants}.\nWhole campaign: {campaign_points} points, rank {campaign_rank} "
            "of {campaign_participants}.\nOn the leaderboard you are {pseudonym}.",
            title=localized(contest.title, relay.language.value),
            points=mine.score.points,
            correct=mine.score.correct,
            total=len(questions_of(ctx.session, contest)),
            rank=mine.score.rank,
            participants=mine.participants,
            campaign_points=whole.score.points,
            campaign_rank=whole.score.rank,
            campaign_participants=whole.participants,
            pseudonym=pseudonym(relay),
        )
    )


def standings(ctx: Context) -> None:
    """The leaderboard of the relay's latest contest: pseudonyms and points only."""
    found = _latest(ctx)
    if found is None:
        return
    relay, contest = found
    board = leaderboard(ctx.session, contest, relay=relay)
    lines = [
        _(
            "{rank}. {pseudonym}: {points}",
            rank=standing.rank,
            pseudonym=standing.pseudonym,
            points=standing.points,
        ).render(relay.language)
        for standing in board.standings
    ]
    ctx.reply(
        _(
            "Leaderboard of “{title}” (points):\n{lines}\n\nYou: rank {rank}, {pseudonym}.",
            title=localized(contest.title, relay.language.value),
            lines="\n".join(lines),
            rank=board.mine.rank if board.mine else "-",
            pseudonym=pseudonym(relay),
        )
    )
