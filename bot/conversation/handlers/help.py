"""Help: /aide (AIDE, DƐMƐ) lists what the bot understands."""

from __future__ import annotations

from bot.conversation.router import Context
from bot.i18n import _


def help_(ctx: Context) -> None:
    """Lists the words the bot understands, in the relay's language."""
    ctx.reply(
        _(
            "Here is what I understand:\n"
            "/start: join the relays\n"
            "/aujourdhui: today's post again, to forward it\n"
            "/kit: the campaign's mobilisation kit\n"
            "/langue: change language\n"
            "/lieu: change your place\n"
            "/score: your contest score and rank\n"
            "/classement: the contest leaderboard\n"
            "/resultats: the results of a poll you answered\n"
            "PARTAGÉ: say you shared a post (answer the post with it)\n"
            "/aide: this help\n"
            "/supprimer: delete your personal data\n"
            "STOP: receive nothing more"
        ),
        both_languages=ctx.relay is None,
    )
