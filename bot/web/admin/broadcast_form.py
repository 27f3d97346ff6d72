"""The composer's form (/admin/broadcasts/new) read into an audience, texts, a voice note
and a time, with what is wrong said in the organiser's words.

Field names are the public contract: languages (fr, bm; several), places, tags, roles,
text_fr, text_bm, voice_bm (a file), send_at (local time in the campaign's zone, empty
for now).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from bot.domain.broadcast_checks import LONGEST
from bot.domain.broadcasts import Audience
from bot.i18n import Text, _
from bot.models import Broadcast, Language, Role

FIELDS = ("languages", "places", "tags", "roles")
TEXT_FIELDS = {"fr": "text_fr", "bm": "text_bm"}


@dataclass
class Composed:
    """What the form says; `errors` empty when it can become a draft."""

    audience: Audience
    texts: dict[str, str]
    send_at: datetime | None  # UTC; None for now
    values: dict[str, Any]  # to fill the form again
    errors: list[Text] = field(default_factory=list)


def _many(form: Any, name: str) -> tuple[str, ...]:
    values = (str(value).strip() for value in form.getlist(name) if isinstance(value, str))
    return tuple(dict.fromkeys(value for value in values if value))


def parse_local(value: str, zone: ZoneInfo) -> datetime | None:
    """A datetime-local value ("2026-12-01T10:30") as a time in `zone`; None if unreadable."""
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment.replace(tzinfo=zone) if moment.tzinfo is None else moment


def read_send_at(
    value: str, *, zone: ZoneInfo, now: datetime
) -> tuple[datetime | None, Text | None]:
    """(when, None), or (None, why not); empty is now (None, None)."""
    if not value.strip():
        return None, None
    moment = parse_local(value.strip(), zone)
    if moment is None:
        return None, _("Give the time as day and hour, e.g. 2026-12-05 10:00.")
    if moment <= now:
        return None, _("This time has passed: leave it empty to send now.")
    return moment, None


def read_form(form: Any, *, zone: ZoneInfo, now: datetime, has_voice: bool) -> Composed:
    languages, places, tags, roles = (_many(form, name) for name in FIELDS)
    texts = {language: str(form.get(name) or "").strip() for language, name in TEXT_FIELDS.items()}
    send_text = str(form.get("send_at") or "")
    values: dict[str, Any] = {
        "languages": languages,
        "places": places,
        "tags": tags,
        "roles": roles,
        "text_fr": texts["fr"],
        "text_bm": texts["bm"],
        "send_at": send_text,
    }
    errors: list[Text] = []
    if unknown := [value for value in languages if value not in {item.value for item in Language}]:
        errors.append(_("Unknown language: {value}", value=", ".join(unknown)))
    if unknown := [value for value in roles if value not in {item.value for item in Role}]:
        errors.append(_("Unknown role: {value}", value=", ".join(unknown)))
    for language, text in texts.items():
        if len(text) > LONGEST:
            name = _("French") if language == "fr" else _("Bambara")
            errors.append(
                _(
                    "The {language} text has {length} characters: {limit} at most.",
                    language=name,
                    length=len(text),
                    limit=LONGEST,
                )
            )
    if not any(texts.values()) and not has_voice:
        errors.append(_("Write a text, or give a Bambara voice note."))
    send_at, late = read_send_at(send_text, zone=zone, now=now)
    if late is not None:
        errors.append(late)
    audience = Audience(languages=languages, places=places, roles=roles, tags=tags)
    return Composed(audience, {k: v for k, v in texts.items() if v}, send_at, values, errors)


def values_of(broadcast: Broadcast, zone: ZoneInfo) -> dict[str, Any]:
    """A draft's values, to change it in the form."""
    audience = Audience.from_json(broadcast.audience)
    later = broadcast.send_at > broadcast.created_at
    return {
        "languages": audience.languages,
        "places": audience.places,
        "tags": audience.tags,
        "roles": audience.roles,
        "text_fr": broadcast.texts.get("fr", ""),
        "text_bm": broadcast.texts.get("bm", ""),
        "send_at": broadcast.send_at.astimezone(zone).strftime("%Y-%m-%dT%H:%M") if later else "",
    }
