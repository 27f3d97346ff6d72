"""The mobilisation kit (booklet §3.1) as a relay receives it: one message per campaign,
its parts laid out — what, who, when and why; hashtags, accounts to follow and
decision-makers to tag; links; the messages ready to forward, one per network — with
the kit's picture. Its days come from the campaign's stored dates."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.domain.campaign_dates import campaign_text
from bot.domain.posts import media_reference
from bot.i18n import Text, _
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


def _line(label: Text, text: str, language: Language) -> str:
    """ "Label: text", with the colon the reader's typography wants."""
    return _("{label}: {text}", label=label, text=text).render(language)


def _sections(campaign: CampaignRow, language: Language) -> list[str]:
    kit = campaign.kit

    def own(texts: dict[str, str] | None) -> str:
        return campaign_text(_pick(texts, language), language, campaign)

    about = [
        _line(label, text, language)
        for key, label in (
            ("what", _("What")),
            ("who", _("Who")),
            ("when", _("When")),
            ("why", _("Why")),
        )
        if (text := own(kit.get(key)))
    ]
    share = [
        _line(label, " ".join(kit[key]), language)
        for key, label in (
            ("hashtags", _("Hashtags to use")),
            ("accounts_to_follow", _("Accounts to follow")),
            ("decision_makers", _("Decision-makers to tag")),
        )
        if kit.get(key)
    ]
    links = [
        _("{label}: {text}", label=_pick(link["label"], language), text=link["url"]).render(
            language
        )
        for link in kit.get("links", [])
    ]
    if links:
        share.append("\n".join([_("Links:").render(language), *links]))
    ready = [
        f"▸ {name}\n{text}"
        for key, name in PLATFORMS.items()
        if (text := own(kit.get("messages", {}).get(key)))
    ]
    sections = ["\n\n".join(about), "\n".join(share)]
    if ready:
        intro = _("Messages ready to forward, one for each network:").render(language)
        sections.append("\n\n".join([intro, *ready]))
    return [section for section in sections if section]


def kit_message(campaign: CampaignRow, language: Language) -> Message:
    """The whole kit of one campaign, in one message with its picture."""
    title = _("Mobilisation kit: {name}", name=campaign.name).render(language)
    text = "\n\n".join([title, *_sections(campaign, language)])
    media_paths: dict[str, str] = campaign.kit.get("media") or {}
    path = media_paths.get(language.value) or next(iter(media_paths.values()), None)
    when = campaign_text(_pick(campaign.kit.get("when"), language), language, campaign)
    hashtags = " ".join(campaign.kit.get("hashtags") or [])
    short = "\n".join(part for part in (title, when, hashtags) if part)
    return Message(
        text=text,
        language=language.value,
        media=media_reference(campaign, path) if path else None,
        sms_text=short,
    )
