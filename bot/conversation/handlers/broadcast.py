"""An organiser's broadcast from the chat: /diffuser (DIFFUSER, JƐNSƐN).

Audience, then the French text, then the Bambara text or a voice note, then a preview
with the exact number of recipients per language; nothing goes out before OUI.
"""

from __future__ import annotations

from sqlalchemy import select

from bot.conversation.handlers.fallback import not_joined
from bot.conversation.router import Context
from bot.conversation.values import Choice, ChoiceKind, Option, Reply
from bot.conversation.words import NO, YES, fold
from bot.domain import broadcasts, quiet_hours
from bot.domain.broadcasts import Audience, AudienceError
from bot.i18n import _, _n
from bot.models import Broadcast, BroadcastState, ConversationState, Relay, Role
from content.places import find_place

SKIP = "-"


def _draft(ctx: Context, relay: Relay) -> Broadcast | None:
    return ctx.session.scalars(
        select(Broadcast)
        .where(Broadcast.created_by == f"relay:{relay.id}", Broadcast.state == BroadcastState.DRAFT)
        .order_by(Broadcast.id.desc())
    ).first()


def start(ctx: Context) -> None:
    """Opens a draft for an organiser and asks for the audience; refuses anyone else."""
    relay = ctx.known_relay
    if relay is None:
        not_joined(ctx)
        return
    if relay.role is not Role.ORGANISER:
        ctx.reply(
            _(
                "Only the campaign's organisers can send a broadcast. If you should be one, "
                "ask your coordinator."
            )
        )
        return
    while (old := _draft(ctx, relay)) is not None:
        old.state = BroadcastState.CANCELLED
    broadcasts.create(
        session=ctx.session,
        audience=Audience(),
        texts={},
        created_by=f"relay:{relay.id}",
        now=ctx.now,
        state=BroadcastState.DRAFT,
    )
    ctx.ask(ConversationState.BROADCAST_AUDIENCE)


def audience_prompt(ctx: Context) -> Reply:
    """Asks who should receive the broadcast."""
    relay = ctx.require_relay()
    options = [
        Option(_("Everyone"), Choice(ChoiceKind.AUDIENCE, "all")),
        Option(_("French readers"), Choice(ChoiceKind.AUDIENCE, "language=fr")),
        Option(_("Bambara readers"), Choice(ChoiceKind.AUDIENCE, "language=bm")),
    ]
    place = find_place(relay.place or "")
    if place is not None:
        options.append(Option(place.name, Choice(ChoiceKind.AUDIENCE, f"place={place.slug}")))
    return Reply(
        _(
            "Who should receive it? Choose below, or write a filter such as "
            "place=kayes,kita role=relay tag=ambassadeur."
        ),
        tuple(options),
    )


def choose_audience(ctx: Context) -> None:
    """Keeps the audience and asks for the French text."""
    relay = ctx.require_relay()
    draft = _draft(ctx, relay)
    if draft is None:
        relay.state = None
        return
    try:
        draft.audience = Audience.parse(ctx.argument).to_json()
    except AudienceError:
        ctx.reply(_("I could not read that audience: {error}", error=ctx.argument))
        ctx.ask(ConversationState.BROADCAST_AUDIENCE)
        return
    ctx.ask(ConversationState.BROADCAST_FR)


def audience_in_words(ctx: Context) -> bool:
    """Reads a typed filter (place=kayes role=relay …) as the audience."""
    text = (ctx.inbound.text or "").strip()
    if "=" not in text:
        return False
    ctx.argument = text
    choose_audience(ctx)
    return True


def french_prompt(ctx: Context) -> Reply:
    """Asks for the French text."""
    return Reply(_("Write the message in French (or send - to have none)."))


def bambara_prompt(ctx: Context) -> Reply:
    """Asks for the Bambara text or a voice note."""
    return Reply(_("Now write it in Bambara, or send a voice note (or send - to have none)."))


def write_french(ctx: Context) -> bool:
    """Keeps the French text and asks for the Bambara one."""
    return _write(ctx, "fr", ConversationState.BROADCAST_BM)


