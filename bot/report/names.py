"""Names people read for the values the figures carry (channels, post formats)."""

from __future__ import annotations

from datetime import date

from babel.dates import format_date

from bot.domain.indicators.figures import Indicators
from bot.enums import Language
from bot.i18n import _

_CHANNELS = {"telegram": "Telegram", "whatsapp": "WhatsApp", "sms": "SMS"}
_FORMATS = {
    "text": _("text"),
    "photo": _("picture"),
    "voice": _("voice note"),
    "video": _("video"),
}
_LANGUAGES = {"fr": _("French"), "bm": _("Bambara")}


def channel(name: str, language: Language) -> str:
    if name == "console":
        return _("simulator").render(language)
    return _CHANNELS.get(name, name)


def post_format(name: str, language: Language) -> str:
    found = _FORMATS.get(name)
    return found.render(language) if found else name


def spoken(name: str, language: Language) -> str:
    """A campaign language by its name ("French"), or the code as it came."""
    found = _LANGUAGES.get(name)
    return found.render(language) if found else name


def place(name: str, language: Language) -> str:
    return _("unknown").render(language) if name == "unknown" else name


def period(indicators: Indicators, language: Language) -> str:
    """ "From 1 December 2026 to 7 December 2026 · campaign: engageonsnous"."""

    def day(value: date) -> str:
        return format_date(value, format="long", locale=language.value)

    filters = indicators.filters
    narrowed = (
        (_("campaign"), filters.campaign),
        (_("channel"), filters.channel),
        (_("language"), filters.language),
        (_("place"), filters.place),
    )
    scope = [
        _("{name}: {value}", name=label, value=value).render(language)
        for label, value in narrowed
        if value
    ]
    start, end = day(indicators.period.start), day(indicators.period.end)
    return " · ".join([_("From {start} to {end}", start=start, end=end).render(language), *scope])
