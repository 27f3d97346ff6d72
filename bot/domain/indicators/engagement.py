"""Engagement: what relays did with the posts they received (reactions, quoting replies,
shares, other buttons), counted only within 48 hours of the message being sent."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from sqlalchemy import String, case, cast, func, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from bot.domain.indicators.days import Span
from bot.domain.indicators.elapsed import HOUR_MS, milliseconds_between
from bot.domain.indicators.scope import Scope
from bot.domain.posts import POST_SOURCE
from bot.models import Delivery, Interaction, InteractionKind, PostRow

WINDOW_MS = 48 * HOUR_MS


@dataclass(frozen=True)
class Engagement:
    interactions: int = 0
    reactions: int = 0
    replies: int = 0
    shares: int = 0
    engaged: int = 0  # distinct relays with at least one interaction
    onward_reach: int = 0  # declared by relays when they share, not measured


def in_window() -> ColumnElement[bool]:
    """The interaction came within 48 hours of its message's sending (an act stamped a
    little before it, by a platform's clock, still counts)."""
    return Delivery.sent_at.is_not(None) & (
        milliseconds_between(Delivery.sent_at, Interaction.at) <= WINDOW_MS
    )


def _count(kind: InteractionKind) -> ColumnElement[int]:
    return func.sum(case((Interaction.kind == kind, 1), else_=0))


def engagement_of(
    *, session: Session, refs: Collection[str], scope: Scope
) -> dict[str, Engagement]:
    """Each post's engagement by its source_ref (the post's id as text). A share counts
    once per relay and post (the interaction's key sees to it); one that said nothing of
    its reach counts 1."""
    if not refs:
        return {}
    onward = func.sum(
        case((Interaction.kind == InteractionKind.SHARE, func.coalesce(Interaction.weight, 1)))
    )
    rows = session.execute(
        select(
            Interaction.source_ref,
            func.count(),
            _count(InteractionKind.REACTION),
            _count(InteractionKind.REPLY),
            _count(InteractionKind.SHARE),
            func.count(func.distinct(Interaction.relay_id)),
            onward,
        )
        .join(Delivery, Delivery.id == Interaction.delivery_id)
        .where(
            Interaction.source_kind == POST_SOURCE,
            Interaction.source_ref.in_(sorted(refs)),
            in_window(),
            scope.counts(Interaction.relay_id),
        )
        .group_by(Interaction.source_ref)
    )
    return {row[0]: Engagement(*(int(value or 0) for value in row[1:])) for row in rows}


def interactions_in(
    *, session: Session, period: Span, before: Span, scope: Scope
) -> tuple[int, int]:
    """Interactions on posts that happened in the period, and in the one before."""
    conditions = [Interaction.at >= before.start, Interaction.at < period.end]
    if scope.filters.campaign is not None:
        posts = select(cast(PostRow.id, String)).where(scope.of_campaign(PostRow.campaign_id))
        conditions.append(Interaction.source_ref.in_(posts))
    inside = func.sum(case((period.holds(Interaction.at), 1), else_=0))
    earlier = func.sum(case((before.holds(Interaction.at), 1), else_=0))
    row = session.execute(
        select(inside, earlier)
        .select_from(Interaction)
        .join(Delivery, Delivery.id == Interaction.delivery_id)
        .where(
            Interaction.source_kind == POST_SOURCE,
            in_window(),
            scope.counts(Interaction.relay_id),
            *conditions,
        )
    ).one()
    return int(row[0] or 0), int(row[1] or 0)
