"""The senders of the channels this configuration turns on."""

from __future__ import annotations

from bot.channels.base import Sender
from bot.channels.console import ConsoleSender
from bot.channels.telegram import TelegramSender
from bot.channels.twilio import TwilioSender
from bot.domain.media_library import MediaLibrary
from bot.settings import Settings


def build_senders(settings: Settings, media: MediaLibrary | None = None) -> dict[str, Sender]:
    senders: dict[str, Sender] = {"console": ConsoleSender()}
    if settings.telegram_token is not None:
        senders["telegram"] = TelegramSender(
            token=settings.telegram_token.get_secret_value(),
            api_url=settings.telegram_api_url,
            rate=settings.telegram_rate,
            media=media,
        )
    if settings.twilio_enabled:
        if settings.twilio_whatsapp_from:
            senders["whatsapp"] = TwilioSender(channel="whatsapp", settings=settings)
        if settings.twilio_sms_from:
            senders["sms"] = TwilioSender(channel="sms", settings=settings)
    return senders
