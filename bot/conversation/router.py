"""Dispatch an inbound message to the handler registered for it.

Order: a relay who left (STOP) is only reminded how to come back, unless what they send
is one of the few things registered as open to them (joining again, erasing their
data); a pressed option goes to its kind's handler; a command word wins over
anything pending (STOP always works); text while a prompt is pending is read as
one of the prompt's options (by number or label); then the readers (a typed answer to
a quiz question or a poll) may take it; anything else is the fallback.

Where a typed number goes, when several things wait for one: a number means the same
whether it is written in digits or in words ("2", "2.", "deux", "fila": words.number
reads them all), so it always goes to the same place:
1. the prompt the bot has open in the conversation (language, place, how widely a post
   was shared…), when the number is one of its options (a number that is none of them
   is asked again, or, at an optional prompt, read as if no prompt were open);
2. otherwise the quiz question or poll most recently sent and still waiting for this
   relay's answer (domain/contests/pending.py), when the number is one of its choices;
3. otherwise nothing takes it, and the relay is told what the bot understands.
A letter (A, B…) is read only as a quiz or poll choice, and a label by its own words.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from bot.conversation.values import Choice, ChoiceKind, Inbound, Option, Prepared, Reply
from bot.conversation.words import Command, fold, match_command, number
from bot.i18n import Text, _
from bot.models import ConversationState, Language, Relay, RelayStatus
from bot.outbound import Message

DEFAULT_ZONE = ZoneInfo("Africa/Bamako")


@dataclass
class Context:
    """One inbound message being handled: the unit of work's session and what to answer."""

    session: Session
    inbound: Inbound
    relay: Relay | None
    now: datetime
    zone: ZoneInfo = DEFAULT_ZONE
    # The stored inbound message's id (inbound.receive sets it): what the inbox keeps.
    inbound_id: int | None = None
    argument: str = ""
    replies: list[Reply | Prepared] = field(default_factory=list)
    router: Router | None = None

    def reply(
        self, text: Text, options: tuple[Option, ...] = (), *, both_languages: bool = False
    ) -> None:
        self.replies.append(Reply(text, options, both_languages=both_languages))

    def send(self, message: Message, *, source: tuple[str, str] | None = None) -> None:
        """Send content already written in the relay's language (a post, the kit)."""
        self.replies.append(Prepared(message, source))

    def ask(self, state: ConversationState) -> None:
        """Put the relay in `state` and send the prompt registered for it."""
        if self.router is None:
            raise RuntimeError("context is not being dispatched")
        self.router.ask(self, state)

    @property
    def language(self) -> Language:
        return self.relay.language if self.relay is not None else Language.FR

    def require_relay(self) -> Relay:
        """The relay a choice handler works on; the router guarantees there is one."""
        if self.relay is None:
            raise RuntimeError("handler needs a relay")
        return self.relay

    @property
    def known_relay(self) -> Relay | None:
        """The relay if they have joined at some point and not erased themselves."""
        relay = self.relay
        return relay if relay is not None and relay.status is not RelayStatus.ERASED else None


Handler = Callable[[Context], None]
Prompt = Callable[[Context], Reply]
# Reads text typed at a prompt that is none of its options; False to ask again.
TextReader = Callable[[Context], bool]


def match_option(text: str, options: tuple[Option, ...], language: Language) -> Choice | None:
    """Read typed text as one of the offered options: "2", "2.", "deux", "fila" or the
    label itself."""
    folded = fold(text)
    picked = number(text)
    if picked is not None and 1 <= picked <= len(options):
        return options[picked - 1].choice
    for option in options:
        label = option.label.render(language) if isinstance(option.label, Text) else option.label
        if folded and folded in (fold(label), fold(option.choice.value)):
            return option.choice
    return None


