"""The mobilisation kit (booklet §3.1) as a relay receives it: what, who, when and why;
hashtags, accounts to follow and decision-makers to tag; then each ready-to-forward
message on its own, so it can be forwarded as it is."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.i18n import _
from bot.models import CampaignRow, Language
from bot.outbound import Message

PLATFORMS = {"whatsapp": "WhatsApp", "facebook": "Facebook", "twitter": "X (Twitter)"}


def running_campaigns(*, session: Session, today: date) -> list[CampaignRow]:
    """Campaigns on today; else the next to start; else the last that ended."""
    campaigns = list(
        session.scalars(select(CampaignRow).order_by(CampaignRow.starts_on, CampaignRow.slug))
    )
    running = [c for c in campaigns if c.starts_on <= today <= c.ends_on]
    if running:
        return running
    upcoming = [c for c in campaigns if c.starts_on > today]
    if upcoming:
        return upcoming[:1]
    return campaigns[-1:]


def _pick(texts: dict[str, str] | None, language: Language) -> str:
    """The text in the relay's language, or in the other one rather than nothing."""
    texts = texts or {}
    return texts.get(language.value) or next((text for text in texts.values() if text), "")


def _message(text: str) -> Message:
    return Message(text)


def kit_messages(campaign: CampaignRow, language: Language) -> list[Message]:
    kit = campaign.kit
    lines = [_("Mobilisation kit: {name}", name=campaign.name).render(language)]
    for key, label in (
        ("what", _("What")),
        ("who", _("Who")),
        ("when", _("When")),
        ("why", _("Why")),
    ):
        if text := _pick(kit.get(key), language):
            lines.append(f"{label.render(language)}: {text}")
    messages = [_message("\n\n".join(lines))]

    share = []
    for key, label in (
        ("hashtags", _("Hashtags to use")),
        ("accounts_to_follow", _("Accounts to follow")),
        ("decision_makers", _("Decision-makers to tag")),
    ):
        if kit.get(key):
            share.append(f"{label.render(language)}: {' '.join(kit[key])}")
    links = [f"{_pick(link['label'], language)}: {link['url']}" for link in kit.get("links", [])]
    if links:
        share.append(_("Links").render(language) + ":\n" + "\n".join(links))
    if share:
        messages.append(_message("\n\n".join(share)))

    ready = [
        (name, text)
        for key, name in PLATFORMS.items()
        if (text := _pick(kit.get("messages", {}).get(key), language))
    ]
    if ready:
        networks = ", ".join(name for name, _text in ready)
        intro = _(
            "Messages ready to forward, one for each network ({networks}):", networks=networks
        )
        messages.append(_message(intro.render(language)))
        messages.extend(_message(text) for _name, text in ready)
    return messages
