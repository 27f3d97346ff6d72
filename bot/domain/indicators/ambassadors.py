"""Ambassadors: relays whose invitation brought in someone who completed joining, as of
the period's end; their recruits, and their recruits' own recruits, by pseudonym only.

Counted over all time up to the end of the period, as active_end is: an ambassador
stays one after stopping, and the filters (channel, language, place) choose ambassadors
by where they are now, their recruits following them wherever those are.
"""

from __future__ import annotations

from sqlalchemy import Subquery, func, select
from sqlalchemy.orm import Session, aliased

from bot.domain.contests.pseudonyms import pseudonym
from bot.domain.indicators.days import Span
from bot.domain.indicators.figures import Ambassador, Ambassadors, rate
from bot.domain.indicators.scope import Scope, test_relays
from bot.domain.indicators.sharers import top_sharers
from bot.models import Relay, RelayEvent, RelayEventKind

TOP = 10


def _per_ambassador(span: Span, scope: Scope) -> Subquery:
    """Each counted ambassador's recruits and second generation: recruits are counted
    relays who joined with an invitation and had completed joining by the period's end;
    the second generation adds up each recruit's own recruits."""
    joined = select(RelayEvent.relay_id).where(
        RelayEvent.kind == RelayEventKind.JOINED, RelayEvent.at < span.end
    )
    recruited = (
        select(Relay.id, Relay.referred_by_id)
        .where(
            Relay.referred_by_id.is_not(None),
            Relay.id.in_(joined),
            Relay.id.not_in(test_relays()),
        )
        .cte("recruited")
    )
    r = recruited.c
    first = (
        select(r.referred_by_id.label("ambassador"), func.count().label("recruits"))
        .group_by(r.referred_by_id)
        .cte("first")
    )
    second = (
        select(r.referred_by_id.label("ambassador"), func.sum(first.c.recruits).label("more"))
        .join(first, first.c.ambassador == r.id)
        .group_by(r.referred_by_id)
        .cte("second")
    )
    return (
        select(
            first.c.ambassador,
            first.c.recruits,
            func.coalesce(second.c.more, 0).label("second_generation"),
        )
        .outerjoin(second, second.c.ambassador == first.c.ambassador)
        .where(scope.counts(first.c.ambassador))
        .subquery("per_ambassador")
    )


def ambassador_figures(
    *, session: Session, span: Span, scope: Scope, active_end: int, top: int = TOP
) -> Ambassadors:
    per_ambassador = _per_ambassador(span, scope)
    a = per_ambassador.c
    ambassadors, recruits = session.execute(
        select(func.count(), func.coalesce(func.sum(a.recruits), 0))
    ).one()
    ranked = aliased(Relay)
    leaders = session.execute(
        select(ranked, a.recruits, a.second_generation)
        .join(per_ambassador, a.ambassador == ranked.id)
        .order_by(a.recruits.desc(), a.second_generation.desc(), ranked.id)
        .limit(top)
    ).all()
    ambassadors, recruits = int(ambassadors), int(recruits)
    return Ambassadors(
        ambassadors=ambassadors,
        recruits=recruits,
        ambassador_share=rate(ambassadors, active_end),
        recruits_per_ambassador=rate(recruits, ambassadors),
        top=tuple(
            Ambassador(pseudonym(relay), int(count), int(further))
            for relay, count, further in leaders
        ),
        top_sharers=top_sharers(session=session, span=span, scope=scope),
    )
