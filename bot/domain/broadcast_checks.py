"""How a broadcast's text fits each channel, as the composer shows it while it is typed:
the characters left on Telegram (under a voice note: a caption's) and WhatsApp, the SMS
segments, and the campaign checks' warnings (content.validation_channels)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.i18n import Text
from bot.models import Language
from content.sms import count_segments, fit_gsm
from content.validation_channels import (
    TELEGRAM_CAPTION,
    TELEGRAM_TEXT,
    WHATSAPP_TEXT,
    channel_limit,
)

CHANNELS = ("telegram", "whatsapp", "sms")
LONGEST = WHATSAPP_TEXT  # what the API accepts too: the channel with the least room


@dataclass(frozen=True)
class TextCheck:
    length: int
    telegram_left: int
    whatsapp_left: int
    sms_segments: int
    sms_encoding: str
    warnings: tuple[Text, ...]

    @property
    def too_long(self) -> bool:
        return self.length > LONGEST

    def to_json(self, language: Language) -> dict[str, Any]:
        return {
            "length": self.length,
            "telegram_left": self.telegram_left,
            "whatsapp_left": self.whatsapp_left,
            "sms_segments": self.sms_segments,
            "sms_encoding": self.sms_encoding,
            "too_long": self.too_long,
            "warnings": [warning.render(language) for warning in self.warnings],
        }


def check_text(text: str, *, with_voice: bool) -> TextCheck:
    """How `text` fits each channel; with a voice note, Telegram shows it as a caption."""
    text = text.strip()
    segments = count_segments(fit_gsm(text)) if text else None
    telegram = TELEGRAM_CAPTION if with_voice else TELEGRAM_TEXT
    warnings = tuple(
        found
        for channel in CHANNELS
        if text and (found := channel_limit(channel, text, None, with_voice)) is not None
    )
    return TextCheck(
        length=len(text),
        telegram_left=telegram - len(text),
        whatsapp_left=WHATSAPP_TEXT - len(text),
        sms_segments=segments.count if segments else 0,
        sms_encoding=segments.encoding if segments else "GSM-7",
        warnings=warnings,
    )
