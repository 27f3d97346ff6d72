"""A post as one relay receives it: their language (or the campaign's fallback), the
post's hashtags at its end so it can be forwarded as is, its picture or voice note."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import and_, literal, select, true
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from bot.conversation.values import Choice, ChoiceKind
from bot.domain import quiet_hours
from bot.domain.campaign_dates import post_text
from bot.i18n import _
from bot.models import CampaignRow, Language, PostRow, PostStatus, Relay, RelayStatus, Role
from bot.outbound import MediaRef, Message, Option, Subject, Template
from content.media_kinds import media_kind

POST_SOURCE = "post"  # a post's deliveries: source_ref is the post's id


def media_reference(campaign: CampaignRow, path: str) -> MediaRef:
    """Where a campaign file is, for every channel: Telegram uploads it from the campaign
    folder, Twilio fetches it from /media/<campaign>/<path>."""
    try:
        kind = media_kind(path)
    except ValueError:  # validation refuses such files; a document is the safe guess
        kind = "document"
    return MediaRef(kind, path=f"{campaign.slug}/{path}")


def _with_hashtags(text: str, hashtags: list[str]) -> str:
    missing = [tag for tag in hashtags if tag.lower() not in text.lower()]
    return f"{text}\n\n{' '.join(missing)}" if missing else text


def post_language(post: PostRow, campaign: CampaignRow, language: str) -> str | None:
    """The language this relay gets the post in, or None when it has nothing for them."""
    texts: dict[str, str] = post.content.get("text") or {}
    if texts.get(language):
        return language
    fallback = campaign.settings.get("fallback_language")
    return fallback if fallback and texts.get(fallback) else None


def post_message(post: PostRow, campaign: CampaignRow, language: str) -> Message | None:
    """`post` as a relay reading `language` receives it."""
    chosen = post_language(post, campaign, language)
    if chosen is None:
        return None
    content = post.content
    hashtags: list[str] = content.get("hashtags") or []
    sms: dict[str, str] = content.get("sms") or {}
    media: dict[str, str] = content.get("media") or {}
    templates: dict[str, dict[str, Any]] = content.get("templates") or {}
    # A picture says the same in any language; a voice note in the other language is
    # still better than none for someone who reads little.
    path = media.get(chosen) or next(iter(media.values()), None)
    template = templates.get(chosen)
    reader = Language(chosen)

    def written(text: str) -> str:
        return _with_hashtags(post_text(text, reader, post, campaign), hashtags)

    return Message(
        text=written(content["text"][chosen]),
        language=chosen,
        media=media_reference(campaign, path) if path else None,
        sms_text=written(sms[chosen]) if sms.get(chosen) else None,
        template=Template(template["sid"], template.get("variables")) if template else None,
        subject=Subject("post", post.slug),
        share=Option(
            _("✅ I shared it").render(reader),
            Choice(ChoiceKind.SHARE, str(post.id)).pack(),
        ),
    )


def due_posts(*, session: Session, now: datetime) -> list[PostRow]:
    return list(
        session.scalars(
            select(PostRow)
            .where(
                PostRow.status == PostStatus.READY,
                PostRow.scheduled_at <= now,
                PostRow.expires_at > now,
            )
            .order_by(PostRow.scheduled_at, PostRow.id)
        )
    )


def audience_filter(post: PostRow, language: Language) -> ColumnElement[bool]:
    """Active relays who finished joining, reading `language`, in the post's audience."""
    audience = post.audience
    conditions = [
        Relay.status == RelayStatus.ACTIVE,
        Relay.place.is_not(None),
        Relay.language == language,
    ]
    if audience.get("languages") and language.value not in audience["languages"]:
        conditions.append(literal(False))
    if audience.get("places"):
        conditions.append(Relay.place.in_(audience["places"]))
    if audience.get("roles"):
        conditions.append(Relay.role.in_([Role(role) for role in audience["roles"]]))
    return and_(true(), *conditions)


def todays_posts_for(*, session: Session, relay: Relay, now: datetime) -> list[PostRow]:
    """The posts due now that this relay is in the audience of (for /aujourdhui)."""
    return [
        post
        for post in due_posts(session=session, now=now)
        if session.scalar(
            select(Relay.id).where(Relay.id == relay.id, audience_filter(post, relay.language))
        )
        is not None
    ]


def in_quiet_hours(campaign: CampaignRow, now: datetime) -> bool:
    quiet = quiet_hours.of_campaign(campaign)
    return quiet is not None and quiet.holds(now)


def posts_for_newcomer(
    *, session: Session, relay: Relay, now: datetime
) -> list[tuple[PostRow, Message]]:
    """Today's posts for a relay who just joined, outside quiet hours: sent with their
    welcome under the post's own source, so the clock can never send them twice."""
    found = []
    for post in todays_posts_for(session=session, relay=relay, now=now):
        message = post_message(post, post.campaign, relay.language.value)
        if message is not None and not in_quiet_hours(post.campaign, now):
            post.first_sent_at = post.first_sent_at or now
            found.append((post, message))
    return found
