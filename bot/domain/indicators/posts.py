"""Each post of the period: its reach, its engagement, its format and hashtags; and the
same figures summed by phase and by format, the engagement rate computed on the sums."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.domain.indicators.days import Span
from bot.domain.indicators.engagement import Engagement, engagement_of
from bot.domain.indicators.figures import GroupFigures, PostFigures, rate
from bot.domain.indicators.reach import reach_of
from bot.domain.indicators.scope import Scope
from bot.domain.posts import POST_SOURCE
from bot.models import CampaignRow, PostRow
from content.media_kinds import media_kind

TEXT = "text"
# A post whose languages carry different media (a picture in French, a voice note in
# Bambara) is counted as its richest one: for people who read little, that is the post.
RICHEST_FIRST = ("video", "voice", "photo")
FORMATS = (TEXT, "photo", "voice", "video")


def post_format(media: dict[str, str]) -> str:
    """text, photo, voice or video; a document, or no media, is text."""
    kinds = set()
    for path in media.values():
        try:
            kinds.add(media_kind(path))
        except ValueError:  # refused when loading; nothing the relay could see
            continue
    return next((kind for kind in RICHEST_FIRST if kind in kinds), TEXT)


def post_figures(
    *, session: Session, span: Span, zone: ZoneInfo, scope: Scope
) -> list[PostFigures]:
    """The posts scheduled on a day of the period that reached a counted relay's outbox,
    by time; each with every delivery and every interaction in its 48-hour window, even
    those after the period's end (a post's engagement does not depend on the report)."""
    rows = session.execute(
        select(
            PostRow.id,
            PostRow.slug,
            PostRow.phase,
            PostRow.scheduled_at,
            PostRow.content,
            CampaignRow.slug,
        )
        .join(CampaignRow, CampaignRow.id == PostRow.campaign_id)
        .where(span.holds(PostRow.scheduled_at), scope.of_campaign(PostRow.campaign_id))
        .order_by(PostRow.scheduled_at, CampaignRow.slug, PostRow.slug)
    ).all()
    refs = [str(row[0]) for row in rows]
    reached = reach_of(session=session, source_kind=POST_SOURCE, refs=refs, scope=scope)
    engaged = engagement_of(session=session, refs=refs, scope=scope)
    figures = []
    for post_id, slug, phase, scheduled_at, content, campaign in rows:
        reach = reached.get(str(post_id))
        if reach is None:
            continue
        engagement = engaged.get(str(post_id), Engagement())
        figures.append(
            PostFigures(
                campaign=campaign,
                post_id=slug,
                date=scheduled_at.astimezone(zone).date(),
                phase=phase,
                format=post_format(content.get("media") or {}),
                hashtags=tuple(content.get("hashtags") or ()),
                audience=reach.audience,
                reached=reach.reached,
                delivered=reach.delivered,
                read=reach.read,
                failed=reach.failed,
                held=reach.held,
                interactions=engagement.interactions,
                reactions=engagement.reactions,
                replies=engagement.replies,
                shares=engagement.shares,
                engaged=engagement.engaged,
                engagement_rate=rate(engagement.engaged, reach.reached),
                onward_reach=engagement.onward_reach,
            )
        )
    return figures


def summed(key: str, posts: Iterable[PostFigures]) -> GroupFigures:
    """Posts' figures added up; `engaged` adds each post's (a relay engaged by two posts
    counts twice), as the rate on the sums asks."""
    chosen = list(posts)
    reached = sum(post.reached for post in chosen)
    engaged = sum(post.engaged for post in chosen)
    return GroupFigures(
        key=key,
        posts=len(chosen),
        reached=reached,
        interactions=sum(post.interactions for post in chosen),
        engaged=engaged,
        engagement_rate=rate(engaged, reached),
    )


def grouped(
    posts: list[PostFigures], key: Callable[[PostFigures], str], order: Iterable[str] = ()
) -> tuple[GroupFigures, ...]:
    """The sums per key: in `order` first, then in the order keys first appear."""
    present = list(dict.fromkeys(key(post) for post in posts))
    first = [k for k in order if k in present]
    keys = first + [k for k in present if k not in first]
    return tuple(summed(k, (post for post in posts if key(post) == k)) for k in keys)


def by_phase(posts: list[PostFigures]) -> tuple[GroupFigures, ...]:
    return grouped(posts, lambda post: post.phase)


def by_format(posts: list[PostFigures]) -> tuple[GroupFigures, ...]:
    return grouped(posts, lambda post: post.format, FORMATS)
