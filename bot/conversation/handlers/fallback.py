"""Anything no other handler took: never silence, always a way forward."""

from __future__ import annotations

from bot.conversation.router import Context
from bot.i18n import _
from bot.models import RelayStatus


def not_joined(ctx: Context) -> None:
    """Invites someone who has not joined, in both languages."""
    ctx.reply(
        _(
            "Hello! I am Relais, the campaign's bot. Send /start to join and receive "
            "every day a short message to share."
        ),
        both_languages=True,
    )


def fallback(ctx: Context) -> None:
    """Answers what the bot did not understand with the next useful step."""
    relay = ctx.relay
    if relay is None or relay.status is RelayStatus.ERASED:
        not_joined(ctx)
    elif relay.status is RelayStatus.STOPPED:
        ctx.reply(_("You have left Relais. Send /start to join again."))
    elif ctx.inbound.media and not ctx.inbound.text:
        ctx.reply(_("Thank you! The campaign team has received your message."))
    else:
        ctx.reply(_("I did not understand. Send /aide to see what I understand."))
