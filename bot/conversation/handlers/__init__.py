"""Conversation handlers, registered in one place."""

from __future__ import annotations

from bot.conversation.handlers import (
    broadcast,
    erase,
    fallback,
    help,
    join,
    kit,
    language,
    place,
    poll,
    quiz,
    share,
    stop,
    today,
)
from bot.conversation.router import Router
from bot.conversation.values import ChoiceKind
from bot.conversation.words import Command
from bot.models import ConversationState


def register_handlers(router: Router) -> Router:
    """Wire every command, choice and prompt of the conversation."""
    router.command(Command.JOIN, join.join)
    router.command(Command.STOP, stop.stop)
    router.command(Command.HELP, help.help_)
    router.command(Command.LANGUAGE, language.ask)
    router.command(Command.PLACE, place.ask)
    router.command(Command.ERASE, erase.ask)
    router.command(Command.KIT, kit.kit)
    router.command(Command.TODAY, today.today)
    router.command(Command.BROADCAST, broadcast.start)
    router.command(Command.SCORE, quiz.score)
    router.command(Command.LEADERBOARD, quiz.standings)
    router.command(Command.RESULTS, poll.results)
    router.command(Command.SHARED, share.typed)

    router.prompt(ConversationState.LANGUAGE, language.prompt)
    router.prompt(ConversationState.PLACE, place.prompt)
    router.prompt(ConversationState.CONFIRM_ERASE, erase.prompt, other_text=erase.answer_in_words)
    router.prompt(
        ConversationState.BROADCAST_AUDIENCE,
        broadcast.audience_prompt,
        other_text=broadcast.audience_in_words,
    )
    router.prompt(
        ConversationState.BROADCAST_FR, broadcast.french_prompt, other_text=broadcast.write_french
    )
    router.prompt(
        ConversationState.BROADCAST_BM, broadcast.bambara_prompt, other_text=broadcast.write_bambara
    )
    router.prompt(
        ConversationState.SHARE_REACH,
        share.prompt,
        other_text=share.something_else,
        optional=True,
    )
    router.prompt(
        ConversationState.BROADCAST_CONFIRM,
        broadcast.confirm_prompt,
        other_text=broadcast.confirm_in_words,
    )

    router.choice(ChoiceKind.LANGUAGE, language.choose)
    router.choice(ChoiceKind.PLACE, place.choose)
    router.choice(ChoiceKind.ERASE, erase.confirm)
    router.choice(ChoiceKind.AUDIENCE, broadcast.choose_audience)
    router.choice(ChoiceKind.BROADCAST, broadcast.confirm)
    router.choice(ChoiceKind.QUIZ, quiz.choose)
    router.choice(ChoiceKind.POLL, poll.choose)
    router.choice(ChoiceKind.SHARE, share.pressed)
    router.choice(ChoiceKind.REACH, share.reach)

    router.reader(quiz.typed)

    router.fallback(fallback.fallback)
    # A relay who left gets nothing but a reminder of how to come back; they may still
    # come back, leave again, or have their data erased.
    router.stopped(
        stop.remind,
        still_open={
            Command.JOIN,
            Command.STOP,
            Command.ERASE,
            ChoiceKind.ERASE,
            ConversationState.CONFIRM_ERASE,
        },
    )
    return router


def build_router() -> Router:
    return register_handlers(Router())
