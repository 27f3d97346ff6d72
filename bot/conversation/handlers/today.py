"""Today's post: /aujourdhui (AUJOURDHUI, BI) sends it again, to forward it."""

from __future__ import annotations

from bot.conversation.handlers.fallback import not_joined
from bot.conversation.router import Context
from bot.domain.posts import post_message, todays_posts_for
from bot.i18n import _


def today(ctx: Context) -> None:
    """Sends today's posts again, in the relay's language."""
    relay = ctx.known_relay
    if relay is None:
        not_joined(ctx)
        return
    sent = 0
    for post in todays_posts_for(session=ctx.session, relay=relay, now=ctx.now):
        message = post_message(post, post.campaign, relay.language.value)
        if message is not None:
            ctx.send(message)
            sent += 1
    if not sent:
        ctx.reply(_("There is no post for you today yet. Send /kit for the campaign kit."))