def write_bambara(ctx: Context) -> bool:
    """Keeps the Bambara text or voice note and shows the preview."""
    return _write(ctx, "bm", ConversationState.BROADCAST_CONFIRM)


def _write(ctx: Context, language: str, following: ConversationState) -> bool:
    relay = ctx.require_relay()
    draft = _draft(ctx, relay)
    if draft is None:
        relay.state = None
        return True
    text = (ctx.inbound.text or "").strip()
    media = ctx.inbound.media[0] if ctx.inbound.media else None
    if not text and media is None:
        return False
    if text and text != SKIP:
        draft.texts = {**draft.texts, language: text}
    if media is not None:
        draft.media = {**draft.media, language: {"kind": media.kind.value, "url": media.url}}
    if following is ConversationState.BROADCAST_CONFIRM and not (draft.texts or draft.media):
        ctx.reply(_("A broadcast needs a text or a voice note in at least one language."))
        ctx.ask(ConversationState.BROADCAST_FR)
        return True
    ctx.ask(following)
    return True


def confirm_prompt(ctx: Context) -> Reply:
    """Shows who will receive what, and asks OUI before anything goes out."""
    relay = ctx.require_relay()
    draft = _draft(ctx, relay)
    audience = Audience.from_json(draft.audience) if draft else Audience()
    counts = broadcasts.count_recipients(session=ctx.session, audience=audience, zone=ctx.zone)
    french = (draft.texts.get("fr") if draft else None) or "—"
    bambara = (draft.texts.get("bm") if draft else None) or (
        "🎤" if draft and draft.media.get("bm") else "—"
    )
    said = {
        "french": french,
        "bambara": bambara,
        "total": counts["fr"] + counts["bm"],
        "fr": counts["fr"],
        "bm": counts["bm"],
    }
    held = quiet_hours.held_until(session=ctx.session, now=ctx.now)
    preview = (
        _(
            "Preview. French: {french}\nBambara: {bambara}\n\n"
            "{total} relays will receive it: {fr} in French, {bm} in Bambara. Send it now?",
            **said,
        )
        if held is None
        else _(
            "Preview. French: {french}\nBambara: {bambara}\n\n"
            "{total} relays will receive it: {fr} in French, {bm} in Bambara. It is quiet "
            "hours: it will go out at {time}, when they end. Send it?",
            time=held.astimezone(ctx.zone).strftime("%H:%M"),
            **said,
        )
    )
    return Reply(
        preview,
        (
            Option(_("Yes, send"), Choice(ChoiceKind.BROADCAST, "yes")),
            Option(_("No, cancel"), Choice(ChoiceKind.BROADCAST, "no")),
        ),
    )


def confirm(ctx: Context) -> None:
    """Sends the broadcast on OUI, drops the draft on NON."""
    relay = ctx.require_relay()
    relay.state = None
    draft = _draft(ctx, relay)
    if draft is None:
        return
    if ctx.argument != "yes":
        draft.state = BroadcastState.CANCELLED
        ctx.reply(_("Nothing was sent."))
        return
    draft.state = BroadcastState.SCHEDULED
    draft.send_at = ctx.now
    held = broadcasts.held_until(session=ctx.session, broadcast=draft, now=ctx.now)
    if held is not None:
        ctx.reply(
            _(
                "It is quiet hours: the broadcast will go out at {time}, when they end.",
                time=held.astimezone(ctx.zone).strftime("%H:%M"),
            )
        )
        return
    queued = broadcasts.start(session=ctx.session, broadcast=draft, now=ctx.now, zone=ctx.zone)
    ctx.reply(
        _n(
            "Sent: {count} message is on its way.",
            "Sent: {count} messages are on their way.",
            queued,
        )
    )


def confirm_in_words(ctx: Context) -> bool:
    """Understands OUI / NON (AWƆ / AYI) typed instead of a button."""
    word = fold(ctx.inbound.text or "")
    if word not in YES and word not in NO:
        return False
    ctx.argument = "yes" if word in YES else "no"
    confirm(ctx)
    return True
