"""Materialise the editorial calendar: every due post becomes one delivery per relay.

A tick inserts, for each due post and each language, one INSERT … SELECT over the
relays in its audience, ON CONFLICT DO NOTHING on (source, relay): memory does not grow
with the audience, a second clock or a restart never duplicates, and a relay who joins
later in the post's day gets it at the next tick. Quiet hours defer, never drop: the
post stays due past them (bot/campaigns.py sets how long).
"""

from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy import literal, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from bot.models import (
    Delivery,
    DeliveryStatus,
    JSONDocument,
    Language,
    PostRow,
    Relay,
)
from bot.posts import POST_SOURCE, audience_filter, due_posts, in_quiet_hours, post_payload

logger = logging.getLogger(__name__)


def materialise(*, session: Session, post: PostRow, now: datetime) -> int:
    """Queue `post` for every relay in its audience who does not have it yet."""
    campaign = post.campaign
    inserted = 0
    for language in Language:
        payload = post_payload(post, campaign, language.value)
        if payload is None:
            continue
        rows = select(
            Relay.id,
            literal(POST_SOURCE),
            literal(str(post.id)),
            literal(payload, JSONDocument),
            literal(DeliveryStatus.QUEUED.value),
            literal(0),
            literal(now, Delivery.__table__.c.next_attempt_at.type),
            literal(now, Delivery.__table__.c.created_at.type),
            literal(now, Delivery.__table__.c.updated_at.type),
        ).where(audience_filter(post, language))
        insert = (
            postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
        )
        statement = (
            insert(Delivery)
            .from_select(
                [
                    "relay_id",
                    "source_kind",
                    "source_ref",
                    "payload",
                    "status",
                    "attempts",
                    "next_attempt_at",
                    "created_at",
                    "updated_at",
                ],
                rows,
            )
            .on_conflict_do_nothing(index_elements=["source_kind", "source_ref", "relay_id"])
            .returning(Delivery.id)
        )
        # Counted from RETURNING: psycopg reports no rowcount for INSERT … SELECT.
        inserted += sum(1 for _ in session.execute(statement))
    if inserted and post.first_sent_at is None:
        post.first_sent_at = now
    return inserted


def materialise_due(*, session: Session, now: datetime) -> int:
    """One tick of the calendar: queue every due post outside its campaign's quiet hours."""
    total = 0
    for post in due_posts(session=session, now=now):
        if in_quiet_hours(post.campaign, now):
            continue
        count = materialise(session=session, post=post, now=now)
        if count:
            logger.info("post %s/%s queued for %d relays", post.campaign.slug, post.slug, count)
        total += count
    return total
