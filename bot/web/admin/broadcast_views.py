"""What the broadcast pages show of a broadcast, in the organiser's language: its state,
its audience in words, its local times, its progress (from bot.domain.broadcasts.status)."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from bot.domain.broadcasts import Audience, Status
from bot.domain.indicators.reach import FAILED, PENDING
from bot.enums import REACHED
from bot.i18n import Text, _
from bot.models import BroadcastState, Language
from content.places import find_place

STATES: dict[BroadcastState, Text] = {
    BroadcastState.DRAFT: _("draft"),
    BroadcastState.SCHEDULED: _("scheduled"),
    BroadcastState.SENDING: _("sending"),
    BroadcastState.DONE: _("done"),
    BroadcastState.CANCELLED: _("cancelled"),
}
# Deliveries grouped as the indicators count them (indicators.md, Reach).
GROUPS: dict[str, tuple[str, ...]] = {
    "reached": tuple(status.value for status in REACHED),
    "failed": tuple(status.value for status in FAILED),
    "held": ("held",),
    "cancelled": ("cancelled",),
    "pending": tuple(status.value for status in PENDING),
}
LIVE = (BroadcastState.SCHEDULED, BroadcastState.SENDING)


def local(moment: datetime | None, zone: ZoneInfo) -> str:
    return moment.astimezone(zone).strftime("%Y-%m-%d %H:%M") if moment else ""


def audience_words(audience: Audience, language: Language) -> str:
    """ "Bambara readers · Kayes, Kita · tag ambassadeur", or "Everyone"."""
    parts: list[str] = []
    if audience.languages == ("fr",):
        parts.append(_("French readers").render(language))
    elif audience.languages == ("bm",):
        parts.append(_("Bambara readers").render(language))
    if audience.places:
        names = (found.name if (found := find_place(slug)) else slug for slug in audience.places)
        parts.append(", ".join(names))
    if audience.roles:
        roles = {"relay": _("relays"), "organiser": _("organisers")}
        parts.append(", ".join(roles[role].render(language) for role in audience.roles))
    if audience.tags:
        parts.append(_("tags: {tags}", tags=", ".join(audience.tags)).render(language))
    if audience.joined_since:
        since = audience.joined_since.isoformat()
        parts.append(_("joined since {day}", day=since).render(language))
    return " · ".join(parts) or _("Everyone").render(language)


def progress(found: Status, language: Language) -> dict[str, Any]:
    """The live part of a broadcast's page: its state, and its deliveries as they end."""
    state = found.state
    counts = {
        group: sum(found.deliveries.get(status, 0) for status in statuses)
        for group, statuses in GROUPS.items()
    }
    total = sum(found.deliveries.values())
    if state is BroadcastState.SCHEDULED or (state is BroadcastState.DRAFT and not total):
        total = found.total  # nothing queued yet: who it will go to
    handled = found.handled
    percent = 100 if state is BroadcastState.DONE else (handled * 100 // total if total else 0)
    return {
        "state": state.value,
        "state_label": STATES[state].render(language),
        "live": state in LIVE,
        "total": total,
        "handled": handled,
        "percent": percent,
        "counts": counts,
    }
