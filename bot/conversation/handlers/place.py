"""Choosing the place: asked once the language is known, and again with /lieu (LIEU, YƆRƆ)."""

from __future__ import annotations

from bot.conversation.handlers.fallback import not_joined
from bot.conversation.router import Context
from bot.conversation.values import Choice, ChoiceKind, Option, Reply
from bot.domain.posts import POST_SOURCE, posts_for_newcomer
from bot.domain.relays import finish_joining
from bot.i18n import _
from bot.models import ConversationState
from content.places import DEFAULT_PLACES, OTHER, find_place

OPTIONS = (
    *(Option(place.name, Choice(ChoiceKind.PLACE, place.slug)) for place in DEFAULT_PLACES),
    Option(_("Somewhere else"), Choice(ChoiceKind.PLACE, OTHER)),
)


def prompt(ctx: Context) -> Reply:
    """Asks where the relay lives, so posts and results can follow their place."""
    return Reply(_("Where do you live? Choose your cercle."), OPTIONS)


def ask(ctx: Context) -> None:
    """Asks for the place again."""
    if ctx.known_relay is None:
        not_joined(ctx)
        return
    ctx.ask(ConversationState.PLACE)


def choose(ctx: Context) -> None:
    """Stores the place; a newcomer then gets the welcome, their code and today's post."""
    relay = ctx.require_relay()
    if ctx.argument != OTHER and find_place(ctx.argument) is None:
        ctx.ask(ConversationState.PLACE)
        return
    first_time = relay.place is None
    relay.place = ctx.argument
    relay.state = None
    if not first_time:
        ctx.reply(_("Done: your place is saved."))
        return
    finish_joining(session=ctx.session, relay=relay, now=ctx.now)
    ctx.reply(
        _(
            "Welcome among the relays of the campaign! Every day you will receive a short "
            "message to pass on to your groups and networks.\n\n"
            "Your invitation code is {code}. A friend who joins with /start {code} "
            "is counted as invited by you.\n\n"
            "Send /aide to see what I understand, STOP to leave at any time.",
            code=relay.referral_code or "",
        )
    )
    for post, message in posts_for_newcomer(session=ctx.session, relay=relay, now=ctx.now):
        ctx.send(message, source=(POST_SOURCE, str(post.id)))
