"""Materialise the editorial calendar: every due post becomes one delivery per relay.

A tick inserts, for each due post and each language, one INSERT … SELECT over the
relays in its audience, ON CONFLICT DO NOTHING on (source, relay): memory does not grow
with the audience, a second clock or a restart never duplicates, and a relay who joins
later in the post's day gets it at the next tick. Quiet hours defer, never drop: the
post stays due past them (bot/domain/campaign_store.py sets how long).
"""

from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy.orm import Session

from bot.domain.outbox import enqueue_in_each_language
from bot.domain.posts import POST_SOURCE, audience_filter, due_posts, in_quiet_hours, post_message
from bot.models import (
    PostRow,
)

logger = logging.getLogger(__name__)


def materialise(*, session: Session, post: PostRow, now: datetime) -> int:
    """Queue `post` for every relay in its audience who does not have it yet."""
    inserted = enqueue_in_each_language(
        session=session,
        source_kind=POST_SOURCE,
        source_ref=str(post.id),
        message=lambda language: post_message(post, post.campaign, language.value),
        relays=lambda language: audience_filter(post, language),
        now=now,
    )
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
