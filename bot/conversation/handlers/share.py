"""Sharing: a relay says they passed a post on — the post's button where buttons do not
travel with a forwarded message (Telegram, the simulator), or a word in any chat:
PARTAGÉ, J'AI PARTAGÉ, N Y'A CI, as a reply to the post or just after it. Then,
optionally, how widely."""

from __future__ import annotations

from bot.conversation.handlers.fallback import not_joined
from bot.conversation.router import Context
from bot.conversation.values import Choice, ChoiceKind, Option, Reply
from bot.domain.interactions import (
    declare_reach,
    delivery_with_platform_id,
    last_share,
    latest_post,
    post_of,
    record_share,
    sent_post,
)
from bot.i18n import _
from bot.models import ConversationState, Delivery

REACH_OPTIONS = ((1, _("One group")), (2, _("2 to 5")), (6, _("More than 5")))


def pressed(ctx: Context) -> None:
    """Records the share of the post whose button was pressed, and asks how widely."""
    relay = ctx.require_relay()
    delivery = sent_post(session=ctx.session, relay=relay, post_ref=ctx.argument)
    _shared(ctx, delivery, ctx.argument)


def typed(ctx: Context) -> None:
    """Records the share of the post quoted, or else of the latest post received."""
    relay = ctx.known_relay
    if relay is None:
        not_joined(ctx)
        return
    quoted = None
    if ctx.inbound.replied_to is not None:
        quoted = delivery_with_platform_id(
            session=ctx.session, relay=relay, platform_message_id=ctx.inbound.replied_to
        )
    quoted_post = post_of(session=ctx.session, delivery=quoted) if quoted else None
    if quoted is not None and quoted_post is not None:
        _shared(ctx, quoted, quoted_post)
        return
    latest = latest_post(session=ctx.session, relay=relay, now=ctx.now)
    _shared(ctx, latest, latest.source_ref if latest is not None else None)


def _shared(ctx: Context, delivery: Delivery | None, post_ref: str | None) -> None:
    if delivery is None or post_ref is None:
        ctx.reply(
            _(
                "Thank you! I could not tell which post you shared: answer the post itself "
                "with PARTAGÉ."
            )
        )
        return
    relay = ctx.require_relay()
    record_share(
        session=ctx.session, relay=relay, delivery=delivery, post_ref=post_ref, now=ctx.now
    )
    ctx.ask(ConversationState.SHARE_REACH)


def prompt(ctx: Context) -> Reply:
    """Asks how widely the relay shared the post they just said they shared."""
    share = last_share(session=ctx.session, relay=ctx.require_relay())
    ref = share.source_ref if share is not None else ""
    options = tuple(
        Option(label, Choice(ChoiceKind.REACH, f"{ref}.{weight}"))
        for weight, label in REACH_OPTIONS
    )
    return Reply(
        _("Thank you for passing it on! With how many groups or people? (optional)"), options
    )


def reach(ctx: Context) -> None:
    """Stores how widely the relay says they shared."""
    relay = ctx.require_relay()
    relay.state = None
    ref, _sep, weight = ctx.argument.rpartition(".")
    if not weight.isdigit():
        return
    declare_reach(session=ctx.session, relay=relay, post_ref=ref, weight=int(weight))
    ctx.reply(_("Noted, thank you. Every share brings the campaign further."))


def something_else(ctx: Context) -> bool:
    """Saying how widely is optional: anything else is read as it would be otherwise."""
    relay = ctx.require_relay()
    relay.state = None
    if ctx.router is None:
        return False
    ctx.router.dispatch(ctx)
    return True
