"""A post as one relay receives it: their language (or the campaign's fallback), the
post's hashtags at its end so it can be forwarded as is, its picture or voice note."""

from __future__ import annotations

from pathlib import PurePosixPath
from typing import Any

from bot.models import CampaignRow, PostRow

_KINDS = {
    ".jpg": "photo",
    ".jpeg": "photo",
    ".png": "photo",
    ".ogg": "voice",
    ".oga": "voice",
    ".opus": "voice",
    ".mp3": "voice",
    ".m4a": "voice",
    ".amr": "voice",
    ".mp4": "video",
    ".3gp": "video",
}


def media_reference(campaign: CampaignRow, path: str) -> dict[str, str]:
    """Where a campaign file is, for every channel: Telegram uploads it from the campaign
    folder, Twilio fetches it from /media/<campaign>/<path>."""
    kind = _KINDS.get(PurePosixPath(path).suffix.lower(), "document")
    return {"kind": kind, "path": f"{campaign.slug}/{path}"}


def _with_hashtags(text: str, hashtags: list[str]) -> str:
    missing = [tag for tag in hashtags if tag.lower() not in text.lower()]
    return f"{text}\n\n{' '.join(missing)}" if missing else text


def post_language(post: PostRow, campaign: CampaignRow, language: str) -> str | None:
    """The language this relay gets the post in, or None when it has nothing for them."""
    texts: dict[str, str] = post.content.get("text") or {}
    if texts.get(language):
        return language
    fallback = campaign.settings.get("fallback_language")
    return fallback if fallback and texts.get(fallback) else None


def post_payload(post: PostRow, campaign: CampaignRow, language: str) -> dict[str, Any] | None:
    """The delivery payload of `post` for a relay reading `language`."""
    chosen = post_language(post, campaign, language)
    if chosen is None:
        return None
    content = post.content
    hashtags: list[str] = content.get("hashtags") or []
    sms: dict[str, str] = content.get("sms") or {}
    media: dict[str, str] = content.get("media") or {}
    templates: dict[str, Any] = content.get("templates") or {}
    # A picture says the same in any language; a voice note in the other language is
    # still better than none for someone who reads little.
    path = media.get(chosen) or next(iter(media.values()), None)
    payload: dict[str, Any] = {
        "language": chosen,
        "post": post.slug,
        "text": _with_hashtags(content["text"][chosen], hashtags),
        "options": [],
        "media": media_reference(campaign, path) if path else None,
    }
    if sms.get(chosen):
        payload["sms_text"] = _with_hashtags(sms[chosen], hashtags)
    if templates.get(chosen):
        payload["template"] = templates[chosen]
    return payload
