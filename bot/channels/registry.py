"""The channels this configuration turns on: one import and one entry in CHANNELS per channel.

A channel is a folder under bot/channels/ whose channel.py has a Channel subclass
(base.py) and a `build(resources)` that answers None when the settings leave it off.
"""

from __future__ import annotations

from collections.abc import Callable

from bot.channels.base import Channel, Resources
from bot.channels.console.channel import build as console
from bot.channels.sms.channel import build as sms
from bot.channels.telegram.channel import build as telegram
from bot.channels.whatsapp.channel import build as whatsapp
from bot.domain.media_library import MediaLibrary
from bot.settings import Settings

CHANNELS: tuple[Callable[[Resources], Channel | None], ...] = (console, telegram, whatsapp, sms)


def build_channels(settings: Settings, media: MediaLibrary | None = None) -> dict[str, Channel]:
    resources = Resources(settings, media)
    built = (build(resources) for build in CHANNELS)
    return {channel.name: channel for channel in built if channel is not None}