class Router:
    """Handlers registered explicitly, by command, by choice kind and by pending prompt."""

    def __init__(self) -> None:
        self._commands: dict[Command, Handler] = {}
        self._choices: dict[ChoiceKind, Handler] = {}
        self._prompts: dict[ConversationState, tuple[Prompt, TextReader | None]] = {}
        self._readers: list[TextReader] = []
        self._optional: set[ConversationState] = set()
        self._fallback: Handler | None = None
        self._stopped: Handler | None = None
        self._open_when_stopped: set[Command | ChoiceKind | ConversationState] = set()

    def command(self, command: Command, handler: Handler) -> None:
        self._commands[command] = handler

    def choice(self, kind: ChoiceKind, handler: Handler) -> None:
        self._choices[kind] = handler

    def prompt(
        self,
        state: ConversationState,
        prompt: Prompt,
        *,
        other_text: TextReader | None = None,
        optional: bool = False,
    ) -> None:
        """Register how to ask again for `state`, and what to do with text that is no option;
        an `optional` question is dropped when the relay sends a command instead."""
        self._prompts[state] = (prompt, other_text)
        if optional:
            self._optional.add(state)

    def reader(self, reader: TextReader) -> None:
        """Register a reader of text no command or prompt took; True when it took it."""
        self._readers.append(reader)

    def fallback(self, handler: Handler) -> None:
        self._fallback = handler

    def stopped(
        self, handler: Handler, *, still_open: set[Command | ChoiceKind | ConversationState]
    ) -> None:
        """What a relay who left gets, whatever they send, but the commands, choices and
        prompts in `still_open`."""
        self._stopped = handler
        self._open_when_stopped = set(still_open)

    def _left(self, ctx: Context) -> bool:
        """A relay who left sent something not open to them."""
        relay = ctx.relay
        if self._stopped is None or relay is None or relay.status is not RelayStatus.STOPPED:
            return False
        inbound = ctx.inbound
        if inbound.choice is not None:
            return inbound.choice.kind not in self._open_when_stopped
        matched = match_command(inbound.text or "")
        if matched is not None:
            return matched[0] not in self._open_when_stopped
        return relay.state is None or relay.state not in self._open_when_stopped

    def ask(self, ctx: Context, state: ConversationState) -> None:
        """Put the relay in `state` and send its prompt."""
        if ctx.relay is not None:
            ctx.relay.state = state
        prompt, _ = self._prompts[state]
        ctx.replies.append(replace(prompt(ctx), prompt=state.value))

    def dispatch(self, ctx: Context) -> None:
        ctx.router = self
        if self._stopped is not None and self._left(ctx):
            return self._stopped(ctx)
        inbound = ctx.inbound
        if inbound.choice is not None:
            return self._dispatch_choice(ctx, inbound.choice)
        text = inbound.text or ""
        matched = match_command(text)
        if matched is not None and matched[0] in self._commands:
            if ctx.relay is not None and ctx.relay.state in self._optional:
                ctx.relay.state = None
            ctx.argument = matched[1]
            return self._commands[matched[0]](ctx)
        relay = ctx.known_relay
        if relay is not None and relay.state is not None and relay.state in self._prompts:
            prompt, other_text = self._prompts[relay.state]
            asked = prompt(ctx)
            choice = match_option(text, asked.options, ctx.language) if text else None
            if choice is not None:
                return self._dispatch_choice(ctx, choice)
            if other_text is not None and other_text(ctx):
                return None
            ctx.reply(_("Please choose one of the options below, or type its number."))
            ctx.replies.append(replace(asked, prompt=relay.state.value))
            return None
        if any(reader(ctx) for reader in self._readers):
            return None
        return self._run_fallback(ctx)

    def _dispatch_choice(self, ctx: Context, choice: Choice) -> None:
        handler = self._choices.get(choice.kind)
        if handler is None or ctx.known_relay is None:
            return self._run_fallback(ctx)
        ctx.argument = choice.value
        return handler(ctx)

    def _run_fallback(self, ctx: Context) -> None:
        if self._fallback is not None:
            self._fallback(ctx)
