"""The booklet's checklist "Êtes-vous prêts à lancer votre campagne ?", judged on a loaded
campaign: each item says, in the organiser's language, why it is not met yet."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from functools import reduce

from bot.enums import Language
from bot.i18n import Renderable, Text, _
from content.model import Campaign, Post
from content.rules_calendar import calendar_reasons
from content.validation import LANGUAGE_NAMES, LANGUAGES, channel_limit

KIT_PLATFORMS = ("whatsapp", "facebook", "twitter")  # the kit's ready-to-forward messages
SHOWN = 5  # reasons listed in a detail; the rest are counted


@dataclass(frozen=True)
class Item:
    key: str
    title: Text
    ok: bool
    detail: Text

    def to_dict(self, language: Language) -> dict[str, object]:
        """{key, title, ok, detail}, the words in `language`."""
        return {
            "key": self.key,
            "title": self.title.render(language),
            "ok": self.ok,
            "detail": self.detail.render(language),
        }


@dataclass(frozen=True)
class Readiness:
    items: tuple[Item, ...]

    @property
    def ready(self) -> bool:
        return all(item.ok for item in self.items)

    def to_json(self, language: Language) -> dict[str, object]:
        """A JSON-ready dict: {"ready": bool, "items": [{key, title, ok, detail}]}."""
        return {"ready": self.ready, "items": [item.to_dict(language) for item in self.items]}


@dataclass(frozen=True)
class Capitalized:
    """A reason that opens a sentence."""

    text: Renderable

    def render(self, language: Language) -> str:
        rendered = self.text.render(language)
        return rendered[:1].upper() + rendered[1:]


def _semicolon(first: Renderable, second: Renderable) -> Renderable:
    return _("{first}; {second}", first=first, second=second)


def _comma(first: Renderable, second: Renderable) -> Renderable:
    return _("{first}, {second}", first=first, second=second)


def _listed(reasons: Sequence[Renderable]) -> Text:
    shown = reduce(_semicolon, reasons[:SHOWN])
    more = len(reasons) - SHOWN
    if more > 0:
        return _("{reasons}; and {count} other(s).", reasons=shown, count=more)
    return _("{reasons}.", reasons=shown)


def _missing(label: Text, texts: dict[str, str]) -> Text | None:
    absent: list[Renderable] = [
        LANGUAGE_NAMES[language] for language in LANGUAGES if not texts.get(language)
    ]
    if not absent:
        return None
    return _("{label} ({languages})", label=label, languages=reduce(_comma, absent))


def objectives(campaign: Campaign) -> Item:
    missing = [
        reason
        for label, texts in (
            (_("objectives"), campaign.objectives),
            (_("target audiences"), campaign.audiences),
        )
        if (reason := _missing(label, texts))
    ]
    detail = _("Objectives and target audiences in French and in Bambara.")
    if missing:
        detail = _("Missing: {reasons}", reasons=_listed(missing))
    title = _("The objectives and the target audiences are defined")
    return Item("objectives", title, not missing, detail)


def channels(campaign: Campaign) -> Item:
    ready = [post for post in campaign.posts if post.status == "ready"]
    reasons = [
        _(
            "{post} ({language}, {channel}): {reason}",
            post=post.id,
            language=language,
            channel=channel,
            reason=reason,
        )
        for post in ready
        for language, text in post.text.items()
        for channel in campaign.channels
        if (reason := channel_limit(channel, text, post.sms.get(language), language in post.media))
    ]
    names = ", ".join(campaign.channels)
    detail = _("The {count} ready posts fit on {channels}.", count=len(ready), channels=names)
    if not ready:
        detail = _("No post ready yet: nothing to check.")
    elif reasons:
        detail = _listed(reasons)
    title = _("The messages are fit for each channel")
    return Item("channels", title, not reasons, detail)


def calendar(campaign: Campaign, today: date | None) -> Item:
    reasons = calendar_reasons(campaign, today)
    low, high = campaign.posts_per_week
    detail = _(
        "Phases in order, no more than {gap} days without a post, from {low} to {high} posts"
        " a week.",
        gap=campaign.max_gap_days,
        low=low,
        high=high,
    )
    if reasons:
        detail = _listed([Capitalized(reasons[0]), *reasons[1:]])
    return Item("calendar", _("The calendar is coherent and balanced"), not reasons, detail)


def produced(post: Post, campaign: Campaign) -> bool:
    """Ready, with its final text in each of its languages and its media on disk."""
    languages = (post.single_language,) if post.single_language else LANGUAGES
    return (
        post.status == "ready"
        and all(post.text.get(language) for language in languages)
        and all((campaign.folder / path).is_file() for path in post.media.values())
    )


def content(campaign: Campaign, today: date | None) -> Item:
    total = len(campaign.posts)
    done = sum(produced(post, campaign) for post in campaign.posts)
    ok = total > 0 and done * 2 >= total
    counts = {"count": done, "total": total, "percent": done * 100 // max(total, 1)}
    detail = (
        _("{count} post(s) ready out of {total} ({percent} %).", **counts)
        if ok
        else _(
            "{count} post(s) ready out of {total} ({percent} %): at least half are needed.",
            **counts,
        )
    )
    late = [
        post.id
        for post in campaign.posts
        if today and post.day < today and not produced(post, campaign)
    ]
    if late:
        detail = _(
            "{progress} Date passed, not ready: {posts}.",
            progress=detail,
            posts=", ".join(late[:SHOWN]),
        )
    title = _("At least half of the content is produced")
    return Item("content", title, ok, detail)


def kit(campaign: Campaign) -> Item:
    kit = campaign.kit
    parts = (
        (_("what"), kit.what),
        (_("who"), kit.who),
        (_("when"), kit.when),
        (_("why"), kit.why),
    )
    platforms = sorted({*KIT_PLATFORMS, *kit.messages})
    messages = [
        (_("message {platform}", platform=name), kit.messages.get(name, {})) for name in platforms
    ]
    missing = [reason for label, texts in (*parts, *messages) if (reason := _missing(label, texts))]
    if not kit.hashtags:
        missing.append(_("hashtags"))
    detail = _("What, who, when, why, messages to forward and hashtags, in both languages.")
    if missing:
        detail = _("Missing: {reasons}", reasons=_listed(missing))
    return Item("kit", _("The mobilisation kit is complete"), not missing, detail)


def check_readiness(campaign: Campaign, today: date | None = None) -> Readiness:
    """`today`, when given, also flags a campaign already over and past posts not ready."""
    return Readiness(
        (
            objectives(campaign),
            channels(campaign),
            calendar(campaign, today),
            content(campaign, today),
            kit(campaign),
        )
    )
