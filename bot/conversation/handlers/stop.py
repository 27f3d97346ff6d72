"""Leaving: STOP, ARRET, /stop, JƆ — at once, confirmed, nothing more until joining again."""

from __future__ import annotations

from bot.conversation.router import Context
from bot.domain.relays import stop_relay
from bot.i18n import _
from bot.models import RelayStatus


def stop(ctx: Context) -> None:
    """Stops every message to the relay at once and confirms it."""
    relay = ctx.relay
    if relay is None or relay.status is RelayStatus.STOPPED:
        ctx.reply(
            _("You are not receiving anything from Relais. Send /start to join."),
            both_languages=relay is None,
        )
        return
    stop_relay(session=ctx.session, relay=relay, now=ctx.now)
    ctx.reply(
        _(
            "You have left Relais: you will receive nothing more. "
            "Thank you for your commitment. Send /start if you want to come back."
        )
    )


def remind(ctx: Context) -> None:
    """Tells a relay who left, in their language, how to come back; nothing else."""
    ctx.reply(_("You have left Relais. Send /start to join again."))
