"""The kit: /kit sends the mobilisation kit in the relay's language."""

from __future__ import annotations

from bot.conversation.handlers.fallback import not_joined
from bot.conversation.router import Context
from bot.domain.kits import kit_message, running_campaigns
from bot.i18n import _


def kit(ctx: Context) -> None:
    """Sends the kit of each running campaign: one message each, with its picture."""
    relay = ctx.known_relay
    if relay is None:
        not_joined(ctx)
        return
    today = ctx.now.astimezone(ctx.zone).date()
    campaigns = running_campaigns(session=ctx.session, today=today)
    if not campaigns:
        ctx.reply(_("There is no campaign kit yet. It will come with the campaign."))
        return
    for campaign in campaigns:
        ctx.send(kit_message(campaign, relay.language))
