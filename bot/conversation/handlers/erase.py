"""Erasure: /supprimer (JƆSI) deletes the relay's personal data after a confirmation."""

from __future__ import annotations

from bot.conversation.router import Context
from bot.conversation.values import Choice, ChoiceKind, Option, Reply
from bot.conversation.words import NO, YES, fold
from bot.domain.relays import erase_relay
from bot.i18n import _
from bot.models import ConversationState

YES_VALUE, NO_VALUE = "yes", "no"
OPTIONS = (
    Option(_("Yes, delete"), Choice(ChoiceKind.ERASE, YES_VALUE)),
    Option(_("No, keep"), Choice(ChoiceKind.ERASE, NO_VALUE)),
)


def prompt(ctx: Context) -> Reply:
    """Asks the relay to confirm, saying what erasure means."""
    return Reply(
        _(
            "Do you really want to delete your personal data? Your number and your name "
            "will be erased and you will receive nothing more. This cannot be undone."
        ),
        OPTIONS,
    )


def ask(ctx: Context) -> None:
    """Asks for confirmation, or says there is nothing to delete."""
    if ctx.known_relay is None:
        ctx.reply(_("Relais keeps no personal data about you."), both_languages=True)
        return
    ctx.ask(ConversationState.CONFIRM_ERASE)


def confirm(ctx: Context) -> None:
    """Erases the relay's personal data, or keeps it, as they answered."""
    relay = ctx.require_relay()
    relay.state = None
    if ctx.argument != YES_VALUE:
        ctx.reply(_("Nothing was deleted."))
        return
    erase_relay(session=ctx.session, relay=relay, now=ctx.now)
    ctx.reply(
        _(
            "Your personal data has been deleted. Thank you for your commitment. "
            "Send /start if you ever want to come back."
        )
    )


def answer_in_words(ctx: Context) -> bool:
    """Understands OUI / NON (AWƆ / AYI) typed instead of a button."""
    word = fold(ctx.inbound.text or "")
    if word not in YES and word not in NO:
        return False
    ctx.argument = YES_VALUE if word in YES else NO_VALUE
    confirm(ctx)
    return True
