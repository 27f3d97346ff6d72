"""Polls that opened in the period: voters among the relays the poll reached, and the
results only past the poll's threshold, as the chat shows them, so that no answer can be
traced to anyone (with a filter, the threshold holds for the narrowed count)."""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.domain.contests.pending import POLL_SOURCE
from bot.domain.indicators.days import Span
from bot.domain.indicators.figures import PollFigures, rate
from bot.domain.indicators.reach import reach_of
from bot.domain.indicators.scope import Scope
from bot.models import Poll, Vote


def poll_figures(*, session: Session, span: Span, scope: Scope) -> tuple[PollFigures, ...]:
    polls = session.execute(
        select(Poll.id, Poll.slug, Poll.choices, Poll.threshold)
        .where(span.holds(Poll.opens_at), scope.of_campaign(Poll.campaign_id))
        .order_by(Poll.opens_at, Poll.slug)
    ).all()
    if not polls:
        return ()
    ids = [poll.id for poll in polls]
    sent = reach_of(
        session=session, source_kind=POLL_SOURCE, refs=[str(i) for i in ids], scope=scope
    )
    votes: dict[int, dict[int, int]] = defaultdict(dict)
    for poll_id, choice, count in session.execute(
        select(Vote.poll_id, Vote.choice, func.count())
        .where(Vote.poll_id.in_(ids), scope.counts(Vote.relay_id))
        .group_by(Vote.poll_id, Vote.choice)
    ):
        votes[poll_id][choice] = int(count)
    figures = []
    for poll in polls:
        reached = sent[str(poll.id)].reached if str(poll.id) in sent else 0
        voters = sum(votes[poll.id].values())
        shown = voters >= max(1, poll.threshold)
        figures.append(
            PollFigures(
                poll_id=poll.slug,
                sent=reached,
                voters=voters,
                participation_rate=rate(voters, reached),
                results=tuple(votes[poll.id].get(index, 0) for index in range(len(poll.choices)))
                if shown
                else None,
            )
        )
    return tuple(figures)
