"""Who passes the posts on: the relays who said they shared the most posts (of the
campaign, when one is named) in the period, by pseudonym only, with the onward reach
they declared (one group counts 1, "2 to 5" counts 2, "more than 5" counts 6, a share
that said nothing counts 1). A share counts as engagement does: within 48 hours of the
post reaching the relay."""

from __future__ import annotations

from sqlalchemy import String, cast, func, select
from sqlalchemy.orm import Session

from bot.domain.contests.pseudonyms import pseudonym
from bot.domain.indicators.days import Span
from bot.domain.indicators.engagement import in_window
from bot.domain.indicators.figures import Sharer
from bot.domain.indicators.scope import Scope
from bot.models import Delivery, InteractionKind, PostRow, Relay
from bot.models.interactions import Interaction

TOP = 10


def top_sharers(
    *, session: Session, span: Span, scope: Scope, top: int = TOP
) -> tuple[Sharer, ...]:
    shares = func.count().label("shares")
    reach = func.sum(func.coalesce(Interaction.weight, 1)).label("reach")
    per_relay = (
        select(Interaction.relay_id, shares, reach)
        .join(Delivery, Delivery.id == Interaction.delivery_id)
        .where(
            in_window(),
            Interaction.kind == InteractionKind.SHARE,
            span.holds(Interaction.at),
            scope.counts(Interaction.relay_id),
            Interaction.source_ref.in_(
                select(cast(PostRow.id, String)).where(scope.of_campaign(PostRow.campaign_id))
            ),
        )
        .group_by(Interaction.relay_id)
        .subquery()
    )
    rows = session.execute(
        select(Relay, per_relay.c.shares, per_relay.c.reach)
        .join(per_relay, per_relay.c.relay_id == Relay.id)
        .order_by(per_relay.c.shares.desc(), per_relay.c.reach.desc(), Relay.id)
        .limit(top)
    ).all()
    return tuple(Sharer(pseudonym(relay), int(count), int(total)) for relay, count, total in rows)
