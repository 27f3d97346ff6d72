"""Anonymous polls: a vote by button or typed number, and /resultats (RÉSULTATS, KƆLƆLƆ).

A vote is counted once; it changes only where the poll allows, until it closes. Results
are aggregate only, shown to people who voted, once enough have answered.
"""

from __future__ import annotations

from sqlalchemy import select

from bot.conversation.handlers.fallback import fallback, not_joined
from bot.conversation.router import Context
from bot.domain.answered import poll_answered
from bot.domain.contests.questions import localized
from bot.domain.outbox import text_message
from bot.domain.poll_messages import results_text
from bot.domain.polls import is_open, vote
from bot.i18n import _
from bot.models import Poll, RelayStatus, Vote


def choose(ctx: Context) -> None:
    """A pressed button: "<poll id>.<choice>"."""
    head, _sep, tail = ctx.argument.partition(".")
    found = ctx.session.get(Poll, int(head)) if head.isdigit() and tail.isdigit() else None
    if ctx.require_relay().status is not RelayStatus.ACTIVE:
        fallback(ctx)
    elif found is None or not 0 <= int(tail) < len(found.choices):
        ctx.reply(_("This poll no longer exists. Send /aide to see what I understand."))
    else:
        cast(ctx, found, int(tail))


def cast(ctx: Context, poll: Poll, choice: int) -> None:
    relay = ctx.require_relay()
    was_open = is_open(poll, ctx.now)
    voted = vote(session=ctx.session, poll=poll, relay=relay, choice=choice, now=ctx.now)
    if voted.counted and ctx.inbound.choice is None:  # typed: no press took the buttons off
        poll_answered(session=ctx.session, relay=relay, poll=poll, now=ctx.now)
    if not was_open:
        ctx.reply(
            _("This poll is closed: your answer could not be counted. Thank you all the same!")
        )
    elif not voted.counted:
        ctx.reply(_("You have already answered this poll, and its answers cannot be changed."))
    elif voted.changed:
        ctx.reply(_("Your answer is changed. Send /resultats to see the results."))
    else:
        ctx.reply(
            _(
                "Thank you, your answer is counted. It is anonymous: nobody can see who "
                "answered what. Send /resultats to see the results."
            )
        )


def hint(ctx: Context, poll: Poll) -> None:
    ctx.reply(
        _(
            "To answer the poll “{question}”, send only the number of your answer, from 1 "
            "to {count}.",
            question=localized(poll.question, ctx.language.value),
            count=len(poll.choices),
        )
    )


def results(ctx: Context) -> None:
    """The results of the latest poll this relay answered, if enough people answered."""
    relay = ctx.known_relay
    if relay is None:
        not_joined(ctx)
        return
    latest = ctx.session.scalars(
        select(Poll)
        .join(Vote, Vote.poll_id == Poll.id)
        .where(Vote.relay_id == relay.id)
        .order_by(Vote.voted_at.desc(), Vote.id.desc())
        .limit(1)
    ).first()
    if latest is None:
        ctx.reply(_("Results are shown to those who answered a poll. Answer one first!"))
        return
    final = not is_open(latest, ctx.now)
    ctx.send(text_message(results_text(ctx.session, latest, relay, final=final), relay.language))
