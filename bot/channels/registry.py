"""The channels this configuration turns on: one entry in CHANNELS per channel.

A channel is a folder under bot/channels/ whose channel.py has a Channel subclass
(base.py) and a `build(resources)` that answers None when the settings leave it off.
Each platform's channel module is imported only when its settings turn it on: the
Telegram and Twilio SDKs cost a third of a second of `relais serve`'s start.
"""

from __future__ import annotations

from collections.abc import Callable

from bot.channels.base import Channel, Resources
from bot.channels.console.channel import build as console
from bot.domain.media_library import MediaLibrary
from bot.settings import Settings


def telegram(resources: Resources) -> Channel | None:
    if not resources.settings.telegram_enabled:
        return None
    from bot.channels.telegram.channel import build

    return build(resources)


def whatsapp(resources: Resources) -> Channel | None:
    if not resources.settings.twilio_enabled:
        return None
    from bot.channels.whatsapp.channel import build

    return build(resources)


def sms(resources: Resources) -> Channel | None:
    if not resources.settings.twilio_enabled:
        return None
    from bot.channels.sms.channel import build

    return build(resources)


CHANNELS: tuple[Callable[[Resources], Channel | None], ...] = (console, telegram, whatsapp, sms)


def build_channels(settings: Settings, media: MediaLibrary | None = None) -> dict[str, Channel]:
    resources = Resources(settings, media)
    built = (build(resources) for build in CHANNELS)
    return {channel.name: channel for channel in built if channel is not None}
