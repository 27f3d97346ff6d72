"""Joining: /start, JOIN, INSCRIPTION, DON — with an optional referral code."""

from __future__ import annotations

from bot.conversation.router import Context
from bot.domain.relays import create_relay, find_by_referral_code, rejoin
from bot.i18n import Day, _
from bot.models import ConversationState, RelayStatus


def join(ctx: Context) -> None:
    """Registers a newcomer, or welcomes back someone who had left, then asks what is missing."""
    relay = ctx.relay
    if relay is None:
        referrer = (
            find_by_referral_code(session=ctx.session, code=ctx.argument) if ctx.argument else None
        )
        ctx.relay = create_relay(
            session=ctx.session,
            address=ctx.inbound.address,
            channel=ctx.inbound.channel,
            display_name=ctx.inbound.display_name,
            now=ctx.now,
            referrer=referrer,
        )
        ctx.ask(ConversationState.LANGUAGE)
        return
    if relay.status is not RelayStatus.ACTIVE:
        rejoin(session=ctx.session, relay=relay, now=ctx.now)
        ctx.reply(_("Welcome back! You will receive the campaign's messages again."))
    elif relay.state is None:
        since = Day(relay.consent_at or relay.created_at, ctx.zone)
        ctx.reply(
            _(
                "You have been a relay of the campaign since {since}. "
                "Send /aide to see what I understand.",
                since=since,
            )
        )
    if relay.state is not None:
        ctx.ask(relay.state)
    elif relay.place is None:
        ctx.ask(ConversationState.PLACE)
