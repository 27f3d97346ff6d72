"""Anything no other handler took: never silence, always a way forward.

What a joined relay writes that no command, prompt or reader took (a question, a comment,
a voice note, a picture) is for the campaign team: it is kept in the organisers' inbox
and acknowledged once per unanswered thread (bot/domain/inbox.py says the rule).
"""

from __future__ import annotations

from bot.conversation.router import Context
from bot.domain import inbox
from bot.domain.contests.typed_answers import looks_like_answer
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


def for_the_team(ctx: Context) -> None:
    """Keeps what the relay wrote for the team; says it reached them, once per thread."""
    relay = ctx.require_relay()
    if ctx.inbound_id is None:  # not a stored message: nothing the team could open
        ctx.reply(_("I did not understand. Send /aide to see what I understand."))
        return
    if inbox.keep(session=ctx.session, relay=relay, inbound_id=ctx.inbound_id, now=ctx.now):
        ctx.reply(
            _("Thank you! Your message has reached the campaign team. They will answer you here.")
        )


def _written(ctx: Context) -> bool:
    """Text that says something: not a pressed button, and not a lone "2" or "B" sent when
    no question waits (an answer too late or astray, which the team cannot use)."""
    text = (ctx.inbound.text or "").strip()
    return ctx.inbound.choice is None and bool(text) and not looks_like_answer(text)


def fallback(ctx: Context) -> None:
    """Answers what the bot did not understand with the next useful step."""
    relay = ctx.relay
    if relay is None or relay.status is RelayStatus.ERASED:
        not_joined(ctx)
    elif relay.status is RelayStatus.STOPPED:
        ctx.reply(_("You have left Relais. Send /start to join again."))
    elif ctx.inbound.media or _written(ctx):
        for_the_team(ctx)
    else:
        ctx.reply(_("I did not understand. Send /aide to see what I understand."))
