"""What organisers read: how far each message got, and why the rest did not."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.i18n import Text, _
from bot.models import CampaignRow, Delivery, DeliveryStatus, InboundMedia, PostRow, Relay

REASONS = {
    "window": _("outside WhatsApp's 24-hour window, no template: waits for the relay to write"),
    "63016": _("outside WhatsApp's 24-hour window (Twilio 63016): waits for the relay to write"),
    "21610": _("the relay unsubscribed (Twilio 21610)"),
    "63024": _("invalid WhatsApp recipient (Twilio 63024)"),
    "21211": _("invalid phone number (Twilio 21211)"),
    "403": _("the relay blocked the bot (Telegram 403)"),
    "429": _("rate limited by the platform"),
    "63018": _("WhatsApp rate limit (Twilio 63018)"),
}


@dataclass(frozen=True)
class DeliveryLine:
    source: str  # kind:reference, as stored ("post:engageonsnous/p01", "broadcast:1")
    kind: str
    ref: str
    channel: str
    status: DeliveryStatus
    reason: Text | str  # a known reason, or the platform's bare code
    relays: int


def delivery_lines(*, session: Session, source_kind: str | None = None) -> list[DeliveryLine]:
    """Counts of relays per message source, channel, status and reason."""
    query = (
        select(
            Delivery.source_kind,
            Delivery.source_ref,
            Relay.channel,
            Delivery.status,
            Delivery.error_code,
            func.count(func.distinct(Delivery.relay_id)),
        )
        .join(Relay, Delivery.relay_id == Relay.id)
        .where(Delivery.source_kind.not_in(["ack", "reply"]))
        .group_by(
            Delivery.source_kind,
            Delivery.source_ref,
            Relay.channel,
            Delivery.status,
            Delivery.error_code,
        )
        .order_by(Delivery.source_kind, Delivery.source_ref, Relay.channel, Delivery.status)
    )
    if source_kind is not None:
        query = query.where(Delivery.source_kind == source_kind)
    posts = {
        str(post_id): f"{slug}/{post_slug}"
        for post_id, post_slug, slug in session.execute(
            select(PostRow.id, PostRow.slug, CampaignRow.slug).join(CampaignRow)
        )
    }
    return [
        DeliveryLine(
            source=f"{kind}:{posts.get(ref, ref) if kind == 'post' else ref}",
            kind=kind,
            ref=ref,
            channel=channel,
            status=status,
            reason=REASONS.get(code or "", code or ""),
            relays=count,
        )
        for kind, ref, channel, status, code, count in session.execute(query)
    ]


@dataclass(frozen=True)
class Testimony:
    """A picture, voice note or video a relay sent, without who sent it."""

    received_at: datetime
    kind: str
    content_type: str | None
    place: str | None
    language: str | None
    url: str


def list_testimonies(*, session: Session, limit: int = 100) -> list[Testimony]:
    """The newest media relays sent, newest first; never their number or name."""
    query = (
        select(InboundMedia, Relay.place, Relay.language)
        .outerjoin(Relay, InboundMedia.relay_id == Relay.id)
        .order_by(InboundMedia.received_at.desc(), InboundMedia.id.desc())
        .limit(limit)
    )
    return [
        Testimony(
            received_at=media.received_at,
            kind=media.kind,
            content_type=media.content_type,
            place=place,
            language=language.value if language is not None else None,
            url=media.url,
        )
        for media, place, language in session.execute(query)
    ]
