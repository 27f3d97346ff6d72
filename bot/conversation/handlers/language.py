"""Choosing the language: asked at joining, and again with /langue (LANGUE, KAN)."""

from __future__ import annotations

from bot.conversation.handlers.fallback import not_joined
from bot.conversation.router import Context
from bot.conversation.values import Choice, ChoiceKind, Option, Reply
from bot.i18n import _
from bot.models import ConversationState, Language

# Each language named in itself on its button, so anyone recognises their own.
LANGUAGE_NAMES = {Language.FR: "Français", Language.BM: "Bamanankan"}
# Within a sentence, named as the reader says it: "en français", "bamanankan na".
IN_A_SENTENCE = {Language.FR: _("French"), Language.BM: _("Bambara")}
OPTIONS = tuple(
    Option(name, Choice(ChoiceKind.LANGUAGE, language.value))
    for language, name in sorted(LANGUAGE_NAMES.items(), key=lambda item: item[0] != Language.BM)
)


def prompt(ctx: Context) -> Reply:
    """Asks for the language in both languages, welcoming a newcomer."""
    if ctx.relay is not None and ctx.relay.place is None:
        text = _(
            "Welcome to Relais! Every day you will receive a short campaign message, "
            "ready to pass on to your groups. Which language do you want?"
        )
    else:
        text = _("Which language do you want to receive your messages in?")
    short = _("Relais: choose your language.")
    return Reply(text, OPTIONS, both_languages=True, sms_text=short)


def ask(ctx: Context) -> None:
    """Asks for the language again."""
    if ctx.known_relay is None:
        not_joined(ctx)
        return
    ctx.ask(ConversationState.LANGUAGE)


def choose(ctx: Context) -> None:
    """Stores the chosen language and asks for the place if it is not known yet."""
    relay = ctx.require_relay()
    try:
        language = Language(ctx.argument)
    except ValueError:
        ctx.ask(ConversationState.LANGUAGE)
        return
    relay.language = language
    if relay.place is None:
        ctx.ask(ConversationState.PLACE)
        return
    relay.state = None
    ctx.reply(
        _("Done: I will write to you in {language} from now on.", language=IN_A_SENTENCE[language])
    )
